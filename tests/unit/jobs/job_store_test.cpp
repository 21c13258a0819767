// The JobStore suite: every promise of jobs/job_store.h, checked against each
// implementation (unit/jobs/store_fixtures.h): SQLite on a real database file
// in a temp directory, PostgreSQL on a real server the test starts. Tests of
// one implementation's own matters (SQLite's file, its schema history) name it.
#include "jobs/job_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <thread>

#include "unit/jobs/store_fixtures.h"
#include "unit/support/fixtures.h"
#include "unit/support/sample_job.h"
#include "unit/support/skip.h"

using edgepix::testing::SampleJob;

using edgepix::ErrorCode;
using edgepix::Job;
using edgepix::JobError;
using edgepix::JobListQuery;
using edgepix::JobStatus;
using edgepix::JobStore;
using edgepix::OpenSqliteJobStore;
using edgepix::OriginalRecord;
using edgepix::VariantRecord;
using edgepix::testing::PgStore;
using edgepix::testing::SqliteStore;
using edgepix::testing::TempDir;

namespace {

std::unique_ptr<JobStore> Open(const std::string& path) {
  auto store = OpenSqliteJobStore(path);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(*store);
}

std::vector<std::string> Ids(const std::vector<Job>& jobs) {
  std::vector<std::string> ids;
  for (const Job& j : jobs) ids.push_back(j.id);
  return ids;
}

std::string Id(int i) { return "job" + std::to_string(1000 + i); }

}  // namespace

TEMPLATE_TEST_CASE("Insert then Get returns the job as stored", "[store]", SqliteStore, PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  auto store = fx.Open();
  Job job = SampleJob("AbCdEfGh01");
  job.filename = "it's \"quoted\"; DROP TABLE jobs;--.jpg";
  job.status = JobStatus::kCompleted;  // ignored: a new job is PENDING, version 1
  job.version = 7;
  REQUIRE(store->Insert(job).ok());

  auto got = store->Get("AbCdEfGh01");
  REQUIRE(got.ok());
  CHECK(got->id == job.id);
  CHECK(got->status == JobStatus::kPending);
  CHECK(got->version == 1);
  CHECK(got->filename == job.filename);
  CHECK(got->original.bytes == 1234);
  CHECK(got->original.format == "jpeg");
  CHECK(got->original.width == 40);
  CHECK(got->original.height == 30);
  CHECK(got->original.sha256 == job.original.sha256);
  CHECK_FALSE(got->metadata);
  CHECK(got->variants.empty());
  CHECK_FALSE(got->error);
  CHECK(got->attempts == 0);
  CHECK(got->created_at.size() == 24);
  CHECK(got->updated_at == got->created_at);

  CHECK(store->Insert(job).code() == ErrorCode::kConflict);
  CHECK(store->Get("nope").status().code() == ErrorCode::kNotFound);
}

TEMPLATE_TEST_CASE("List is newest first, paginated, filterable", "[store]", SqliteStore, PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  auto store = fx.Open();
  for (int i = 0; i < 7; ++i) REQUIRE(store->Insert(SampleJob(Id(i))).ok());

  JobListQuery q;
  q.limit = 3;
  auto p1 = store->List(q);
  REQUIRE(p1.ok());
  CHECK(Ids(p1->jobs) == std::vector<std::string>{Id(6), Id(5), Id(4)});
  REQUIRE_FALSE(p1->next.empty());

  // A job inserted meanwhile does not shift the following pages.
  REQUIRE(store->Insert(SampleJob(Id(7))).ok());
  q.cursor = p1->next;
  auto p2 = store->List(q);
  REQUIRE(p2.ok());
  CHECK(Ids(p2->jobs) == std::vector<std::string>{Id(3), Id(2), Id(1)});
  q.cursor = p2->next;
  auto p3 = store->List(q);
  REQUIRE(p3.ok());
  CHECK(Ids(p3->jobs) == std::vector<std::string>{Id(0)});
  CHECK(p3->next.empty());

  // Exactly a full last page: no empty extra page is promised.
  q.cursor = "";
  q.limit = 8;
  auto all = store->List(q);
  REQUIRE(all.ok());
  CHECK(all->jobs.size() == 8);
  CHECK(all->next.empty());

  SECTION("status filter") {
    REQUIRE(store->ClaimNext().ok());  // Id(0)
    REQUIRE(store->ClaimNext().ok());  // Id(1)
    JobListQuery f;
    f.status = JobStatus::kProcessing;
    f.limit = 1;
    auto a = store->List(f);
    REQUIRE(a.ok());
    CHECK(Ids(a->jobs) == std::vector<std::string>{Id(1)});
    f.cursor = a->next;
    auto b = store->List(f);
    REQUIRE(b.ok());
    CHECK(Ids(b->jobs) == std::vector<std::string>{Id(0)});
    CHECK(b->next.empty());
    f.status = JobStatus::kFailed;
    f.cursor.clear();
    CHECK(store->List(f)->jobs.empty());
  }
  SECTION("limit is clamped to 1..200") {
    JobListQuery c;
    c.limit = 0;
    CHECK(store->List(c)->jobs.size() == 1);
    c.limit = -5;
    CHECK(store->List(c)->jobs.size() == 1);
    c.limit = 100000;
    CHECK(store->List(c)->jobs.size() == 8);
  }
  SECTION("malformed cursors are bad requests") {
    for (const std::string cursor :
         {"abc", "-1", "0", "+5", "1.5", " 3", "3 ", "99999999999999999999999", "1;DROP"}) {
      INFO("cursor: " << cursor);
      JobListQuery b;
      b.cursor = cursor;
      CHECK(store->List(b).status().code() == ErrorCode::kBadRequest);
    }
  }
}

