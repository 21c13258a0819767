// SQLite insert group commit (jobs/sqlite_job_store.cpp over
// common/group_commit.h): inserts that arrive while the write lock is held
// are committed together in one transaction, each in its own savepoint. One
// that fails (duplicate id, used grant, closed batch) fails alone with its own
// error; the others are committed, and each caller returns only once its row
// is committed. Real SQLite file, real threads.
#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "jobs/sqlite_stores.h"
#include "unit/support/fixtures.h"
#include "unit/support/sample_job.h"

using namespace edgepix;
using namespace edgepix::testing;

namespace {

// Committed jobs of `batch`, read on a connection of its own.
int64_t CommittedJobs(const std::string& db_path, const std::string& batch) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement st(db, "SELECT COUNT(*) FROM jobs WHERE batch_id = ?");
  st.bind(1, batch);
  st.executeStep();
  return st.getColumn(0).getInt64();
}

bool Committed(const std::string& db_path, const std::string& id) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement st(db, "SELECT COUNT(*) FROM jobs WHERE id = ?");
  st.bind(1, id);
  st.executeStep();
  return st.getColumn(0).getInt64() == 1;
}

}  // namespace

TEST_CASE("sqlite group commit: concurrent inserts share one commit, a failing one fails alone") {
  TempDir tmp;
  const std::string path = tmp.Join("jobs.db");
  std::string open_batch;  // set before any insert
  std::mutex seen_mu;
  std::vector<int64_t> seen;  // committed jobs of open_batch at each hook call
  SqliteStoreHooks hooks;
  hooks.on_batch_changed = [&](const std::string& id) {
    if (id != open_batch) return;
    int64_t n = CommittedJobs(path, id);
    std::lock_guard<std::mutex> lock(seen_mu);
    seen.push_back(n);
  };
  auto stores = OpenSqliteStores(path, hooks);
  REQUIRE(stores.ok());
  auto open = stores->batches->Create(NewBatch{});
  auto closed = stores->batches->Create(NewBatch{});
  REQUIRE(open.ok());
  REQUIRE(closed.ok());
  REQUIRE(stores->batches->Close(closed->id).ok());
  REQUIRE(stores->jobs->Insert(SampleJob("existing")).ok());
  UploadGrant used{"grant-used", "", 0, std::time(nullptr) + 3600, "", ""};
  UploadGrant fresh{"grant-fresh", "", 0, std::time(nullptr) + 3600, "", ""};
  REQUIRE(stores->grants->Create({used, fresh}).ok());
  REQUIRE(stores->jobs->InsertWithGrant(SampleJob("first-user"), "grant-used").ok());
  open_batch = open->id;

  // What each thread inserts and the outcome it must get.
  struct Call {
    Job job;
    std::string grant;
    ErrorCode expected;
    Status got;
    bool visible_on_return = false;
  };
  std::vector<Call> calls;
  const int kGood = 12;
  for (int i = 0; i < kGood; ++i) {
    calls.push_back({SampleJob("good" + std::to_string(i), open->id), "", ErrorCode::kOk, {}});
  }
  calls.push_back({SampleJob("with-grant", open->id), "grant-fresh", ErrorCode::kOk, {}});
  calls.push_back({SampleJob("existing", open->id), "", ErrorCode::kConflict, {}});
  calls.push_back({SampleJob("grant-reuse", open->id), "grant-used", ErrorCode::kGrantInvalid, {}});
  calls.push_back({SampleJob("late", closed->id), "", ErrorCode::kBatchClosed, {}});

  // Hold the write lock until every inserting thread is about to insert.
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool gate_open = false;
  std::atomic<int> ready{0};
  std::thread holder([&] {
    Status held = stores->write([&](SQLite::Database&) {
      std::unique_lock<std::mutex> lock(gate_mu);
      gate_cv.wait(lock, [&] { return gate_open; });
    });
    CHECK(held.ok());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // holder takes the lock
  std::vector<std::thread> threads;
  for (Call& call : calls) {
    threads.emplace_back([&, c = &call] {
      ++ready;
      c->got = c->grant.empty() ? stores->jobs->Insert(c->job)
                                : stores->jobs->InsertWithGrant(c->job, c->grant);
      if (c->got.ok()) c->visible_on_return = Committed(path, c->job.id);
    });
  }
  while (ready.load() < static_cast<int>(calls.size())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // all queued on the lock
  {
    std::lock_guard<std::mutex> lock(gate_mu);
    gate_open = true;
  }
  gate_cv.notify_all();
  holder.join();
  for (auto& t : threads) t.join();

  for (const Call& call : calls) {
    INFO(call.job.id << ": " << call.got.ToString());
    CHECK(call.got.code() == call.expected);
    if (call.expected == ErrorCode::kOk) {
      CHECK(call.visible_on_return);
    } else if (call.job.id != "existing") {
      CHECK_FALSE(Committed(path, call.job.id));
    }
  }
  // One commit held them all: the first report of the batch's change already
  // sees every successful insert committed.
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.front() == kGood + 1);
  CHECK(CommittedJobs(path, open->id) == kGood + 1);
  auto grant = stores->grants->Get("grant-fresh");
  REQUIRE(grant.ok());
  CHECK(grant->job_id == "with-grant");
  auto reused = stores->grants->Get("grant-used");
  REQUIRE(reused.ok());
  CHECK(reused->job_id == "first-user");
  auto batch = stores->batches->Get(open->id);
  REQUIRE(batch.ok());
  CHECK(batch->counts.total == kGood + 1);
}

TEST_CASE("sqlite group commit: many threads inserting at once all get their own row") {
  TempDir tmp;
  auto stores = OpenSqliteStores(tmp.Join("jobs.db"));
  REQUIRE(stores.ok());
  const int kThreads = 16, kEach = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!stores->jobs->Insert(SampleJob(id)).ok()) ++failures;
        // Inserted twice: the second is a conflict, whatever batch it lands in.
        if (i % 5 == 0 && stores->jobs->Insert(SampleJob(id)).code() != ErrorCode::kConflict) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures.load() == 0);
  auto pending = stores->jobs->CountByStatus(JobStatus::kPending);
  REQUIRE(pending.ok());
  CHECK(*pending == kThreads * kEach);
  // Every seq is distinct: FIFO order survives the batching.
  SQLite::Database db(tmp.Join("jobs.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT COUNT(DISTINCT seq) FROM jobs").getInt64() == kThreads * kEach);
}
