// The POSIX Env: plain syscalls, EINTR retried, errno mapped by PosixError.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "storage/env.h"
#include "storage/posix_error.h"

namespace edgepix {
namespace {

int OpenRetrying(const std::string& path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// Owns a file descriptor; closes it on destruction.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Appends go through a 64 KiB buffer: an upload arrives in 4-16 KiB pieces, and
// a write(2) per piece costs more than the copy. Every 512 KiB written, writeback
// is started (sync_file_range, not waited for), so Sync() waits for the tail
// only, which shortens the commit of a multi-megabyte upload (figures:
// bench/load/RESULTS.md, 2026-11-30, "Early writeback").
class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {
    buffer_.reserve(kBufferSize);
  }
  ~PosixWritableFile() override {
    if (fd_ < 0) return;
    (void)Flush();  // the caller gave up on this file; what reaches it no longer matters
    ::close(fd_);
  }

  Status Append(const char* data, size_t size) override {
    if (fd_ < 0) return Status::Error(ErrorCode::kInternal, "append to closed file " + path_);
    if (buffer_.size() + size <= kBufferSize) {
      buffer_.append(data, size);
      return Status::Ok();
    }
    EDGEPIX_RETURN_IF_ERROR(Flush());
    if (size < kBufferSize) {
      buffer_.append(data, size);
      return Status::Ok();
    }
    return WriteAll(data, size);
  }

  Status Sync() override {
    if (fd_ < 0) return Status::Error(ErrorCode::kInternal, "sync of closed file " + path_);
    EDGEPIX_RETURN_IF_ERROR(Flush());
    int rc;
    do {
      rc = ::fsync(fd_);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) return PosixError("fsync", path_, errno);
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    Status flushed = Flush();
    int fd = fd_;
    fd_ = -1;
    // On Linux the descriptor is released even when close() fails: never retry.
    if (::close(fd) < 0 && errno != EINTR && flushed.ok()) {
      return PosixError("close", path_, errno);
    }
    return flushed;
  }

 private:
  static constexpr size_t kBufferSize = 64 * 1024;
  static constexpr uint64_t kWritebackChunk = 512 * 1024;

  Status Flush() {
    if (buffer_.empty()) return Status::Ok();
    Status st = WriteAll(buffer_.data(), buffer_.size());
    buffer_.clear();
    return st;
  }

  Status WriteAll(const char* data, size_t size) {
    while (size > 0) {
      ssize_t n = ::write(fd_, data, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError("write", path_, errno);
      }
      data += n;
      size -= static_cast<size_t>(n);
      written_ += static_cast<uint64_t>(n);
    }
    StartWriteback();
    return Status::Ok();
  }

  // Asks the kernel to start writing what has been appended so far, without
  // waiting, once a whole chunk has piled up: the fsync at the end then waits
  // for the last chunk only, not for the whole file.
  void StartWriteback() {
#ifdef SYNC_FILE_RANGE_WRITE
    if (written_ - writeback_from_ < kWritebackChunk) return;
    (void)::sync_file_range(fd_, static_cast<off_t>(writeback_from_),
                            static_cast<off_t>(written_ - writeback_from_), SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written_;
#endif
  }

  std::string path_;
  int fd_;
  std::string buffer_;
  uint64_t written_ = 0;
  uint64_t writeback_from_ = 0;
};

class PosixEnv : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    int fd = OpenRetrying(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return PosixError("open", path, errno);
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, fd));
  }

  Result<std::string> ReadFile(const std::string& path) override {
    ScopedFd fd(OpenRetrying(path, O_RDONLY));
    if (fd.get() < 0) return PosixError("open", path, errno, /*missing_is_not_found=*/true);
    std::string out;
    struct stat st {};
    // One allocation of the file's size: growing by doubling copied a
    // multi-megabyte original about twice over.
    if (::fstat(fd.get(), &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
    char buf[64 * 1024];
    for (;;) {
      ssize_t n = ::read(fd.get(), buf, sizeof(buf));
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError("read", path, errno);
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) < 0)
      return PosixError("rename", from + " -> " + to, errno);
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    ScopedFd fd(OpenRetrying(dir, O_RDONLY | O_DIRECTORY));
    if (fd.get() < 0) return PosixError("open dir", dir, errno);
    int rc;
    do {
      rc = ::fsync(fd.get());
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) return PosixError("fsync dir", dir, errno);
    return Status::Ok();
  }

  Status SyncFile(const std::string& path) override {
    ScopedFd fd(OpenRetrying(path, O_RDONLY));
    if (fd.get() < 0) return PosixError("open", path, errno, /*missing_is_not_found=*/true);
    int rc;
    do {
      rc = ::fsync(fd.get());
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) return PosixError("fsync", path, errno);
    return Status::Ok();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) < 0 && errno != ENOENT) return PosixError("unlink", path, errno);
    return Status::Ok();
  }

  Status RemoveDirRecursive(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);  // does not follow symlinks
    if (ec && ec.value() != ENOENT) return PosixError("remove_all", dir, ec.value());
    return Status::Ok();
  }

  Status CreateDirs(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return PosixError("mkdir -p", dir, ec.value());
    return Status::Ok();
  }

  bool FileExists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) < 0) return PosixError("stat", path, errno, true);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<int64_t> ModifiedSeconds(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) < 0) return PosixError("stat", path, errno, true);
    return static_cast<int64_t>(st.st_mtime);
  }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return PosixError("opendir", dir, errno, true);
    std::unique_ptr<DIR, int (*)(DIR*)> guard(d, &::closedir);
    std::vector<std::string> names;
    for (;;) {
      errno = 0;
      struct dirent* e = ::readdir(d);
      if (e == nullptr) {
        if (errno != 0) return PosixError("readdir", dir, errno);
        break;
      }
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    return names;
  }

  Result<uint64_t> FreeBytes(const std::string& path) override {
    struct statvfs st;
    int rc;
    do {
      rc = ::statvfs(path.c_str(), &st);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) return PosixError("statvfs", path, errno);
    return static_cast<uint64_t>(st.f_bavail) * static_cast<uint64_t>(st.f_frsize);
  }
};

}  // namespace

Env* Env::Default() {
  static Env* env = new PosixEnv();  // NOLINT: process-wide, intentionally never destroyed
  return env;
}

}  // namespace edgepix
