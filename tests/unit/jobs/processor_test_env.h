// A real job pipeline for the intake/processor tests: a LocalBlobStore on a
// FaultInjectionEnv in a temp directory, a SQLite JobStore file, an Intake and a
// JobProcessor (no retry backoff), plus helpers to drive and inspect them.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "jobs/intake.h"
#include "jobs/job_notifier.h"
#include "jobs/job_processor.h"
#include "jobs/job_store.h"
#include "storage/blob_store.h"
#include "unit/support/fault_injection_env.h"
#include "unit/support/fixtures.h"

namespace edgepix::testing {

struct PipelineEnv {
  explicit PipelineEnv(int max_attempts = 3) {
    auto b = OpenLocalBlobStore(&env, data());
    REQUIRE(b.ok());
    blobs = std::move(*b);
    auto s = OpenSqliteJobStore(dir.Join("jobs.db"));
    REQUIRE(s.ok());
    store = std::move(*s);
    IntakeOptions io;
    io.min_free_bytes = 0;
    intake = std::make_unique<Intake>(store.get(), blobs.get(), io);
    ProcessorOptions po;
    po.max_attempts = max_attempts;
    po.retry_backoff_ms = 0;
    processor = std::make_unique<JobProcessor>(store.get(), blobs.get(), &notifier, po);
  }

  std::string data() const { return dir.Join("data"); }

  // Streams `bytes` through the intake in 4 KB pieces.
  Result<Job> Upload(const std::string& bytes, const std::string& name = "photo.jpg") {
    auto up = intake->Begin();
    if (!up.ok()) return up.status();
    for (size_t off = 0; off < bytes.size(); off += 4096) {
      Status st = (*up)->Append(bytes.data() + off, std::min<size_t>(4096, bytes.size() - off));
      if (!st.ok()) return st;
    }
    return (*up)->Finish(name);
  }

  // Claims and runs jobs until none is PENDING; returns how many runs happened.
  int Drain() {
    int runs = 0;
    while (true) {
      auto claimed = store->ClaimNext();
      REQUIRE(claimed.ok());
      if (!claimed->has_value()) return runs;
      processor->Run(**claimed);
      ++runs;
      REQUIRE(runs < 100);
    }
  }

  // Regular files under the data directory (relative paths), the database excluded.
  std::vector<std::string> Files() const {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(data())) {
      if (e.is_regular_file()) {
        files.push_back(std::filesystem::relative(e.path(), data()).string());
      }
    }
    return files;
  }

  int64_t JobCount() {
    auto page = store->List(JobListQuery{});
    REQUIRE(page.ok());
    return static_cast<int64_t>(page->jobs.size());
  }

  TempDir dir;
  FaultInjectionEnv env;
  JobNotifier notifier;
  std::unique_ptr<BlobStore> blobs;
  std::unique_ptr<JobStore> store;
  std::unique_ptr<Intake> intake;
  std::unique_ptr<JobProcessor> processor;
};

}  // namespace edgepix::testing
