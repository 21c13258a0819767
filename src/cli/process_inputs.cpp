#include "cli/process_inputs.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

namespace edgepix::cli {
namespace fs = std::filesystem;
namespace {

bool HasImageExtension(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".gif" || ext == ".bmp" ||
         ext == ".webp" || ext == ".heic" || ext == ".heif" || ext == ".hif" || ext == ".avif";
}

// Whether `p` is `dir` or inside it (both made absolute and normal first).
bool IsWithin(const fs::path& p, const fs::path& dir) {
  auto rel = p.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

}  // namespace

Result<std::vector<std::string>> CollectInputs(const std::vector<std::string>& args,
                                               const std::string& out_dir) {
  std::error_code ec;
  const fs::path out = fs::weakly_canonical(fs::absolute(out_dir, ec), ec);
  std::vector<std::string> inputs;
  for (const std::string& arg : args) {
    if (!fs::is_directory(arg, ec)) {
      inputs.push_back(arg);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      return Status::Error(ErrorCode::kBadRequest,
                           "cannot read directory " + arg + ": " + ec.message());
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        return Status::Error(ErrorCode::kBadRequest,
                             "cannot read directory " + arg + ": " + ec.message());
      }
      const fs::path abs = fs::weakly_canonical(fs::absolute(it->path(), ec), ec);
      if (it->is_directory(ec) && IsWithin(abs, out)) {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && HasImageExtension(it->path())) {
        found.push_back(it->path().string());
      }
    }
    std::sort(found.begin(), found.end());
    inputs.insert(inputs.end(), found.begin(), found.end());
  }
  return inputs;
}

std::vector<std::string> OutputNames(const std::vector<std::string>& inputs) {
  std::set<std::string> used;
  std::vector<std::string> names;
  for (const std::string& input : inputs) {
    std::string stem = fs::path(input).stem().string();
    if (stem.empty() || stem == "." || stem == "..") stem = "image";
    std::string name = stem;
    for (int n = 2; used.count(name) > 0; ++n) name = stem + "-" + std::to_string(n);
    used.insert(name);
    names.push_back(name);
  }
  return names;
}

}  // namespace edgepix::cli
