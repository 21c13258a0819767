#include "storage/local_blob_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "storage/posix_error.h"

namespace edgepix {
namespace {

class LocalBlobWriter : public BlobWriter {
 public:
  LocalBlobWriter(Env* env, BlobWriterPaths paths, std::unique_ptr<WritableFile> file)
      : env_(env), paths_(std::move(paths)), file_(std::move(file)) {}

  ~LocalBlobWriter() override {
    if (committed_) return;
    file_.reset();                                // close before unlinking
    env_->RemoveFile(paths_.temp).IgnoreError();  // tmp/ is swept at start
  }

  Status Append(const char* data, size_t size) override {
    if (!file_) return Status::Error(ErrorCode::kInternal, "append to a finished blob writer");
    Status st = file_->Append(data, size);
    if (st.ok()) bytes_ += size;
    return st;
  }

  uint64_t bytes_written() const override { return bytes_; }

  Status Commit() override {
    if (!file_) return Status::Error(ErrorCode::kInternal, "blob writer already finished");
    Status st = file_->Sync();
    if (st.ok()) st = file_->Close();
    file_.reset();
    if (!st.ok()) return st;  // the destructor removes the temp file

    EDGEPIX_RETURN_IF_ERROR(env_->CreateDirs(paths_.final_dir));
    // Whoever made final_dir, its entry must be on disk before this file is
    // acknowledged (SyncedDirs): once per directory and process.
    SyncedDirs* synced = paths_.synced_dirs;
    if (synced == nullptr || !synced->Contains(paths_.final_dir)) {
      EDGEPIX_RETURN_IF_ERROR(env_->SyncDir(paths_.parent_dir));
      if (synced != nullptr) synced->Add(paths_.final_dir);
    }
    EDGEPIX_RETURN_IF_ERROR(env_->RenameFile(paths_.temp, paths_.final_path));
    st = env_->SyncDir(paths_.final_dir);
    if (!st.ok()) {
      // Not durable, so not acknowledged: do not leave it visible either.
      env_->RemoveFile(paths_.final_path).IgnoreError();  // the sync error is what matters
      return st;
    }
    committed_ = true;
    return Status::Ok();
  }

 private:
  Env* env_;
  BlobWriterPaths paths_;
  std::unique_ptr<WritableFile> file_;
  uint64_t bytes_ = 0;
  bool committed_ = false;
};

class LocalBlobReader : public BlobReader {
 public:
  LocalBlobReader(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~LocalBlobReader() override { ::close(fd_); }
  LocalBlobReader(const LocalBlobReader&) = delete;
  LocalBlobReader& operator=(const LocalBlobReader&) = delete;

  uint64_t size() const override { return size_; }

  Status ReadAt(uint64_t offset, size_t n, std::string* out) override {
    out->clear();
    if (offset >= size_) return Status::Ok();
    if (n > size_ - offset) n = static_cast<size_t>(size_ - offset);
    out->resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, out->data() + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0) {
        if (errno == EINTR) continue;
        out->clear();
        return PosixError("pread", path_, errno);
      }
      if (r == 0) break;  // file shrank underneath us
      got += static_cast<size_t>(r);
    }
    out->resize(got);
    return Status::Ok();
  }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

}  // namespace

bool SyncedDirs::Contains(const std::string& dir) const {
  std::lock_guard<std::mutex> lock(mu_);
  return dirs_.count(dir) > 0;
}

void SyncedDirs::Add(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  dirs_.insert(dir);
}

Result<std::unique_ptr<BlobWriter>> NewLocalBlobWriter(Env* env, BlobWriterPaths paths) {
  EDGEPIX_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(paths.temp));
  return std::unique_ptr<BlobWriter>(
      std::make_unique<LocalBlobWriter>(env, std::move(paths), std::move(file)));
}

Result<std::unique_ptr<BlobReader>> OpenLocalBlobReader(const std::string& path) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return PosixError("open", path, errno, /*missing_is_not_found=*/true);
  struct stat st;
  if (::fstat(fd, &st) < 0) {
    int err = errno;
    ::close(fd);
    return PosixError("fstat", path, err);
  }
  return std::unique_ptr<BlobReader>(
      std::make_unique<LocalBlobReader>(path, fd, static_cast<uint64_t>(st.st_size)));
}

}  // namespace edgepix