TEMPLATE_TEST_CASE("ClaimNext is FIFO and every change bumps the version by one", "[store]",
                   SqliteStore, PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  auto store = fx.Open();
  for (int i = 0; i < 3; ++i) REQUIRE(store->Insert(SampleJob(Id(i))).ok());

  auto c0 = store->ClaimNext();
  REQUIRE(c0.ok());
  REQUIRE(c0->has_value());
  CHECK((*c0)->id == Id(0));
  CHECK((*c0)->status == JobStatus::kProcessing);
  CHECK((*c0)->version == 2);
  CHECK((*c0)->attempts == 1);
  CHECK(store->Get(Id(0))->version == 2);

  // Retry: back to PENDING, claimed again before the younger jobs.
  auto back = store->MarkPending(Id(0));
  REQUIRE(back.ok());
  CHECK(back->status == JobStatus::kPending);
  CHECK(back->version == 3);
  auto again = store->ClaimNext();
  REQUIRE(again.ok());
  CHECK((*again)->id == Id(0));
  CHECK((*again)->version == 4);
  CHECK((*again)->attempts == 2);

  std::vector<VariantRecord> variants = {{"thumb", 150, 150, 999}};
  OriginalRecord original{1234, "jpeg", 4000, 3000, std::string(64, 'b')};
  edgepix::image::ImageMetadata facts;
  facts.orientation = 6;
  facts.taken_at = "2024-05-01T12:34:56";
  facts.camera_model = "R5";  // no make: stays unknown
  facts.gps = edgepix::image::GpsPoint{-33.5, 151.25};
  // ThumbHash bytes are binary: a NUL and bytes over 127 survive the round trip.
  const std::string thumbhash("\x93\x00\x0a\xff\x80 tail", 10);
  auto done = store->MarkCompleted(Id(0), original, facts, variants, "k",
                                   {"Premature end of JPEG file"}, thumbhash);
  REQUIRE(done.ok());
  CHECK(done->status == JobStatus::kCompleted);
  CHECK(done->version == 5);
  auto got = store->Get(Id(0));
  REQUIRE(got.ok());
  CHECK(got->version == 5);
  CHECK(got->original.width == 4000);
  CHECK(got->original.sha256 == std::string(64, 'b'));
  REQUIRE(got->metadata);
  CHECK(got->metadata->orientation == 6);
  CHECK(got->metadata->taken_at == "2024-05-01T12:34:56");
  CHECK_FALSE(got->metadata->camera_make);
  CHECK(got->metadata->camera_model == "R5");
  REQUIRE(got->metadata->gps);
  CHECK(got->metadata->gps->lat == -33.5);
  CHECK(got->metadata->gps->lon == 151.25);
  REQUIRE(got->variants.size() == 1);
  CHECK(got->variants[0].name == "thumb");
  CHECK(got->variants[0].bytes == 999);
  CHECK(got->warnings == std::vector<std::string>{"Premature end of JPEG file"});
  CHECK(got->thumbhash == thumbhash);

  CHECK((*store->ClaimNext())->id == Id(1));
  auto failed = store->MarkFailed(Id(1), JobError{"undecodable", "truncated"});
  REQUIRE(failed.ok());
  CHECK(failed->version == 3);
  CHECK(store->Get(Id(1))->error->code == "undecodable");
  CHECK(store->Get(Id(1))->error->message == "truncated");
  CHECK(store->Get(Id(1))->thumbhash.empty());

  // PENDING -> FAILED: refused before processing.
  auto refused = store->MarkFailed(Id(2), JobError{"too_many_pixels", "no"});
  REQUIRE(refused.ok());
  CHECK(refused->version == 2);

  auto none = store->ClaimNext();
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  CHECK(*store->CountByStatus(JobStatus::kCompleted) == 1);
  CHECK(*store->CountByStatus(JobStatus::kFailed) == 2);
  CHECK(*store->CountByStatus(JobStatus::kPending) == 0);
}

