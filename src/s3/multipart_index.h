// MultipartIndex: S3 multipart uploads in progress and their parts, in the job
// database (tables s3_uploads and s3_parts). An interface with two
// implementations: SqliteMultipartIndex (s3/sqlite_multipart_index.h, the
// SQLite file in --data, migration in jobs/sqlite_schema.cpp) and the
// PostgreSQL one (s3/pg_indexes.h, shared by the nodes, migration in
// jobs/pg_schema.cpp).
//
// A part's bytes are a blob of the staging store (S3Backends::parts) under
// `blob_id`, committed (fsync'd, renamed) before its row is: a row always
// names a durable blob, so an upload survives a crash or kill -9 and can be
// completed after a restart. A blob without a row (a crash between the two)
// is found by Unreferenced() and removed at start.
//
// Each method that removes rows returns the removed parts so the caller can
// delete their blobs after the commit. PutPart replaces a part of the same
// number and returns the replaced one.
//
// Thread-safety: all methods may be called concurrently (on PostgreSQL from
// several nodes too: UploadPart on one node and Complete on another).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgepix::s3 {

struct UploadRow {
  std::string upload_id;
  std::string bucket;
  std::string key;
  std::string content_type;
  std::string initiated;  // ISO 8601 UTC
};

struct PartRow {
  std::string upload_id;
  int part_number = 0;
  std::string blob_id;
  uint64_t size = 0;
  std::string etag;  // quoted hex MD5
  std::string last_modified;
};

struct UploadListRequest {
  std::string prefix;
  std::string key_marker;        // exclusive, with upload_id_marker
  std::string upload_id_marker;  // only with key_marker
  int max_uploads = 1000;
};

class MultipartIndex {
 public:
  virtual ~MultipartIndex() = default;

  // kNotFound when the bucket does not exist.
  virtual Status Create(const UploadRow& upload) = 0;
  virtual Result<std::optional<UploadRow>> Get(const std::string& upload_id) = 0;
  // Inserts or replaces; kNotFound when the upload is gone (completed,
  // aborted, swept). Returns the part it replaced.
  virtual Result<std::optional<PartRow>> PutPart(const PartRow& part) = 0;
  // Parts in part-number order, numbers > `after`, at most `max` (+1 to tell
  // whether more follow).
  virtual Result<std::vector<PartRow>> Parts(const std::string& upload_id, int after = 0,
                                             int max = 10000) = 0;
  // Uploads in (key, upload id) order after the markers, at most max_uploads + 1.
  virtual Result<std::vector<UploadRow>> List(const std::string& bucket,
                                              const UploadListRequest& request) = 0;
  // Removes the upload and its part rows; returns the parts (nullopt when
  // there was no such upload).
  virtual Result<std::optional<std::vector<PartRow>>> Remove(const std::string& upload_id) = 0;
  // Upload ids initiated before `iso8601` (stale ones, for the sweep).
  virtual Result<std::vector<std::string>> InitiatedBefore(const std::string& iso8601) = 0;
  // Bytes of every part of every upload in progress.
  virtual Result<uint64_t> PartBytes() = 0;
  // Bytes of the parts of one upload, except part `except` (0: none).
  virtual Result<uint64_t> UploadBytes(const std::string& upload_id, int except = 0) = 0;
  // Of `blob_ids`, those no part row names.
  virtual Result<std::vector<std::string>> Unreferenced(
      const std::vector<std::string>& blob_ids) = 0;

  // One request at a time completes, aborts or sweeps an upload (in memory on
  // SQLite; on PostgreSQL a claim on the upload's row, across nodes, that
  // runs out after a while should its node die). false when another holds it.
  virtual bool Claim(const std::string& upload_id) = 0;
  virtual void Unclaim(const std::string& upload_id) = 0;
};

}  // namespace edgepix::s3
