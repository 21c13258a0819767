// GET /api/download.zip[?variant=NAME]: every image shown to everyone
// (COMPLETED and approved, jobs/moderation.h) in one streamed,
// stored (not recompressed) ZIP, newest first: the originals, or with
// ?variant= that variant of each image (images without it are left out).
//
// The archive is made while it is sent (http/zip_writer.h) with cpp-httplib's
// chunked content provider: one call adds at most one read of kChunk bytes,
// jobs are listed a page at a time, so the server holds one page of job rows,
// one chunk and the central directory's records, never an image list's worth
// of bytes or the archive. Entry names are the uploads' file names made safe
// (no folders) and unique ("IMG_1.jpg", "IMG_1-2.jpg"). No ZIP64: beyond 4 GiB
// or 65535 entries the stream stops (the client sees a truncated download);
// the README says so. An image deleted while the archive streams is left out;
// a read error in the middle of an entry ends the stream. Owner only: the
// token, or a signed URL of the path, which GET /api/download-link hands the
// owner so a browser's plain link (which cannot carry the token) downloads it.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/name_rules.h"
#include "http/access.h"
#include "http/responses.h"
#include "http/route_table.h"
#include "http/routes.h"
#include "http/zip_writer.h"

namespace edgepix::http {
namespace {

constexpr size_t kChunk = 256 << 10;
constexpr int kPageSize = 100;

struct Download {
  std::string variant;  // empty = originals
  std::unique_ptr<ZipWriter> zip;
  httplib::DataSink* sink = nullptr;  // the current call's
  std::string cursor;
  bool listed_all = false;
  std::vector<Job> page;
  size_t next = 0;
  std::unique_ptr<BlobReader> reader;  // the original being sent
  uint64_t read = 0;
  std::set<std::string> names;
};

std::string Extension(const std::string& format) {
  if (format == "jpeg") return ".jpg";
  if (format.empty()) return "";
  return "." + format;
}

// A file name without folders, unique in the archive.
std::string EntryName(Download* d, const Job& job) {
  std::string name = job.filename;
  for (char& c : name) {
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '_';
  }
  while (!name.empty() && name.front() == '.') name.erase(0, 1);
  if (name.empty()) name = job.id + Extension(job.original.format);
  std::string stem = name, ext;
  if (size_t dot = name.rfind('.'); dot != std::string::npos && dot > 0) {
    stem = name.substr(0, dot);
    ext = name.substr(dot);
  }
  if (!d->variant.empty()) {
    stem += "-" + d->variant;
    ext = ".webp";
  }
  std::string unique = stem + ext;
  for (int n = 2; d->names.count(unique); ++n) unique = stem + "-" + std::to_string(n) + ext;
  d->names.insert(unique);
  return unique;
}

// One step of the archive; false ends the stream.
bool Step(HttpContext* ctx, Download* d) {
  if (d->reader) {
    std::string chunk;
    const uint64_t left = d->reader->size() - d->read;
    if (left > 0) {
      Status st =
          d->reader->ReadAt(d->read, static_cast<size_t>(std::min<uint64_t>(left, kChunk)), &chunk);
      if (!st.ok() || chunk.empty()) {
        log::Warning("download.zip: reading an original failed: " + st.ToString());
        return false;
      }
      d->read += chunk.size();
      return d->zip->Data(chunk.data(), chunk.size()).ok();
    }
    d->reader.reset();
    return d->zip->EndEntry().ok();
  }
  if (d->next >= d->page.size()) {
    if (d->listed_all) {
      if (!d->zip->Finish().ok()) return false;
      d->sink->done();
      return true;
    }
    JobListQuery query;
    query.status = JobStatus::kCompleted;
    query.limit = kPageSize;
    query.cursor = d->cursor;
    auto page = ctx->store->List(query);
    if (!page.ok()) return false;
    d->page = std::move(page->jobs);
    d->next = 0;
    d->cursor = page->next;
    d->listed_all = page->next.empty();
    return true;
  }
  const Job& job = d->page[d->next++];
  if (!IsShown(job.status, job.moderation)) return true;  // waiting for, or hidden by, the owner
  uint16_t time = 0, date = 0;
  DosTimeFromIso(job.created_at, &time, &date);
  if (d->variant.empty()) {
    auto reader = ctx->blobs->OpenOriginal(job.id);
    if (!reader.ok()) return true;  // deleted meanwhile
    d->reader = std::move(*reader);
    d->read = 0;
    return d->zip->BeginEntry(EntryName(d, job), time, date).ok();
  }
  bool has = false;
  for (const auto& v : job.variants) has = has || v.name == d->variant;
  if (!has) return true;
  auto bytes = ctx->blobs->ReadVariant(job.id, d->variant);
  if (!bytes.ok()) return true;
  return d->zip->BeginEntry(EntryName(d, job), time, date).ok() &&
         d->zip->Data(bytes->data(), bytes->size()).ok() && d->zip->EndEntry().ok();
}

void DownloadAll(HttpContext* ctx, const httplib::Request& req, httplib::Response& res) {
  auto d = std::make_shared<Download>();
  if (req.has_param("variant")) {
    d->variant = req.get_param_value("variant");
    if (!IsValidVariantName(d->variant)) {
      return SendError(res, Status::Error(ErrorCode::kBadRequest, "variant is not a variant name"));
    }
  }
  d->zip = std::make_unique<ZipWriter>(
      [d = d.get()](const char* data, size_t size) { return d->sink->write(data, size); });
  const std::string file = "edgepix-" + (d->variant.empty() ? "originals" : d->variant) + ".zip";
  res.set_header("Content-Disposition", "attachment; filename=\"" + file + "\"");
  res.set_header("Cache-Control", "no-store");
  res.set_chunked_content_provider("application/zip", [ctx, d](size_t, httplib::DataSink& sink) {
    if (ctx->stopping->load()) return false;
    d->sink = &sink;
    return Step(ctx, d.get());
  });
}

}  // namespace

void RegisterDownloadRoutes(httplib::Server& server, HttpContext* ctx) {
  server.Get(
      RoutePattern("GET", "/api/download.zip"),
      [ctx](const httplib::Request& req, httplib::Response& res) { DownloadAll(ctx, req, res); });
  // {"url": …, "large_url": …}: links to the archive that need no token (signed
  // for a while when auth is on; the plain path when the server is open).
  server.Get(RoutePattern("GET", "/api/download-link"),
             [ctx](const httplib::Request&, httplib::Response& res) {
               const std::string path = "/api/download.zip";
               const bool sign = ctx->access && ctx->access->auth_enabled();
               const std::string url = sign ? ctx->access->SignPath(path, UnixNow()) : path;
               const char* sep = sign ? "&" : "?";
               res.set_header("Cache-Control", "no-store");
               SendJson(res, 200, {{"url", url}, {"large_url", url + sep + "variant=large"}});
             });
}

}  // namespace edgepix::http