TEMPLATE_TEST_CASE("Transitions the state machine forbids are conflicts", "[store]", SqliteStore,
                   PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  auto store = fx.Open();
  REQUIRE(store->Insert(SampleJob(Id(0))).ok());
  // PENDING -> COMPLETED / PENDING are not allowed.
  CHECK(store->MarkCompleted(Id(0), {}, {}, {}, "k", {}, {}).status().code() ==
        ErrorCode::kConflict);
  CHECK(store->MarkPending(Id(0)).status().code() == ErrorCode::kConflict);
  REQUIRE(store->ClaimNext().ok());
  REQUIRE(store->MarkCompleted(Id(0), {}, {}, {}, "k", {}, {}).ok());
  // Nothing leaves COMPLETED.
  CHECK(store->MarkFailed(Id(0), {"x", "y"}).status().code() == ErrorCode::kConflict);
  CHECK(store->MarkPending(Id(0)).status().code() == ErrorCode::kConflict);
  CHECK(store->Get(Id(0))->version == 3);  // refused changes change nothing
  CHECK(store->MarkFailed("ghost", {"x", "y"}).status().code() == ErrorCode::kNotFound);
}

TEMPLATE_TEST_CASE("Concurrent claims never hand out the same job twice", "[store][threads]",
                   SqliteStore, PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  auto store = fx.Open();
  constexpr int kJobs = 60;
  for (int i = 0; i < kJobs; ++i) REQUIRE(store->Insert(SampleJob(Id(i))).ok());

  std::vector<std::string> claimed[2];
  bool errors[2] = {false, false};
  auto claimer = [&](int t) {
    for (;;) {
      auto c = store->ClaimNext();
      if (!c.ok()) {
        errors[t] = true;
        return;
      }
      if (!c->has_value()) return;
      claimed[t].push_back((*c)->id);
      // Readers run alongside the writer.
      if (!store->Get((*c)->id).ok()) errors[t] = true;
    }
  };
  std::thread a(claimer, 0), b(claimer, 1);
  a.join();
  b.join();
  CHECK_FALSE(errors[0]);
  CHECK_FALSE(errors[1]);
  std::set<std::string> all(claimed[0].begin(), claimed[0].end());
  all.insert(claimed[1].begin(), claimed[1].end());
  CHECK(claimed[0].size() + claimed[1].size() == kJobs);
  CHECK(all.size() == kJobs);
  // Each thread saw its claims in FIFO order.
  for (auto& v : claimed) CHECK(std::is_sorted(v.begin(), v.end()));
  CHECK(*store->CountByStatus(JobStatus::kProcessing) == kJobs);
}

