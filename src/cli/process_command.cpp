// `edgepix process FILE... --out DIR`: the variant pipeline without a server.
// Writes DIR/<input stem>/<variant>.webp and prints one JSON line per input, in
// the order the inputs finish. Exits 1 if any input failed.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.h"
#include "cli/image_options.h"
#include "cli/options.h"
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

nlohmann::json ProcessOne(Env* env, const std::string& file, const std::string& out_dir,
                          const ImageSettings& settings) {
  auto bytes = env->ReadFile(file);
  if (!bytes.ok()) return ErrorLine(file, bytes.status());
  auto sha256 = Sha256::Of(*bytes);
  if (!sha256.ok()) return ErrorLine(file, sha256.status());
  auto result = image::ProcessImage(*bytes, settings.variants, settings.pipeline);
  if (!result.ok()) return ErrorLine(file, result.status());
  std::string stem = std::filesystem::path(file).stem().string();
  if (stem.empty() || stem == "." || stem == "..") stem = "image";
  const std::string dir = out_dir + "/" + stem;
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
          {"original",
           {{"bytes", bytes->size()},
            {"format", image::FormatName(result->original.format)},
            {"width", result->original.width},
            {"height", result->original.height},
            {"sha256", *sha256}}},
          {"metadata", MetadataToJson(result->metadata)},
          {"variants", variants}};
}

}  // namespace

int RunProcess(const std::vector<std::string>& args) {
  const auto defs = ProcessOptionDefs();
  auto parsed = ParseOptions(defs, args, ProcessEnvironment());
  if (!parsed.ok()) {
    std::fprintf(stderr, "edgepix: %s\n", parsed.status().message().c_str());
    return 2;
  }
  if (parsed->help()) {
    std::fputs(HelpText("Usage: edgepix process FILE... --out DIR [options]", defs).c_str(),
               stdout);
    return 0;
  }
  const auto& files = parsed->positional();
  const std::string out_dir = parsed->Get("out");
  if (files.empty() || out_dir.empty()) {
    std::fprintf(stderr, "edgepix: process needs at least one FILE and --out DIR\n");
    return 2;
  }
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
  std::atomic<int> failures{0};
  std::mutex print_mu;
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      nlohmann::json line = ProcessOne(env, files[i], out_dir, *settings);
      if (line["status"] != "COMPLETED") ++failures;
      std::lock_guard<std::mutex> lock(print_mu);
      std::printf("%s\n", line.dump().c_str());
      std::fflush(stdout);
    }
  };
  std::vector<std::thread> threads;
  int n = static_cast<int>(std::min<size_t>(static_cast<size_t>(*workers), files.size()));
  for (int i = 0; i < n; ++i) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  return failures.load() == 0 ? 0 : 1;
}

}  // namespace edgepix::cli
