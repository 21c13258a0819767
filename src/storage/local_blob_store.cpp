// The local-disk BlobStore: originals/<ab>/<id>, variants/<id>/<name>.webp, tmp/.
#include <algorithm>
#include <limits>
#include <memory>
#include <set>

#include "storage/blob_names.h"
#include "storage/blob_store.h"
#include "storage/local_blob_io.h"
#include "storage/posix_error.h"

namespace edgepix {
namespace {

class LocalStagedVariant : public StagedVariant {
 public:
  LocalStagedVariant(Env* env, std::string temp, std::string dir, std::string parent,
                     std::string final_path, VariantDurability durability)
      : env_(env),
        temp_(std::move(temp)),
        dir_(std::move(dir)),
        parent_(std::move(parent)),
        final_(std::move(final_path)),
        deferred_(durability == VariantDurability::kDeferred) {}
  ~LocalStagedVariant() override {
    if (!published_) env_->RemoveFile(temp_).IgnoreError();  // tmp/ is swept at start
  }

  Status Publish() override {
    if (!env_->FileExists(dir_)) {
      EDGEPIX_RETURN_IF_ERROR(env_->CreateDirs(dir_));
      created_dir_ = true;
      if (!deferred_) EDGEPIX_RETURN_IF_ERROR(env_->SyncDir(parent_));
    }
    EDGEPIX_RETURN_IF_ERROR(env_->RenameFile(temp_, final_));
    published_ = true;
    if (deferred_) return Status::Ok();
    return env_->SyncDir(dir_);
  }

  Status MakeDurable() override {
    if (!deferred_) return Status::Ok();
    if (!published_) return Status::Error(ErrorCode::kInternal, "MakeDurable before Publish");
    EDGEPIX_RETURN_IF_ERROR(env_->SyncFile(final_));
    if (created_dir_) EDGEPIX_RETURN_IF_ERROR(env_->SyncDir(parent_));
    return env_->SyncDir(dir_);
  }

 private:
  Env* env_;
  const std::string temp_, dir_, parent_, final_;
  const bool deferred_;
  bool published_ = false;
  bool created_dir_ = false;
};

Status WriteFile(Env* env, const std::string& path, const std::string& data, bool sync) {
  EDGEPIX_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(path));
  Status st = file->Append(data.data(), data.size());
  if (st.ok() && sync) st = file->Sync();
  if (st.ok()) st = file->Close();
  return st;
}

class LocalBlobStore : public BlobStore {
 public:
  LocalBlobStore(Env* env, std::string root)
      : env_(env),
        root_(std::move(root)),
        originals_(root_ + "/originals"),
        variants_(root_ + "/variants"),
        tmp_(root_ + "/tmp") {}

  Status CreateLayout() {
    for (const std::string* dir : {&root_, &originals_, &variants_, &tmp_}) {
      EDGEPIX_RETURN_IF_ERROR(env_->CreateDirs(*dir));
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<BlobWriter>> BeginOriginal(const std::string& id) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    BlobWriterPaths paths;
    paths.temp = tmp_ + "/" + id + "." + RandomSuffix() + ".part";
    paths.final_dir = ShardDir(id);
    paths.final_path = OriginalPath(id);
    paths.parent_dir = originals_;
    paths.synced_dirs = &synced_shards_;
    return NewLocalBlobWriter(env_, std::move(paths));
  }

  Result<std::string> ReadOriginal(const std::string& id) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    return env_->ReadFile(OriginalPath(id));
  }

  Result<std::unique_ptr<BlobReader>> OpenOriginal(const std::string& id) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    return OpenLocalBlobReader(OriginalPath(id));
  }

  Status PutVariant(const std::string& id, const std::string& name,
                    const std::string& data) override {
    EDGEPIX_ASSIGN_OR_RETURN(auto staged,
                             StageVariant(id, name, data, VariantDurability::kAtPublish));
    return staged->Publish();
  }

