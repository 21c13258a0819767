// GrantStore: upload grants, each good for exactly one upload without a token.
//
// A grant is a row (id, batch, byte limit, expiry); the id is random and the
// HTTP layer hands it out signed, so it cannot be guessed or forged (the
// signature is checked before the store is asked). A grant is used up by
// JobStore::InsertWithGrant, in the transaction that inserts its job: of any
// number of concurrent uploads through one grant exactly one commits, also
// across restarts. Every call is one transaction. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgepix {

struct UploadGrant {
  std::string id;          // [A-Za-z0-9_-], chosen by the caller (NewJobId)
  std::string batch_id;    // empty = none
  uint64_t max_bytes = 0;  // 0 = the server's limit
  int64_t expires_at = 0;  // Unix seconds
  std::string used_at;     // empty while unused
  std::string job_id;      // the job its upload made, once used
};

class GrantStore {
 public:
  virtual ~GrantStore() = default;
  // Records every grant in one transaction. When they name a batch it must
  // exist (kNotFound) and be OPEN (kBatchClosed).
  virtual Status Create(const std::vector<UploadGrant>& grants) = 0;
  // kNotFound if unknown.
  virtual Result<UploadGrant> Get(const std::string& id) = 0;
  // Makes a grant used by `job_id` unused again: its upload was withdrawn
  // (the request was answered with an error after the job was committed).
  virtual Status Release(const std::string& id, const std::string& job_id) = 0;
  // Removes grants that expired before `unix_seconds`; returns how many.
  virtual Result<int64_t> DeleteExpiredBefore(int64_t unix_seconds) = 0;
  // Migration (`edgepix migrate`): writes `grant` as it is (used or not), its
  // batch unchecked. kConflict when the id exists (nothing written). Stores
  // that cannot import answer kUnavailable.
  virtual Status Import(const UploadGrant& grant) {
    (void)grant;
    return Status::Error(ErrorCode::kUnavailable, "this grant store cannot import grants");
  }
};

}  // namespace edgepix
