#include "jobs/migration.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "jobs/job_row_codec.h"
#include "jobs/sha256.h"

namespace edgepix {
namespace {

constexpr size_t kChunk = size_t{1} << 20;
constexpr int kPage = 200;

struct Digest {
  uint64_t bytes = 0;
  std::string sha256;
};

// Hashes a stored original by streaming it (never whole in memory).
Result<Digest> HashOriginal(BlobStore& blobs, const std::string& id) {
  EDGEPIX_ASSIGN_OR_RETURN(auto reader, blobs.OpenOriginal(id));
  EDGEPIX_ASSIGN_OR_RETURN(auto hash, Sha256::Create());
  std::string chunk;
  for (uint64_t at = 0; at < reader->size(); at += chunk.size()) {
    EDGEPIX_RETURN_IF_ERROR(reader->ReadAt(at, kChunk, &chunk));
    if (chunk.empty()) return Status::Error(ErrorCode::kInternal, "original " + id + " ends early");
    hash->Update(chunk.data(), chunk.size());
  }
  return Digest{reader->size(), hash->HexDigest()};
}

// Streams the original from `from` into `to`, hashing what it sends.
Result<Digest> CopyOriginal(BlobStore& from, BlobStore& to, const std::string& id) {
  EDGEPIX_ASSIGN_OR_RETURN(auto reader, from.OpenOriginal(id));
  EDGEPIX_ASSIGN_OR_RETURN(auto writer, to.BeginOriginal(id));
  EDGEPIX_ASSIGN_OR_RETURN(auto hash, Sha256::Create());
  std::string chunk;
  for (uint64_t at = 0; at < reader->size(); at += chunk.size()) {
    EDGEPIX_RETURN_IF_ERROR(reader->ReadAt(at, kChunk, &chunk));
    if (chunk.empty()) return Status::Error(ErrorCode::kInternal, "original " + id + " ends early");
    hash->Update(chunk.data(), chunk.size());
    EDGEPIX_RETURN_IF_ERROR(writer->Append(chunk.data(), chunk.size()));
  }
  EDGEPIX_RETURN_IF_ERROR(writer->Commit());
  return Digest{reader->size(), hash->HexDigest()};
}

// Every source job, oldest first (List pages newest first).
Result<std::vector<Job>> AllJobs(JobStore& store) {
  std::vector<Job> all;
  JobListQuery query;
  query.limit = kPage;
  while (true) {
    EDGEPIX_ASSIGN_OR_RETURN(auto page, store.List(query));
    for (Job& job : page.jobs) all.push_back(std::move(job));
    if (page.next.empty()) break;
    query.cursor = page.next;
  }
  std::reverse(all.begin(), all.end());
  return all;
}

// The row the target gets: a job left PROCESSING goes back to PENDING as a
// restart would do, deterministically (a rerun computes the same row).
Job TargetRow(Job job) {
  if (job.status == JobStatus::kProcessing) {
    job.status = JobStatus::kPending;
    job.variants.clear();
    job.attempts = std::max(0, job.attempts - 1);
    job.version += 1;
  }
  return job;
}

bool SameBatch(const Batch& a, const Batch& b) {
  return a.id == b.id && a.status == b.status && a.version == b.version && a.counts == b.counts &&
         a.metadata == b.metadata && a.callback_url == b.callback_url &&
         a.created_at == b.created_at && a.updated_at == b.updated_at && a.closed_at == b.closed_at;
}

class Migration {
 public:
  Migration(const MigrationSource& source, const MigrationTargets& targets,
            const MigrationOptions& options)
      : source_(source),
        source_jobs_(*source.jobs),
        source_blobs_(*source.blobs),
        targets_(targets),
        options_(options),
        serving_(targets.blobs ? *targets.blobs : *source.blobs) {}

  MigrationReport Run() {
    auto jobs = AllJobs(source_jobs_);
    if (!jobs.ok()) {
      Problem("cannot list the source jobs: " + jobs.status().message());
      return report_;
    }
    report_.jobs = static_cast<int64_t>(jobs->size());
    Say("migrating " + std::to_string(report_.jobs) + " jobs" +
        (targets_.blobs ? ", their originals and variants" : "") +
        (targets_.jobs ? ", and the job event log" : ""));
    if (targets_.jobs && targets_.batches && source_.batches) Batches();
    int64_t n = 0;
    for (const Job& job : *jobs) {
      ++n;
      const size_t problems_before = report_.problems.size();
      const Job row = TargetRow(job);
      const bool blobs_ok = Blobs(row);
      if (blobs_ok && targets_.jobs) Row(row);
      if (blobs_ok && !targets_.jobs) report_.jobs_verified += 1;
      Say("job " + std::to_string(n) + "/" + std::to_string(report_.jobs) + " " + job.id + " (" +
          JobStatusName(row.status) + ")" +
          (report_.problems.size() == problems_before ? " ok" : " not verified"));
    }
    if (targets_.jobs && targets_.grants) Grants();
    if (targets_.jobs) Events();
    if (report_.jobs_verified != report_.jobs) {
      Problem("counts differ: " + std::to_string(report_.jobs) + " jobs in the source, " +
              std::to_string(report_.jobs_verified) + " verified in the target");
    }
    return report_;
  }

