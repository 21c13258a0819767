#include "http/zip_writer.h"

#include <array>
#include <cstdio>

#include "common/crc32.h"

namespace edgepix::http {
namespace {

constexpr uint64_t kZip32Limit = 0xFFFFFFFFull;
constexpr size_t kMaxEntries = 0xFFFF;
constexpr uint16_t kFlags = (1u << 3) | (1u << 11);  // data descriptor, UTF-8 names
constexpr uint16_t kVersion = 20;                    // 2.0: what stored entries need

void Le16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v & 0xFF));
  out->push_back(static_cast<char>(v >> 8));
}
void Le32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

Status TooLarge(const std::string& what) {
  return Status::Error(ErrorCode::kTooLarge,
                       what +
                           ": the archive would need ZIP64, which this server does not write "
                           "(4 GiB and 65535 entries at most)");
}

}  // namespace

ZipWriter::ZipWriter(Sink sink) : sink_(std::move(sink)) {}

Status ZipWriter::Put(const std::string& bytes) {
  if (failed_) return Status::Error(ErrorCode::kUnavailable, "the client went away");
  if (!sink_(bytes.data(), bytes.size())) {
    failed_ = true;
    return Status::Error(ErrorCode::kUnavailable, "the client went away");
  }
  offset_ += bytes.size();
  return Status::Ok();
}

Status ZipWriter::BeginEntry(const std::string& name, uint16_t dos_time, uint16_t dos_date) {
  if (open_) return Status::Error(ErrorCode::kInternal, "an entry is still open");
  if (entries_.size() >= kMaxEntries) return TooLarge("more than 65535 entries");
  if (offset_ >= kZip32Limit) return TooLarge("over 4 GiB");
  if (name.empty() || name.size() > 0xFFFF) {
    return Status::Error(ErrorCode::kBadRequest, "a ZIP entry needs a name of 1-65535 bytes");
  }
  Entry e;
  e.name = name;
  e.time = dos_time;
  e.date = dos_date;
  e.offset = offset_;
  std::string h;
  Le32(&h, 0x04034b50);
  Le16(&h, kVersion);
  Le16(&h, kFlags);
  Le16(&h, 0);  // stored
  Le16(&h, e.time);
  Le16(&h, e.date);
  Le32(&h, 0);  // CRC and sizes: in the data descriptor
  Le32(&h, 0);
  Le32(&h, 0);
  Le16(&h, static_cast<uint16_t>(name.size()));
  Le16(&h, 0);
  h += name;
  EDGEPIX_RETURN_IF_ERROR(Put(h));
  entries_.push_back(std::move(e));
  open_ = true;
  return Status::Ok();
}

Status ZipWriter::Data(const char* data, size_t size) {
  if (!open_) return Status::Error(ErrorCode::kInternal, "no entry is open");
  Entry& e = entries_.back();
  if (e.size + size >= kZip32Limit || offset_ + size >= kZip32Limit) {
    return TooLarge("an entry or the archive reaches 4 GiB");
  }
  e.crc = Crc32(e.crc, std::string_view(data, size));
  e.size += size;
  if (failed_) return Status::Error(ErrorCode::kUnavailable, "the client went away");
  if (!sink_(data, size)) {
    failed_ = true;
    return Status::Error(ErrorCode::kUnavailable, "the client went away");
  }
  offset_ += size;
  return Status::Ok();
}

Status ZipWriter::EndEntry() {
  if (!open_) return Status::Error(ErrorCode::kInternal, "no entry is open");
  open_ = false;
  const Entry& e = entries_.back();
  std::string d;
  Le32(&d, 0x08074b50);
  Le32(&d, e.crc);
  Le32(&d, static_cast<uint32_t>(e.size));
  Le32(&d, static_cast<uint32_t>(e.size));
  return Put(d);
}

Status ZipWriter::Finish() {
  if (open_) EDGEPIX_RETURN_IF_ERROR(EndEntry());
  const uint64_t start = offset_;
  std::string dir;
  for (const Entry& e : entries_) {
    Le32(&dir, 0x02014b50);
    Le16(&dir, (3u << 8) | kVersion);  // made by: Unix
    Le16(&dir, kVersion);
    Le16(&dir, kFlags);
    Le16(&dir, 0);
    Le16(&dir, e.time);
    Le16(&dir, e.date);
    Le32(&dir, e.crc);
    Le32(&dir, static_cast<uint32_t>(e.size));
    Le32(&dir, static_cast<uint32_t>(e.size));
    Le16(&dir, static_cast<uint16_t>(e.name.size()));
    Le16(&dir, 0);
    Le16(&dir, 0);
    Le16(&dir, 0);
    Le16(&dir, 0);
    Le32(&dir, 0100644u << 16);  // regular file, rw-r--r--
    Le32(&dir, static_cast<uint32_t>(e.offset));
    dir += e.name;
    if (dir.size() >= (64u << 10)) {
      EDGEPIX_RETURN_IF_ERROR(Put(dir));
      dir.clear();
    }
  }
  EDGEPIX_RETURN_IF_ERROR(Put(dir));
  const uint64_t dir_size = offset_ - start;
  if (start >= kZip32Limit || dir_size >= kZip32Limit) return TooLarge("over 4 GiB");
  std::string end;
  Le32(&end, 0x06054b50);
  Le16(&end, 0);
  Le16(&end, 0);
  Le16(&end, static_cast<uint16_t>(entries_.size()));
  Le16(&end, static_cast<uint16_t>(entries_.size()));
  Le32(&end, static_cast<uint32_t>(dir_size));
  Le32(&end, static_cast<uint32_t>(start));
  Le16(&end, 0);
  return Put(end);
}

void DosTimeFromIso(const std::string& iso, uint16_t* time, uint16_t* date) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6 ||
      y < 1980 || y > 2107 || mo < 1 || mo > 12 || d < 1 || d > 31) {
    *time = 0;
    *date = (1 << 5) | 1;  // 1980-01-01
    return;
  }
  *time = static_cast<uint16_t>((h << 11) | (mi << 5) | (s / 2));
  *date = static_cast<uint16_t>(((y - 1980) << 9) | (mo << 5) | d);
}

}  // namespace edgepix::http
