// `edgepix process FILE|DIR... --out DIR`: the variant pipeline without a server.
// Directories are searched recursively (process_inputs.h); each input gets its
// own DIR/<name>/<variant>.webp, <name> being its stem made unique. Prints one
// JSON line per input on stdout, in the order the inputs finish; on stderr a
// progress line (n/N, images/s, ETA) while stderr is a terminal, and a summary
// line at the end. Exits 1 if any input failed.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.h"
#include "cli/image_options.h"
#include "cli/options.h"
#include "cli/process_inputs.h"
#include "http/crypto.h"
#include "http/job_json.h"
#include "jobs/job_processor.h"
#include "jobs/sha256.h"
#include "storage/env.h"

namespace edgepix::cli {
namespace {

std::vector<OptionDef> ProcessOptionDefs() {
  std::vector<OptionDef> defs = {
      {"out", "", "output directory (created if missing)"},
      {"workers", "number of cores", "inputs processed in parallel"},
  };
  for (auto& d : ImageOptionDefs()) defs.push_back(d);
  return defs;
}

nlohmann::json ErrorLine(const std::string& file, const Status& st) {
  return {{"file", file},
          {"status", "FAILED"},
          {"error", {{"code", ErrorCodeName(st.code())}, {"message", st.message()}}}};
}

nlohmann::json ProcessOne(Env* env, const std::string& file, const std::string& dir,
                          const ImageSettings& settings) {
  auto bytes = env->ReadFile(file);
  if (!bytes.ok()) return ErrorLine(file, bytes.status());
  auto sha256 = Sha256::Of(*bytes);
  if (!sha256.ok()) return ErrorLine(file, sha256.status());
  auto result = image::ProcessImage(*bytes, settings.variants, settings.pipeline);
  if (!result.ok()) return ErrorLine(file, result.status());
  if (Status st = env->CreateDirs(dir); !st.ok()) return ErrorLine(file, st);
  nlohmann::json variants = nlohmann::json::array();
  for (const auto& v : result->variants) {
    const std::string path = dir + "/" + v.name + ".webp";
    if (Status st = WriteFileAtomic(env, path, v.webp); !st.ok()) return ErrorLine(file, st);
    variants.push_back({{"name", v.name},
                        {"path", path},
                        {"width", v.width},
                        {"height", v.height},
                        {"bytes", v.webp.size()}});
  }
  return {{"file", file},
          {"status", "COMPLETED"},
          {"out", dir},
          {"original",
           {{"bytes", bytes->size()},
            {"format", image::FormatName(result->original.format)},
            {"width", result->original.width},
            {"height", result->original.height},
            {"sha256", *sha256}}},
          {"metadata", http::MetadataJson(result->metadata)},
          {"variants", variants},
          {"warnings", result->warnings},
          {"placeholder", {{"thumbhash", http::Base64Encode(result->thumbhash)}}}};
}

// "n/N  r images/s  ETA s" on one terminal line, rewritten as inputs finish.
class Progress {
 public:
  explicit Progress(size_t total) : total_(total), tty_(isatty(STDERR_FILENO) == 1) {}

  // Called under the print lock after each input.
  void Done() {
    ++done_;
    if (!tty_) return;
    const double rate = done_ / std::max(Seconds(), 1e-3);
    const double eta = (total_ - done_) / std::max(rate, 1e-9);
    std::fprintf(stderr, "\r\033[K%zu/%zu  %.1f images/s  ETA %.0f s", done_, total_, rate, eta);
    std::fflush(stderr);
  }

  void Summary(size_t failed) const {
    if (tty_) std::fputs("\r\033[K", stderr);
    const double secs = Seconds();
    std::fprintf(stderr,
                 "edgepix: %zu image(s): %zu completed, %zu failed in %.1f s (%.1f images/s)\n",
                 total_, done_ - failed, failed, secs, done_ / std::max(secs, 1e-3));
  }

 private:
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  const size_t total_;
  const bool tty_;
  size_t done_ = 0;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

int RunProcess(const std::vector<std::string>& args) {
  const auto defs = ProcessOptionDefs();
  auto parsed = ParseOptions(defs, args, ProcessEnvironment());
  if (!parsed.ok()) {
    std::fprintf(stderr, "edgepix: %s\n", parsed.status().message().c_str());
    return 2;
  }
  if (parsed->help()) {
    std::fputs(HelpText("Usage: edgepix process --out DIR [options] [--] FILE|DIR...\n\n"
                        "Writes DIR/<name>/<variant>.webp for each image, <name> being the "
                        "file's stem\n(a later input with the same stem gets <stem>-2, -3, ...). "
                        "A directory is searched\nrecursively for .jpg .jpeg .png .gif .bmp .webp "
                        ".heic .heif .hif .avif files. One JSON line per input on\nstdout; "
                        "progress (when stderr is a "
                        "terminal) and a summary on stderr. '--' ends the\noptions: later "
                        "arguments are inputs even if they start with '--'.",
                        defs)
                   .c_str(),
               stdout);
    return 0;
  }
  const std::string out_dir = parsed->Get("out");
  if (parsed->positional().empty() || out_dir.empty()) {
    std::fprintf(stderr, "edgepix: process needs at least one FILE or DIR and --out DIR\n");
    return 2;
  }
  auto inputs = CollectInputs(parsed->positional(), out_dir);
  if (!inputs.ok()) {
    std::fprintf(stderr, "edgepix: %s\n", inputs.status().message().c_str());
    return 2;
  }
  const std::vector<std::string>& files = *inputs;
  if (files.empty()) {
    std::fprintf(stderr, "edgepix: no images found in the given directories\n");
    return 2;
  }
  const std::vector<std::string> names = OutputNames(files);
  auto settings = ImageSettingsFrom(*parsed);
  if (!settings.ok()) {
    std::fprintf(stderr, "edgepix: %s\n", settings.status().message().c_str());
    return 2;
  }
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto workers =
      parsed->Has("workers") ? parsed->GetInt("workers", 1, 256) : Result<int64_t>(cores);
  if (!workers.ok()) {
    std::fprintf(stderr, "edgepix: %s\n", workers.status().message().c_str());
    return 2;
  }
  Env* env = Env::Default();
  if (Status st = env->CreateDirs(out_dir); !st.ok()) {
    std::fprintf(stderr, "edgepix: %s\n", st.message().c_str());
    return 1;
  }

  std::atomic<size_t> next{0};
  std::atomic<size_t> failures{0};
  std::mutex print_mu;
  Progress progress(files.size());
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      nlohmann::json line = ProcessOne(env, files[i], out_dir + "/" + names[i], *settings);
      if (line["status"] != "COMPLETED") ++failures;
      std::lock_guard<std::mutex> lock(print_mu);
      std::printf("%s\n",
                  line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      std::fflush(stdout);
      progress.Done();
    }
  };
  std::vector<std::thread> threads;
  int n = static_cast<int>(std::min<size_t>(static_cast<size_t>(*workers), files.size()));
  for (int i = 0; i < n; ++i) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  progress.Summary(failures.load());
  return failures.load() == 0 ? 0 : 1;
}

}  // namespace edgepix::cli