 private:
  void Say(const std::string& line) {
    if (options_.progress) options_.progress(line);
  }
  void Problem(const std::string& what) {
    report_.problems.push_back(what);
    Say("problem: " + what);
  }
  void Written(uint64_t bytes) {
    report_.bytes_copied += bytes;
    if (options_.after_blob_written) options_.after_blob_written();
  }

  // The job's blobs where the node will read them, copied if needed and
  // verified; false (with a problem recorded) when any is not right.
  bool Blobs(const Job& job) {
    bool ok = Original(job);
    for (const VariantRecord& v : job.variants) ok = Variant(job, v) && ok;
    return ok;
  }

  bool Original(const Job& job) {
    const std::string& id = job.id;
    // The recorded sha256 is the reference; a job recorded without one is
    // compared with the source's bytes.
    std::string expected = job.original.sha256;
    if (expected.empty()) {
      auto source = HashOriginal(source_blobs_, id);
      if (!source.ok()) {
        Problem("original of " + id + " unreadable in the source: " + source.status().message());
        return false;
      }
      expected = source->sha256;
    }
    if (targets_.blobs) {
      auto there = HashOriginal(*targets_.blobs, id);
      if (there.ok() && there->sha256 == expected) {
        report_.originals_present += 1;
      } else {
        if (!there.ok() && there.status().code() != ErrorCode::kNotFound) {
          Problem("original of " + id + " unreadable in the target: " + there.status().message());
          return false;
        }
        auto copied = CopyOriginal(source_blobs_, *targets_.blobs, id);
        if (!copied.ok()) {
          Problem("copying the original of " + id + ": " + copied.status().message());
          return false;
        }
        Written(copied->bytes);
        report_.originals_copied += 1;
        if (copied->sha256 != expected) {
          Problem("the source's original of " + id + " does not match its recorded sha256");
          return false;
        }
      }
    }
    auto check = HashOriginal(serving_, id);
    if (!check.ok()) {
      Problem("original of " + id + " unreadable after the copy: " + check.status().message());
      return false;
    }
    if (check->sha256 != expected ||
        (job.original.bytes != 0 && check->bytes != job.original.bytes)) {
      Problem("original of " + id + " does not match its recorded sha256 and size");
      return false;
    }
    report_.originals_verified += 1;
    return true;
  }

  bool Variant(const Job& job, const VariantRecord& v) {
    const std::string what = "variant " + v.name + " of " + job.id;
    auto source = source_blobs_.ReadVariant(job.id, v.name);
    if (!source.ok()) {
      Problem(what + " unreadable in the source: " + source.status().message());
      return false;
    }
    if (targets_.blobs) {
      auto there = targets_.blobs->ReadVariant(job.id, v.name);
      if (there.ok() && *there == *source) {
        report_.variants_present += 1;
      } else {
        if (!there.ok() && there.status().code() != ErrorCode::kNotFound) {
          Problem(what + " unreadable in the target: " + there.status().message());
          return false;
        }
        if (Status st = targets_.blobs->PutVariant(job.id, v.name, *source); !st.ok()) {
          Problem("copying " + what + ": " + st.message());
          return false;
        }
        Written(source->size());
        report_.variants_copied += 1;
      }
      auto check = targets_.blobs->ReadVariant(job.id, v.name);
      if (!check.ok() || *check != *source) {
        Problem(what + " differs from the source after the copy");
        return false;
      }
    }
    if (v.bytes != 0 && source->size() != v.bytes) {
      Problem(what + " has " + std::to_string(source->size()) + " bytes, its job records " +
              std::to_string(v.bytes));
      return false;
    }
    report_.variants_verified += 1;
    return true;
  }