TEMPLATE_TEST_CASE("Jobs survive a reopen, and a crash mid-processing is requeued",
                   "[store][recovery]", SqliteStore, PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  {
    auto store = fx.Open();
    for (int i = 0; i < 3; ++i) REQUIRE(store->Insert(SampleJob(Id(i))).ok());
    REQUIRE((*store->ClaimNext())->id == Id(0));
    REQUIRE((*store->ClaimNext())->id == Id(1));
    REQUIRE(store->MarkCompleted(Id(1), SampleJob(Id(1)).original, {}, {}, "k", {}, {}).ok());
    // Destroyed with Id(0) still PROCESSING: the "crash".
  }
  auto store = fx.Open();
  CHECK(store->Get(Id(0))->status == JobStatus::kProcessing);
  CHECK(store->Get(Id(1))->status == JobStatus::kCompleted);
  CHECK(store->Get(Id(2))->status == JobStatus::kPending);

  // The only job running at the crash: the attempt counts against it.
  auto requeued = store->RequeueInterrupted(5);
  REQUIRE(requeued.ok());
  CHECK(requeued->requeued == std::vector<std::string>{Id(0)});
  CHECK(requeued->poisoned.empty());
  auto j0 = store->Get(Id(0));
  CHECK(j0->status == JobStatus::kPending);
  CHECK(j0->version == 3);
  CHECK(j0->attempts == 1);
  CHECK_FALSE(j0->suspect);
  CHECK(store->RequeueInterrupted(5)->requeued.empty());

  // Claimable again, now behind the younger job: one crash does not hit the
  // same job first again.
  auto c = store->ClaimNext();
  REQUIRE(c.ok());
  CHECK((*c)->id == Id(2));
  c = store->ClaimNext();
  REQUIRE(c.ok());
  CHECK((*c)->id == Id(0));
  CHECK((*c)->attempts == 2);

  // Insertion order continues after the reopen.
  REQUIRE(store->Insert(SampleJob(Id(9))).ok());
  CHECK(store->List({})->jobs.front().id == Id(9));
}

TEST_CASE("The database is in WAL mode with the current schema", "[store]") {
  TempDir tmp;
  const std::string path = tmp.Join("jobs.db");
  auto store = Open(path);
  REQUIRE(store->Insert(SampleJob(Id(0))).ok());
  CHECK(edgepix::testing::ReadFileOrDie(path).substr(0, 16) ==
        std::string("SQLite format 3\0", 16));
  // WAL mode keeps a -wal file next to the database while it is open.
  CHECK(std::ifstream(path + "-wal").good());
}

TEMPLATE_TEST_CASE("FindCompletedBySha256 finds only completed jobs", "[store]", SqliteStore,
                   PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  auto store = fx.Open();
  const std::string sha1(64, '1'), sha2(64, '2');
  REQUIRE(store->Insert(SampleJob(Id(0), "", sha1)).ok());
  REQUIRE(store->Insert(SampleJob(Id(1), "", sha2)).ok());
  CHECK_FALSE(store->FindCompletedBySha256(sha1, "k")->has_value());  // only PENDING so far

  REQUIRE(store->ClaimNext().ok());
  OriginalRecord original = SampleJob(Id(0), "", sha1).original;
  REQUIRE(store->MarkCompleted(Id(0), original, {}, {{"thumb", 1, 1, 1}}, "k", {}, {}).ok());
  auto found = store->FindCompletedBySha256(sha1, "k");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->id == Id(0));
  CHECK((*found)->variants.size() == 1);
  CHECK_FALSE(store->FindCompletedBySha256(sha2, "k")->has_value());
  CHECK_FALSE(store->FindCompletedBySha256("", "k")->has_value());
  // Variants made with other settings are not a duplicate's.
  CHECK_FALSE(store->FindCompletedBySha256(sha1, "other")->has_value());
  CHECK_FALSE(store->FindCompletedBySha256(sha1, "")->has_value());
}

TEMPLATE_TEST_CASE("Delete removes the job", "[store]", SqliteStore, PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  auto store = fx.Open();
  REQUIRE(store->Insert(SampleJob(Id(0))).ok());
  REQUIRE(store->Insert(SampleJob(Id(1))).ok());
  REQUIRE(store->Delete(Id(0)).ok());
  CHECK(store->Get(Id(0)).status().code() == ErrorCode::kNotFound);
  CHECK(store->Delete(Id(0)).code() == ErrorCode::kNotFound);
  CHECK(store->MarkFailed(Id(0), {"x", "y"}).status().code() == ErrorCode::kNotFound);
  CHECK(Ids(store->List({})->jobs) == std::vector<std::string>{Id(1)});
  // The id may be used again (a fresh job).
  REQUIRE(store->Insert(SampleJob(Id(0))).ok());
  CHECK(store->List({})->jobs.front().id == Id(0));
}

