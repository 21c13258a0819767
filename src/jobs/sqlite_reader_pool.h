// SqliteReaderPool: a few read-only connections to the job database.
//
// In WAL mode each read sees one committed snapshot and never blocks the
// writer (nor is blocked by it). Lease() hands out a free connection, waiting
// for one when all are busy; the lease returns it on destruction. Thread-safe.
// Open() throws SQLite::Exception.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace edgepix {

class SqliteReaderPool {
 public:
  class Lease {
   public:
    Lease(SqliteReaderPool* pool, SQLite::Database* db) : pool_(pool), db_(db) {}
    ~Lease() { pool_->Return(db_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    SQLite::Database& db() { return *db_; }

   private:
    SqliteReaderPool* pool_;
    SQLite::Database* db_;
  };

  SqliteReaderPool(const std::string& path, size_t size);
  Lease Acquire();

 private:
  void Return(SQLite::Database* db);

  std::vector<std::unique_ptr<SQLite::Database>> all_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<SQLite::Database*> free_;
};

}  // namespace edgepix
