#include "cli/s3_notify.h"

#include "webhooks/outbox.h"
#include "webhooks/pg_outbox.h"
#include "webhooks/s3_event_body.h"

namespace edgepix::cli {

std::string S3EventName(s3::ObjectChangeKind kind) {
  switch (kind) {
    case s3::ObjectChangeKind::kPut:
      return "ObjectCreated:Put";
    case s3::ObjectChangeKind::kCopy:
      return "ObjectCreated:Copy";
    case s3::ObjectChangeKind::kCompleteMultipartUpload:
      return "ObjectCreated:CompleteMultipartUpload";
    case s3::ObjectChangeKind::kDelete:
      return "ObjectRemoved:Delete";
  }
  return "ObjectCreated:Put";
}

namespace {

webhooks::OutboxEvent S3OutboxEvent(const s3::ObjectChange& change,
                                    const std::vector<std::string>& endpoints,
                                    const std::string& region) {
  webhooks::S3ObjectEvent e;
  e.event_name = S3EventName(change.kind);
  e.region = region;
  e.event_time = webhooks::S3EventTimeNow();
  e.bucket = change.row.bucket;
  e.key = change.row.key;
  e.size = change.row.size;
  e.etag = change.row.etag;
  e.sequencer = webhooks::NextS3Sequencer();
  webhooks::OutboxEvent out;
  out.type = "s3:" + e.event_name;
  out.subject_id = e.bucket + "/" + e.key;
  out.body = webhooks::S3EventBody(e);
  out.created_ms = webhooks::NowMs();
  out.endpoints = endpoints;
  return out;
}

}  // namespace

void InstallS3Notify(s3::SqliteObjectIndex* index, std::vector<std::string> endpoints,
                     std::string region, webhooks::Dispatcher* dispatcher) {
  if (endpoints.empty()) return;
  index->SetChangeHook(
      [endpoints = std::move(endpoints), region = std::move(region)](
          SQLite::Database& txn, const s3::ObjectChange& change) {
        webhooks::SqliteOutbox::Write(txn, S3OutboxEvent(change, endpoints, region));
      },
      [dispatcher] { dispatcher->Wake(); });
}

s3::PgObjectHooks PgS3NotifyHooks(std::vector<std::string> endpoints, std::string region,
                                  webhooks::Dispatcher* dispatcher) {
  if (endpoints.empty()) return {};
  return {[endpoints = std::move(endpoints), region = std::move(region)](
              PgConn& txn, const s3::ObjectChange& change) {
            webhooks::PgOutbox::Write(txn, S3OutboxEvent(change, endpoints, region));
          },
          [dispatcher] { dispatcher->Wake(); }};
}

}  // namespace edgepix::cli
