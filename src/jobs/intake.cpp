#include "jobs/intake.h"

#include <algorithm>
#include <random>

#include "common/log.h"
#include "jobs/sha256.h"

namespace edgepix {
namespace {

constexpr size_t kHeadBytes = 256 * 1024;

}  // namespace

std::string NewJobId() {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string id(22, 'A');
  for (char& c : id) c = kAlphabet[rng() & 63];
  return id;
}

Intake::Intake(JobStore* store, BlobStore* blobs, IntakeOptions options)
    : store_(store), blobs_(blobs), options_(std::move(options)) {}

Result<std::unique_ptr<DiskReservation>> Intake::Reserve(uint64_t bytes) {
  // Under the lock, so two requests cannot both take the last room.
  std::lock_guard<std::mutex> lock(reserve_mu_);
  EDGEPIX_ASSIGN_OR_RETURN(auto free_bytes, blobs_->FreeBytes());
  if (free_bytes < options_.min_free_bytes + reserved_ + bytes) {
    return Status::Error(ErrorCode::kDiskFull, "not enough free disk space to accept uploads");
  }
  reserved_ += bytes;
  return std::unique_ptr<DiskReservation>(new DiskReservation(this, bytes));
}

DiskReservation::~DiskReservation() {
  std::lock_guard<std::mutex> lock(intake_->reserve_mu_);
  intake_->reserved_ -= bytes_;
}

Result<std::unique_ptr<PendingUpload>> Intake::Begin(uint64_t max_bytes) {
  EDGEPIX_ASSIGN_OR_RETURN(auto pending, store_->CountByStatus(JobStatus::kPending));
  if (pending >= options_.max_queue) {
    return Status::Error(
        ErrorCode::kQueueFull,
        "the processing queue is full (" + std::to_string(pending) + " jobs pending); retry later");
  }
  EDGEPIX_ASSIGN_OR_RETURN(auto free_bytes, blobs_->FreeBytes());
  if (free_bytes < options_.min_free_bytes) {
    return Status::Error(ErrorCode::kDiskFull, "not enough free disk space to accept uploads");
  }
  EDGEPIX_ASSIGN_OR_RETURN(auto sha, Sha256::Create());
  std::string id = NewJobId();
  EDGEPIX_ASSIGN_OR_RETURN(auto writer, blobs_->BeginOriginal(id));
  const uint64_t limit =
      max_bytes > 0 ? std::min(max_bytes, options_.max_upload_bytes) : options_.max_upload_bytes;
  return std::unique_ptr<PendingUpload>(
      new PendingUpload(this, id, std::move(writer), std::move(sha), limit));
}

PendingUpload::PendingUpload(Intake* intake, std::string id, std::unique_ptr<BlobWriter> writer,
                             std::unique_ptr<Sha256> sha, uint64_t max_bytes)
    : intake_(intake),
      id_(std::move(id)),
      writer_(std::move(writer)),
      sha_(std::move(sha)),
      max_bytes_(max_bytes) {}

PendingUpload::~PendingUpload() = default;

Status PendingUpload::Append(const char* data, size_t size) {
  if (!failed_.ok()) return failed_;
  if (bytes_ + size > max_bytes_) {
    failed_ = Status::Error(
        ErrorCode::kTooLarge,
        max_bytes_ == intake_->options_.max_upload_bytes
            ? "upload exceeds the limit of " + std::to_string(max_bytes_ >> 20) + " MB"
            : "upload exceeds the limit of " + std::to_string(max_bytes_) + " bytes");
    return failed_;
  }
  if (head_.size() < kHeadBytes) head_.append(data, std::min(size, kHeadBytes - head_.size()));
  sha_->Update(data, size);
  Status st = writer_->Append(data, size);
  if (!st.ok()) {
    failed_ = st;
    return st;
  }
  bytes_ += size;
  return Status::Ok();
}

Result<Job> PendingUpload::Finish(const std::string& filename, const UploadTarget& target) {
  if (!failed_.ok()) return failed_;
  if (bytes_ == 0) return Status::Error(ErrorCode::kBadRequest, "the upload is empty");

  Job job;
  job.id = id_;
  job.filename = filename.substr(0, 255);
  job.original.bytes = bytes_;
  auto probe = image::Probe(head_, intake_->options_.limits);
  if (probe.ok()) {
    job.original.format = image::FormatName(probe->format);
    job.original.width = probe->width;
    job.original.height = probe->height;
  } else {
    // A header beyond the bytes we kept is judged when the job runs.
    bool header_may_be_later = probe.status().code() == ErrorCode::kUndecodable &&
                               bytes_ > head_.size() &&
                               image::SniffFormat(head_) != image::Format::kUnknown;
    if (!header_may_be_later) return probe.status();
    job.original.format = image::FormatName(image::SniffFormat(head_));
  }
  job.original.sha256 = sha_->HexDigest();

  EDGEPIX_RETURN_IF_ERROR(writer_->Commit());
  job.created_at = job.updated_at = NowIso8601();
  job.batch_id = target.batch_id;
  job.uploader = target.uploader;
  job.moderation = target.moderation;
  Status inserted = target.grant_id.empty()
                        ? intake_->store_->Insert(job)
                        : intake_->store_->InsertWithGrant(job, target.grant_id);
  if (!inserted.ok()) {
    Status removed = intake_->blobs_->DeleteImage(id_);
    if (!removed.ok()) {
      log::Warning("cannot remove an unrecorded upload's files: " + removed.ToString(),
                   {{"id", id_}});
    }
    return inserted;
  }
  return job;
}

}  // namespace edgepix