TEST_CASE("Opening a database that is not one fails cleanly", "[store]") {
  TempDir tmp;
  edgepix::testing::WriteFileOrDie(tmp.Join("bad.db"), std::string(4096, 'x'));
  auto bad = OpenSqliteJobStore(tmp.Join("bad.db"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == ErrorCode::kIoError);
  auto missing_dir = OpenSqliteJobStore(tmp.Join("no/such/dir/jobs.db"));
  REQUIRE_FALSE(missing_dir.ok());
  CHECK(missing_dir.status().code() == ErrorCode::kIoError);
}

TEMPLATE_TEST_CASE(
    "A crash among several running jobs counts against none, suspects then run alone",
    "[store][recovery]", SqliteStore, PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  auto store = fx.Open();
  for (int i = 0; i < 4; ++i) REQUIRE(store->Insert(SampleJob(Id(i))).ok());
  REQUIRE((*store->ClaimNext())->id == Id(0));
  REQUIRE((*store->ClaimNext())->id == Id(1));
  // The "crash": both PROCESSING.
  auto out = store->RequeueInterrupted(1);
  REQUIRE(out.ok());
  CHECK(out->poisoned.empty());  // max_attempts 1, yet neither is blamed
  CHECK(out->requeued == std::vector<std::string>{Id(0), Id(1)});
  for (int i : {0, 1}) {
    auto j = store->Get(Id(i));
    CHECK(j->attempts == 0);
    CHECK(j->suspect);
  }
  // The others go first (the suspects moved to the back) and may run together.
  REQUIRE((*store->ClaimNext())->id == Id(2));
  REQUIRE((*store->ClaimNext())->id == Id(3));
  // A suspect does not start beside a running job...
  CHECK_FALSE(store->ClaimNext()->has_value());
  REQUIRE(store->MarkCompleted(Id(2), {}, {}, {}, "k", {}, {}).ok());
  REQUIRE(store->MarkCompleted(Id(3), {}, {}, {}, "k", {}, {}).ok());
  // ...and nothing starts beside a running suspect.
  REQUIRE((*store->ClaimNext())->id == Id(0));
  CHECK_FALSE(store->ClaimNext()->has_value());
  REQUIRE(store->Insert(SampleJob(Id(4))).ok());
  CHECK_FALSE(store->ClaimNext()->has_value());
  // A crash while it runs alone counts: at max_attempts 1 it is poison.
  out = store->RequeueInterrupted(1);
  REQUIRE(out.ok());
  CHECK(out->poisoned == std::vector<std::string>{Id(0)});
  CHECK(store->Get(Id(0))->error->code == "poison");
  CHECK(store->Get(Id(1))->status == JobStatus::kPending);
}

TEMPLATE_TEST_CASE("PublishVariant lists each variant as it lands, never after Delete", "[store]",
                   SqliteStore, PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  auto store = fx.Open();
  REQUIRE(store->Insert(SampleJob(Id(0))).ok());
  REQUIRE(store->Insert(SampleJob(Id(1))).ok());
  int published = 0;
  auto publish = [&] {
    ++published;
    return edgepix::Status::Ok();
  };
  // Not PROCESSING yet: refused, nothing published.
  CHECK(store->PublishVariant(Id(0), {"thumb", 1, 1, 1}, publish).status().code() ==
        ErrorCode::kConflict);
  REQUIRE(store->ClaimNext().ok());
  REQUIRE(store->ClaimNext().ok());
  auto j = store->PublishVariant(Id(0), {"thumb", 150, 100, 77}, publish);
  REQUIRE(j.ok());
  CHECK(j->version == 3);
  REQUIRE(j->variants.size() == 1);
  CHECK(j->variants[0].bytes == 77);
  CHECK(store->Get(Id(0))->variants.size() == 1);
  // Same name again (a retry) replaces it.
  j = store->PublishVariant(Id(0), {"thumb", 150, 100, 78}, publish);
  REQUIRE(j->variants.size() == 1);
  CHECK(j->variants[0].bytes == 78);
  CHECK(published == 2);
  // A failed publish records nothing.
  auto failing = [] { return edgepix::Status::Error(ErrorCode::kDiskFull, "full"); };
  CHECK(store->PublishVariant(Id(0), {"large", 1, 1, 1}, failing).status().code() ==
        ErrorCode::kDiskFull);
  CHECK(store->Get(Id(0))->variants.size() == 1);
  CHECK(store->Get(Id(0))->version == 4);
  // After Delete, publish is never called.
  REQUIRE(store->Delete(Id(1)).ok());
  CHECK(store->PublishVariant(Id(1), {"thumb", 1, 1, 1}, publish).status().code() ==
        ErrorCode::kNotFound);
  CHECK(published == 2);
  // A retry empties the list (its files are removed by the processor).
  CHECK(store->MarkPending(Id(0))->variants.empty());
}

TEMPLATE_TEST_CASE("Metadata written before it was typed (the API's nested camera) still reads",
                   "[store]", SqliteStore, PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  {
    auto store = fx.Open();
    REQUIRE(store->Insert(SampleJob(Id(0))).ok());
  }
  fx.Exec(
      "UPDATE jobs SET metadata_json = '{\"taken_at\":null,\"camera\":{\"make\":\"Canon\","
      "\"model\":null},\"gps\":{\"lat\":1.5,\"lon\":-2.0},\"orientation\":8}'");
  auto store = fx.Open();
  auto got = store->Get(Id(0));
  REQUIRE(got.ok());
  REQUIRE(got->metadata);
  CHECK(got->metadata->orientation == 8);
  CHECK_FALSE(got->metadata->taken_at);
  CHECK(got->metadata->camera_make == "Canon");
  CHECK_FALSE(got->metadata->camera_model);
  REQUIRE(got->metadata->gps);
  CHECK(got->metadata->gps->lon == -2.0);
}

TEMPLATE_TEST_CASE("The event log numbers completions, failures and deletions, across reopening",
                   "[store][events]", SqliteStore, PgStore) {
  EDGEPIX_STORE_FIXTURE(fx);
  {
    auto store = fx.Open();
    CHECK(*store->LastEventSeq() == 0);
    CHECK(store->EventsAfter(0, 10)->empty());
    for (int i = 0; i < 2; ++i) REQUIRE(store->Insert(SampleJob(Id(i))).ok());
    REQUIRE(store->ClaimNext().ok());
    REQUIRE(store->MarkCompleted(Id(0), {}, {}, {}, "k", {}, {}).ok());
    REQUIRE(store->ClaimNext().ok());
    REQUIRE(store->MarkFailed(Id(1), {"undecodable", "no"}).ok());
    REQUIRE(store->Delete(Id(0)).ok());
    // PROCESSING and refused changes are not events.
    CHECK(store->MarkFailed(Id(0), {"x", "y"}).status().code() == ErrorCode::kNotFound);
    auto events = store->EventsAfter(0, 10);
    REQUIRE(events.ok());
    REQUIRE(events->size() == 3);
    CHECK((*events)[0].kind == edgepix::JobEventKind::kCompleted);
    CHECK((*events)[0].job_id == Id(0));
    CHECK((*events)[1].kind == edgepix::JobEventKind::kFailed);
    CHECK((*events)[1].job_id == Id(1));
    CHECK((*events)[2].kind == edgepix::JobEventKind::kDeleted);
    CHECK((*events)[0].seq < (*events)[1].seq);
    CHECK((*events)[1].seq < (*events)[2].seq);
    CHECK(*store->LastEventSeq() == (*events)[2].seq);
    CHECK(store->EventsAfter(0, 2)->size() == 2);
  }
  auto reopened = fx.Open();
  auto after_first = reopened->EventsAfter(1, 10);
  REQUIRE(after_first.ok());
  REQUIRE(after_first->size() == 2);
  CHECK((*after_first)[0].job_id == Id(1));
  // A seq is never reused, even when the log's newest rows are gone.
  fx.Exec("DELETE FROM job_events");
  auto again = fx.Open();
  CHECK(*again->LastEventSeq() == 3);
}

TEMPLATE_TEST_CASE("Moderation is stored, filtered on, logged as events and survives reopening",
                   "[store][moderation]", SqliteStore, PgStore) {
  using edgepix::JobEventKind;
  using edgepix::Moderation;
  EDGEPIX_STORE_FIXTURE(fx);
  {
    auto store = fx.Open();
    Job guest = SampleJob(Id(0));
    guest.moderation = Moderation::kPending;
    REQUIRE(store->Insert(guest).ok());
    REQUIRE(store->Insert(SampleJob(Id(1))).ok());
    CHECK(store->Get(Id(0))->moderation == Moderation::kPending);
    CHECK(store->Get(Id(1))->moderation == Moderation::kApproved);

    JobListQuery pending;
    pending.moderation = Moderation::kPending;
    CHECK(Ids(store->List(pending)->jobs) == std::vector<std::string>{Id(0)});

    auto approved = store->SetModeration(Id(0), Moderation::kApproved);
    REQUIRE(approved.ok());
    CHECK(approved->moderation == Moderation::kApproved);
    CHECK(approved->version == 2);
    // The same decision again changes nothing and logs nothing.
    CHECK(store->SetModeration(Id(0), Moderation::kApproved)->version == 2);
    REQUIRE(store->SetModeration(Id(1), Moderation::kHidden).ok());
    CHECK(store->SetModeration("nosuchjob1", Moderation::kHidden).status().code() ==
          ErrorCode::kNotFound);
    CHECK(store->SetModeration(Id(1), Moderation::kPending).status().code() ==
          ErrorCode::kBadRequest);
    CHECK(store->List(pending)->jobs.empty());

    auto events = store->EventsAfter(0, 10);
    REQUIRE(events->size() == 2);
    CHECK((*events)[0].kind == JobEventKind::kApproved);
    CHECK((*events)[0].job_id == Id(0));
    CHECK((*events)[1].kind == JobEventKind::kHidden);
    CHECK((*events)[1].job_id == Id(1));
  }
  auto reopened = fx.Open();
  CHECK(reopened->Get(Id(0))->moderation == Moderation::kApproved);
  CHECK(reopened->Get(Id(1))->moderation == Moderation::kHidden);
}

TEST_CASE("IsShown: completed and approved, nothing else", "[moderation]") {
  using edgepix::IsShown;
  using edgepix::Moderation;
  CHECK(IsShown(JobStatus::kCompleted, Moderation::kApproved));
  CHECK_FALSE(IsShown(JobStatus::kCompleted, Moderation::kPending));
  CHECK_FALSE(IsShown(JobStatus::kCompleted, Moderation::kHidden));
  CHECK_FALSE(IsShown(JobStatus::kProcessing, Moderation::kApproved));
  CHECK_FALSE(IsShown(JobStatus::kFailed, Moderation::kApproved));
}

TEST_CASE("A version 8 database gains moderation and keeps its event seqs", "[store][migration]") {
  TempDir tmp;
  const std::string path = tmp.Join("jobs.db");
  {
    // What edgepix wrote before --moderate: schema 8, a job and a log whose
    // newest rows are gone (sqlite_sequence is ahead of the rows).
    auto store = Open(path);
    REQUIRE(store->Insert(SampleJob(Id(0))).ok());
    REQUIRE(store->ClaimNext().ok());
    REQUIRE(store->MarkCompleted(Id(0), {}, {}, {}, "k", {}, {}).ok());
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    // Undo what came after schema 8: migration 10 (S3 multipart), then 9.
    db.exec("DROP TRIGGER s3_objects_follow_jobs");
    db.exec("DROP TABLE s3_parts");
    db.exec("DROP TABLE s3_uploads");
    db.exec("DROP INDEX jobs_moderation_seq");
    db.exec("ALTER TABLE jobs DROP COLUMN moderation");
    db.exec(
        "CREATE TABLE old_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL "
        "CHECK (kind IN ('completed', 'failed', 'deleted')), job_id TEXT NOT NULL, "
        "created_at TEXT NOT NULL)");
    db.exec("INSERT INTO old_events SELECT * FROM job_events");
    db.exec("DROP TABLE job_events");
    db.exec("ALTER TABLE old_events RENAME TO job_events");
    db.exec("INSERT INTO job_events (kind, job_id, created_at) VALUES ('deleted', 'x', 'now')");
    db.exec("INSERT INTO job_events (kind, job_id, created_at) VALUES ('deleted', 'y', 'now')");
    db.exec("DELETE FROM job_events WHERE seq > 1");
    db.exec("PRAGMA user_version = 8");
  }
  auto store = Open(path);
  CHECK(store->Get(Id(0))->moderation == edgepix::Moderation::kApproved);
  CHECK(*store->LastEventSeq() == 3);
  REQUIRE(store->EventsAfter(0, 10)->size() == 1);
  REQUIRE(store->SetModeration(Id(0), edgepix::Moderation::kHidden).ok());
  auto events = store->EventsAfter(0, 10);
  REQUIRE(events->size() == 2);
  CHECK((*events)[1].seq == 4);
  CHECK((*events)[1].kind == edgepix::JobEventKind::kHidden);
}
