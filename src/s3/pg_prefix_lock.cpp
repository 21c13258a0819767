// The PostgreSQL cross-node lock of --s3-complete-marker (see s3/pg_indexes.h).
#include <memory>
#include <string>

#include "common/log.h"
#include "jobs/pg_conn.h"
#include "s3/pg_indexes.h"

namespace edgepix::s3 {
namespace {

// The advisory lock class of S3 prefixes ('S3' folded), beside the migration's.
constexpr const char* kPrefixLockClass = "5333";

class PgPrefixLock : public PrefixLock {
 public:
  PgPrefixLock(std::shared_ptr<PgPool> pool, PgPool::Lease lease, std::string key)
      : pool_(std::move(pool)), lease_(std::move(lease)), key_(std::move(key)) {}
  ~PgPrefixLock() override {
    try {
      if (lease_.conn().healthy()) {
        lease_.conn().Exec("SELECT pg_advisory_unlock($1::int, hashtext($2))",
                           {kPrefixLockClass, key_});
      }
    } catch (const std::exception& e) {
      // The lock goes with the session: reset it so the pool reconnects.
      log::Warning(std::string("s3 prefix unlock: ") + e.what());
      try {
        lease_.conn().Reset();
      } catch (const std::exception&) {
      }
    }
  }

 private:
  std::shared_ptr<PgPool> pool_;  // outlives the lease (declared first)
  PgPool::Lease lease_;
  std::string key_;
};

}  // namespace

Result<PrefixLocker> OpenPgPrefixLocker(const std::string& url, int connections) {
  try {
    auto pool = std::make_shared<PgPool>(url, connections);
    return PrefixLocker([pool](const std::string& bucket,
                               const std::string& prefix) -> Result<std::unique_ptr<PrefixLock>> {
      const std::string key = bucket + "/" + prefix;
      try {
        auto lease = pool->Acquire();
        lease.conn().Exec("SELECT pg_advisory_lock($1::int, hashtext($2))",
                          {kPrefixLockClass, key});
        return std::unique_ptr<PrefixLock>(new PgPrefixLock(pool, std::move(lease), key));
      } catch (const std::exception& e) {
        return StatusFromPgError("s3 prefix lock", e);
      }
    });
  } catch (const std::exception& e) {
    return StatusFromPgError("s3 prefix lock", e);
  }
}

}  // namespace edgepix::s3
