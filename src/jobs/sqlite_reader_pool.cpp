#include "jobs/sqlite_reader_pool.h"

#include "jobs/sqlite_schema.h"

namespace edgepix {

SqliteReaderPool::SqliteReaderPool(const std::string& path, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY);
    ConfigureReader(*db);
    free_.push_back(db.get());
    all_.push_back(std::move(db));
  }
}

SqliteReaderPool::Lease SqliteReaderPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  available_.wait(lock, [this] { return !free_.empty(); });
  SQLite::Database* db = free_.back();
  free_.pop_back();
  return Lease(this, db);
}

void SqliteReaderPool::Return(SQLite::Database* db) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(db);
  }
  available_.notify_one();
}

}  // namespace edgepix
