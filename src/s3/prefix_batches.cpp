#include "s3/prefix_batches.h"

namespace edgepix::s3 {
namespace {

nlohmann::json Tag(const std::string& bucket, const std::string& prefix) {
  return {{"s3", {{"bucket", bucket}, {"prefix", prefix}}}};
}

}  // namespace

std::string KeyPrefix(std::string_view key) {
  size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(key.substr(0, slash + 1));
}

bool IsMarkerKey(std::string_view key, std::string_view marker) {
  if (marker.empty()) return false;
  return key.substr(KeyPrefix(key).size()) == marker;
}

Result<PrefixGuard> PrefixBatches::Lock(const std::string& bucket, const std::string& prefix) {
  PrefixGuard guard;
  guard.local = std::unique_lock<std::mutex>(mu_);
  if (locker_) {
    EDGEPIX_ASSIGN_OR_RETURN(guard.shared, locker_(bucket, prefix));
  }
  return guard;
}

Result<std::optional<Batch>> PrefixBatches::FindOpen(const std::string& bucket,
                                                     const std::string& prefix) {
  const nlohmann::json tag = Tag(bucket, prefix);
  BatchListQuery query;
  query.status = BatchStatus::kOpen;
  query.limit = 200;
  while (true) {
    EDGEPIX_ASSIGN_OR_RETURN(BatchListPage page, batches_->List(query));
    for (Batch& b : page.batches) {
      if (b.metadata == tag) return std::optional<Batch>(std::move(b));
    }
    if (page.next.empty()) return std::optional<Batch>();
    query.cursor = page.next;
  }
}

Result<std::string> PrefixBatches::OpenFor(const std::string& bucket, const std::string& prefix) {
  EDGEPIX_ASSIGN_OR_RETURN(std::optional<Batch> open, FindOpen(bucket, prefix));
  if (open) return open->id;
  NewBatch batch;
  batch.metadata = Tag(bucket, prefix);
  EDGEPIX_ASSIGN_OR_RETURN(Batch created, batches_->Create(batch));
  return created.id;
}

Result<std::optional<Batch>> PrefixBatches::Close(const std::string& bucket,
                                                  const std::string& prefix) {
  EDGEPIX_ASSIGN_OR_RETURN(std::optional<Batch> open, FindOpen(bucket, prefix));
  if (!open) return std::optional<Batch>();
  EDGEPIX_ASSIGN_OR_RETURN(Batch closed, batches_->Close(open->id));
  return std::optional<Batch>(std::move(closed));
}

}  // namespace edgepix::s3