  void Row(const Job& row) {
    Status st = targets_.jobs->Import(row);
    if (st.ok()) {
      report_.jobs_imported += 1;
    } else if (st.code() != ErrorCode::kConflict) {
      Problem("importing job " + row.id + ": " + st.message());
      return;
    }
    auto there = targets_.jobs->Get(row.id);
    if (!there.ok()) {
      Problem("job " + row.id + " unreadable in the target: " + there.status().message());
      return;
    }
    if (!SameJob(*there, row)) {
      Problem("job " + row.id + " is already in the target with other contents (version " +
              std::to_string(there->version) + ", " + JobStatusName(there->status) + ")");
      return;
    }
    if (!st.ok()) report_.jobs_present += 1;
    report_.jobs_verified += 1;
  }

  // Oldest first, so the target lists them in the same order.
  void Batches() {
    std::vector<Batch> all;
    BatchListQuery query;
    query.limit = kPage;
    while (true) {
      auto page = source_.batches->List(query);
      if (!page.ok()) {
        Problem("cannot list the source's batches: " + page.status().message());
        return;
      }
      for (Batch& b : page->batches) all.push_back(std::move(b));
      if (page->next.empty()) break;
      query.cursor = page->next;
    }
    std::reverse(all.begin(), all.end());
    for (const Batch& b : all) {
      Status st = targets_.batches->Import(b);
      if (!st.ok() && st.code() != ErrorCode::kConflict) {
        Problem("importing batch " + b.id + ": " + st.message());
        continue;
      }
      auto there = targets_.batches->Get(b.id);
      if (!there.ok() || !SameBatch(*there, b)) {
        Problem("batch " + b.id + " is in the target with other contents");
        continue;
      }
      report_.batches += 1;
    }
    Say("batches: " + std::to_string(report_.batches));
  }

  void Grants() {
    for (const UploadGrant& g : source_.grants) {
      Status st = targets_.grants->Import(g);
      if (!st.ok() && st.code() != ErrorCode::kConflict) {
        Problem("importing upload grant " + g.id + ": " + st.message());
        continue;
      }
      auto there = targets_.grants->Get(g.id);
      if (!there.ok() || there->batch_id != g.batch_id || there->max_bytes != g.max_bytes ||
          there->expires_at != g.expires_at || there->used_at != g.used_at ||
          there->job_id != g.job_id) {
        Problem("upload grant " + g.id + " is in the target with other contents");
        continue;
      }
      report_.grants += 1;
    }
    Say("upload grants: " + std::to_string(report_.grants));
  }

  void Events() {
    int64_t after = 0;
    while (true) {
      auto events = source_jobs_.EventsAfter(after, kPage);
      if (!events.ok()) {
        // A store without a log has nothing to copy.
        if (events.status().code() != ErrorCode::kUnavailable) {
          Problem("cannot read the source's event log: " + events.status().message());
        }
        return;
      }
      if (events->empty()) break;
      for (const JobEvent& e : *events) {
        if (Status st = targets_.jobs->ImportEvent(e); !st.ok()) {
          Problem("event " + std::to_string(e.seq) + ": " + st.message());
          return;
        }
        report_.events += 1;
        after = e.seq;
      }
    }
    Say("event log: " + std::to_string(report_.events) + " events");
  }

  const MigrationSource& source_;
  JobStore& source_jobs_;
  BlobStore& source_blobs_;
  const MigrationTargets& targets_;
  const MigrationOptions& options_;
  BlobStore& serving_;
  MigrationReport report_;
};

}  // namespace

bool SameJob(const Job& a, const Job& b) {
  auto error = [](const Job& j) {
    return j.error ? std::make_pair(j.error->code, j.error->message)
                   : std::make_pair(std::string("\x01"), std::string());
  };
  return a.id == b.id && a.status == b.status && a.version == b.version &&
         a.filename == b.filename && a.created_at == b.created_at && a.updated_at == b.updated_at &&
         a.original.bytes == b.original.bytes && a.original.format == b.original.format &&
         a.original.width == b.original.width && a.original.height == b.original.height &&
         a.original.sha256 == b.original.sha256 &&
         MetadataToColumn(a.metadata) == MetadataToColumn(b.metadata) &&
         VariantsToJson(a.variants) == VariantsToJson(b.variants) && error(a) == error(b) &&
         a.warnings == b.warnings && a.thumbhash == b.thumbhash && a.attempts == b.attempts &&
         a.spec_key == b.spec_key && a.suspect == b.suspect && a.batch_id == b.batch_id &&
         a.uploader == b.uploader && a.moderation == b.moderation;
}

MigrationReport MigrateStores(const MigrationSource& source, const MigrationTargets& targets,
                              const MigrationOptions& options) {
  return Migration(source, targets, options).Run();
}

}  // namespace edgepix
