// ZipWriter: a stored (uncompressed) ZIP archive written as a stream, entry
// by entry, to a byte sink; it never holds an entry or the archive in memory
// (only the central directory's records, ~50 bytes plus the name per entry).
//
// Each entry is a local header with general-purpose flag bit 3 (its CRC-32 and
// sizes follow the data in a data descriptor, so the data can be sent as it
// is read), the data, and the descriptor; Finish() writes the central
// directory. Names are stored as UTF-8 (flag bit 11). No ZIP64: an archive is
// refused (kTooLarge, before anything is written for that entry when it can
// be known) once an entry, an offset or the whole reach 4 GiB, or it has
// 65535 entries; below that every unzip reads it. Not thread-safe: one stream.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgepix::http {

class ZipWriter {
 public:
  // Writes bytes out; false = the receiver is gone (every later call fails).
  using Sink = std::function<bool(const char* data, size_t size)>;
  explicit ZipWriter(Sink sink);

  // Starts entry `name` ("folder/file.jpg"); `dos_time`/`dos_date` in MS-DOS form.
  Status BeginEntry(const std::string& name, uint16_t dos_time, uint16_t dos_date);
  Status Data(const char* data, size_t size);
  Status EndEntry();
  // The central directory and its end record; the archive is complete.
  Status Finish();

  uint64_t bytes_written() const { return offset_; }

 private:
  struct Entry {
    std::string name;
    uint16_t time = 0, date = 0;
    uint32_t crc = 0;
    uint64_t size = 0;
    uint64_t offset = 0;
  };
  Status Put(const std::string& bytes);
  Sink sink_;
  std::vector<Entry> entries_;
  bool open_ = false;
  bool failed_ = false;
  uint64_t offset_ = 0;
};

// "2026-11-25T02:37:09.123Z" -> MS-DOS time and date (1980-01-01 00:00 when unreadable).
void DosTimeFromIso(const std::string& iso, uint16_t* time, uint16_t* date);

}  // namespace edgepix::http