  Result<std::unique_ptr<StagedVariant>> StageVariant(const std::string& id,
                                                      const std::string& name,
                                                      const std::string& data,
                                                      VariantDurability durability) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    EDGEPIX_RETURN_IF_ERROR(ValidateVariantName(name));
    // In tmp/, not the image's directory: a delete meanwhile removes that
    // directory, and nothing may recreate it unless Publish is allowed.
    const std::string temp = tmp_ + "/" + id + "." + name + "." + RandomSuffix() + ".variant";
    auto staged = std::make_unique<LocalStagedVariant>(env_, temp, VariantDir(id), variants_,
                                                       VariantPath(id, name), durability);
    // ~staged removes the temp file on failure
    EDGEPIX_RETURN_IF_ERROR(
        WriteFile(env_, temp, data, durability == VariantDurability::kAtPublish));
    return std::unique_ptr<StagedVariant>(std::move(staged));
  }

  Result<std::string> ReadVariant(const std::string& id, const std::string& name) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    EDGEPIX_RETURN_IF_ERROR(ValidateVariantName(name));
    return env_->ReadFile(VariantPath(id, name));
  }

  Status DeleteImage(const std::string& id) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    const std::string shard = ShardDir(id);
    if (env_->FileExists(shard)) {
      EDGEPIX_RETURN_IF_ERROR(env_->RemoveFile(OriginalPath(id)));
      EDGEPIX_RETURN_IF_ERROR(env_->SyncDir(shard));
    }
    return DeleteVariants(id);
  }

  Status DeleteVariants(const std::string& id) override {
    EDGEPIX_RETURN_IF_ERROR(ValidateImageId(id));
    const std::string vdir = VariantDir(id);
    if (env_->FileExists(vdir)) {
      EDGEPIX_RETURN_IF_ERROR(env_->RemoveDirRecursive(vdir));
      EDGEPIX_RETURN_IF_ERROR(env_->SyncDir(variants_));
    }
    return Status::Ok();
  }

  Status RemoveStaleTempFiles() override {
    EDGEPIX_ASSIGN_OR_RETURN(auto tmp_entries, env_->ListDir(tmp_));
    for (const std::string& name : tmp_entries) {
      // Only edgepix writes here; a directory would be a stray, remove it too.
      EDGEPIX_RETURN_IF_ERROR(env_->RemoveDirRecursive(tmp_ + "/" + name));
    }
    if (!tmp_entries.empty()) EDGEPIX_RETURN_IF_ERROR(env_->SyncDir(tmp_));

    EDGEPIX_ASSIGN_OR_RETURN(auto image_dirs, env_->ListDir(variants_));
    for (const std::string& image : image_dirs) {
      const std::string dir = variants_ + "/" + image;
      auto files = env_->ListDir(dir);
      if (!files.ok()) continue;  // not a directory: not ours to judge
      bool removed = false;
      for (const std::string& file : *files) {
        if (file.find(".tmp-") == std::string::npos) continue;
        EDGEPIX_RETURN_IF_ERROR(env_->RemoveFile(dir + "/" + file));
        removed = true;
      }
      if (removed) EDGEPIX_RETURN_IF_ERROR(env_->SyncDir(dir));
    }
    return Status::Ok();
  }

  Result<std::vector<std::string>> ListImageIds() override {
    std::set<std::string> ids;
    EDGEPIX_ASSIGN_OR_RETURN(auto shards, env_->ListDir(originals_));
    for (const std::string& shard : shards) {
      auto files = env_->ListDir(originals_ + "/" + shard);
      if (!files.ok()) continue;
      for (const std::string& f : *files) {
        if (ValidateImageId(f).ok()) ids.insert(f);
      }
    }
    EDGEPIX_ASSIGN_OR_RETURN(auto image_dirs, env_->ListDir(variants_));
    for (const std::string& d : image_dirs) {
      if (ValidateImageId(d).ok()) ids.insert(d);
    }
    return std::vector<std::string>(ids.begin(), ids.end());
  }

  Result<std::vector<StoredImage>> ListImages() override {
    EDGEPIX_ASSIGN_OR_RETURN(auto ids, ListImageIds());
    std::vector<StoredImage> out;
    for (const std::string& id : ids) {
      StoredImage image{id, 0};
      bool unknown = false;
      auto Newer = [&](const std::string& path) {
        auto t = env_->ModifiedSeconds(path);
        if (t.ok()) image.newest = std::max(image.newest, *t);
        if (!t.ok() && t.status().code() != ErrorCode::kNotFound) unknown = true;
        return t.ok();
      };
      Newer(OriginalPath(id));
      // The directory's mtime moves with every file added or removed in it.
      if (Newer(VariantDir(id))) {
        auto files = env_->ListDir(VariantDir(id));
        if (files.ok()) {
          for (const std::string& f : *files) Newer(VariantDir(id) + "/" + f);
        }
      }
      // An age that could not be read is not an old age: the orphan sweep
      // must not delete on a guess.
      if (unknown) image.newest = std::numeric_limits<int64_t>::max();
      out.push_back(std::move(image));
    }
    return out;
  }

  Result<uint64_t> FreeBytes() override { return env_->FreeBytes(root_); }

  // A probe file in tmp/: written, fsync'd, closed and removed.
  Status CheckWritable() override {
    const std::string probe = tmp_ + "/.writable-probe." + RandomSuffix();
    EDGEPIX_ASSIGN_OR_RETURN(auto file, env_->NewWritableFile(probe));
    Status st = file->Append("ok", 2);
    if (st.ok()) st = file->Sync();
    Status closed = file->Close();
    Status removed = env_->RemoveFile(probe);
    if (!st.ok()) return st;
    if (!closed.ok()) return closed;
    return removed;
  }

 private:
  std::string ShardDir(const std::string& id) const { return originals_ + "/" + id.substr(0, 2); }
  std::string OriginalPath(const std::string& id) const { return ShardDir(id) + "/" + id; }
  std::string VariantDir(const std::string& id) const { return variants_ + "/" + id; }
  std::string VariantPath(const std::string& id, const std::string& name) const {
    return VariantDir(id) + "/" + name + ".webp";
  }

  Env* env_;
  const std::string root_;
  const std::string originals_;
  const std::string variants_;
  const std::string tmp_;
  SyncedDirs synced_shards_;  // originals/ shards whose entry is known on disk
};

}  // namespace

Result<std::unique_ptr<BlobStore>> OpenLocalBlobStore(Env* env, const std::string& root) {
  if (root.empty()) return Status::Error(ErrorCode::kBadRequest, "empty blob store root");
  auto store = std::make_unique<LocalBlobStore>(env, root);
  EDGEPIX_RETURN_IF_ERROR(store->CreateLayout());
  return std::unique_ptr<BlobStore>(std::move(store));
}

}  // namespace edgepix
