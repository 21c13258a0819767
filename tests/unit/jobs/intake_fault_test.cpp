// Intake under storage faults: a failed write, fsync or rename, or a full disk,
// refuses the upload with kIoError/kDiskFull and leaves nothing behind, neither
// in the blob store nor in the job store; the next upload works again.
#include <catch2/catch.hpp>

#include "unit/jobs/processor_test_env.h"

using namespace edgepix;
using namespace edgepix::testing;

namespace {

struct Fault {
  const char* what;
  FaultOp op;
  int nth;
  FaultKind kind;
  ErrorCode expected;
};

}  // namespace

TEST_CASE("intake: a storage fault refuses the upload and leaves nothing behind") {
  auto fault =
      GENERATE(Fault{"write fails", FaultOp::kAppend, 1, FaultKind::kIoError, ErrorCode::kIoError},
               Fault{"write hits a full disk", FaultOp::kAppend, 2, FaultKind::kDiskFull,
                     ErrorCode::kDiskFull},
               Fault{"temp file cannot be created", FaultOp::kCreate, 1, FaultKind::kDiskFull,
                     ErrorCode::kDiskFull},
               Fault{"fsync fails", FaultOp::kSync, 1, FaultKind::kIoError, ErrorCode::kIoError},
               Fault{"fsync hits a full disk", FaultOp::kSync, 1, FaultKind::kDiskFull,
                     ErrorCode::kDiskFull},
               Fault{"close fails", FaultOp::kClose, 1, FaultKind::kIoError, ErrorCode::kIoError},
               Fault{"rename fails", FaultOp::kRename, 1, FaultKind::kIoError, ErrorCode::kIoError},
               Fault{"first directory fsync fails", FaultOp::kSyncDir, 1, FaultKind::kIoError,
                     ErrorCode::kIoError},
               Fault{"directory fsync after the rename fails", FaultOp::kSyncDir, 2,
                     FaultKind::kIoError, ErrorCode::kIoError});
  INFO(fault.what);
  PipelineEnv p;
  const std::string jpeg = MakeJpeg(640, 480);
  REQUIRE(jpeg.size() > 2 * 4096);  // streamed in more than two pieces
  p.env.FailNth(fault.op, fault.nth, fault.kind);
  auto job = p.Upload(jpeg);
  REQUIRE_FALSE(job.ok());
  CHECK(job.status().code() == fault.expected);
  CHECK(p.Files().empty());
  CHECK(p.JobCount() == 0);

  // The seam is not left broken: the same upload now goes through.
  p.env.ClearFaults();
  auto again = p.Upload(jpeg);
  REQUIRE(again.ok());
  CHECK(p.Files().size() == 1);
  CHECK(p.JobCount() == 1);
}

TEST_CASE("intake: free space under the margin is refused before a byte is stored") {
  PipelineEnv p;
  IntakeOptions options;
  options.min_free_bytes = 64ull << 20;
  Intake intake(p.store.get(), p.blobs.get(), options);
  p.env.SetFreeBytes(10ull << 20);
  auto begun = intake.Begin();
  REQUIRE_FALSE(begun.ok());
  CHECK(begun.status().code() == ErrorCode::kDiskFull);
  CHECK(p.env.Calls(FaultOp::kCreate) == 0);
  p.env.SetFreeBytes(100ull << 20);
  CHECK(intake.Begin().ok());
}

TEST_CASE("intake: a full queue is refused before a byte is stored") {
  PipelineEnv p;
  IntakeOptions options;
  options.min_free_bytes = 0;
  options.max_queue = 2;
  Intake intake(p.store.get(), p.blobs.get(), options);
  const std::string png = MakePng(64, 48);
  for (int i = 0; i < 2; ++i) REQUIRE(p.Upload(png).ok());
  int creates = p.env.Calls(FaultOp::kCreate);
  auto begun = intake.Begin();
  REQUIRE_FALSE(begun.ok());
  CHECK(begun.status().code() == ErrorCode::kQueueFull);
  CHECK(p.env.Calls(FaultOp::kCreate) == creates);
  // Once a job leaves PENDING there is room again.
  auto claimed = p.store->ClaimNext();
  REQUIRE(claimed.ok());
  CHECK(intake.Begin().ok());
}

TEST_CASE("intake: an abandoned upload (client gone) leaves nothing behind") {
  PipelineEnv p;
  const std::string jpeg = MakeJpeg(320, 240);
  {
    auto up = p.intake->Begin();
    REQUIRE(up.ok());
    REQUIRE((*up)->Append(jpeg.data(), jpeg.size() / 2).ok());
    CHECK(p.Files().size() == 1);  // the temp file while streaming
  }
  CHECK(p.Files().empty());
  CHECK(p.JobCount() == 0);
}
