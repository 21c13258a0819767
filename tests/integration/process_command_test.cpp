// `edgepix process` (issue 11): inputs with the same stem get distinct output
// directories, directories are searched recursively, "--" ends the options, and
// a summary line ends the run (progress only on a terminal).
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

#include "integration/ops_process.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;
namespace fs = std::filesystem;

namespace {

void Write(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

struct Run {
  int exit_code = -1;
  std::vector<nlohmann::json> lines;  // stdout, one JSON object per input
  std::string err;                    // stderr
};

// Runs `edgepix process ARGS` from `cwd` (arguments are single-quoted for /bin/sh).
Run Process(const TempDir& temp, const std::vector<std::string>& args) {
  std::string command = "cd '" + temp.path() + "' && " + EdgepixShellCommand() + " process";
  for (const auto& a : args) command += " '" + a + "'";
  command += " > out.jsonl 2> err.txt";
  Run run;
  run.exit_code = RunShell(command);
  std::istringstream in(ReadFileOrDie(temp.Join("out.jsonl")));
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    run.lines.push_back(j);
  }
  run.err = ReadFileOrDie(temp.Join("err.txt"));
  return run;
}

}  // namespace

TEST_CASE("process: inputs with the same stem get their own output directories") {
  TempDir temp;
  // Different sizes, so an overwrite would show in the variants.
  Write(temp.Join("a/x.png"), MakePng(320, 200));
  Write(temp.Join("b/x.png"), MakePng(200, 320));
  Write(temp.Join("c/x.jpg"), MakeJpeg(100, 100));
  Run run = Process(temp, {"--out", "out", "--workers", "2", "a/x.png", "b/x.png", "c/x.jpg"});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  REQUIRE(run.lines.size() == 3);
  std::set<std::string> outs;
  for (const auto& line : run.lines) {
    INFO(line.dump());
    REQUIRE(line["status"] == "COMPLETED");
    const std::string out = line.value("out", std::string());
    outs.insert(out);
    // Each input's variants are the ones in its directory, with its own size.
    for (const auto& v : line["variants"]) {
      const std::string path = v["path"];
      CHECK((!out.empty() && path.rfind(out + "/", 0) == 0));
      auto size = WebpSize(ReadFileOrDie(temp.Join(path)));
      CHECK(size.first == v["width"].get<int>());
      CHECK(size.second == v["height"].get<int>());
    }
  }
  CHECK(outs == std::set<std::string>{"out/x", "out/x-2", "out/x-3"});
  // The assignment follows the argument order, whatever order workers finish in.
  for (const auto& line : run.lines) {
    const std::string file = line["file"], out = line.value("out", std::string());
    if (file == "a/x.png") CHECK(out == "out/x");
    if (file == "b/x.png") CHECK(out == "out/x-2");
    if (file == "c/x.jpg") CHECK(out == "out/x-3");
  }
  CHECK(run.err.find("3 image(s): 3 completed, 0 failed") != std::string::npos);
  // stderr is not a terminal here: no progress line, only the summary.
  CHECK(run.err.find("ETA") == std::string::npos);
}

TEST_CASE("process: a directory is searched recursively, -- ends the options") {
  TempDir temp;
  Write(temp.Join("photos/one.png"), MakePng(40, 30));
  Write(temp.Join("photos/2024/may/two.JPG"), MakeJpeg(50, 40));
  Write(temp.Join("photos/notes.txt"), "not an image, not picked up");
  Write(temp.Join("--odd.png"), MakePng(30, 30));
  // The output inside the input directory: a second run must not take its WebPs as inputs.
  for (int pass = 0; pass < 2; ++pass) {
    Run run = Process(temp, {"--out", "photos/out", "photos", "--", "--odd.png"});
    INFO("pass " << pass << ": " << run.err);
    CHECK(run.exit_code == 0);
    std::set<std::string> files;
    for (const auto& line : run.lines) {
      CHECK(line["status"] == "COMPLETED");
      files.insert(line["file"].get<std::string>());
    }
    CHECK(files == std::set<std::string>{"photos/2024/may/two.JPG", "photos/one.png", "--odd.png"});
    CHECK(run.err.find("3 image(s): 3 completed, 0 failed") != std::string::npos);
  }
  CHECK(fs::exists(temp.Join("photos/out/two/thumb.webp")));
  CHECK(fs::exists(temp.Join("photos/out/--odd/thumb.webp")));
}

TEST_CASE("process: failures are counted in the summary and the exit code") {
  TempDir temp;
  Write(temp.Join("ok.png"), MakePng(40, 30));
  Write(temp.Join("bad.png"), "not a png at all");
  Run run = Process(temp, {"--out", "out", "ok.png", "bad.png", "missing.png"});
  CHECK(run.exit_code == 1);
  CHECK(run.lines.size() == 3);
  CHECK(run.err.find("3 image(s): 1 completed, 2 failed") != std::string::npos);
}

TEST_CASE("process: --parallel-variants never makes the same variants, a bad value is refused") {
  TempDir temp;
  Write(temp.Join("a.png"), MakePng(400, 300));
  Run run =
      Process(temp, {"--out", "out", "--workers", "1", "--parallel-variants", "never", "a.png"});
  CHECK(run.exit_code == 0);
  REQUIRE(run.lines.size() == 1);
  CHECK(run.lines[0]["status"] == "COMPLETED");
  CHECK(run.lines[0]["variants"].size() == 3);
  CHECK(fs::exists(temp.Join("out/a/large.webp")));
  Run bad = Process(temp, {"--out", "out2", "--parallel-variants", "sometimes", "a.png"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--parallel-variants must be when-idle, never or always") !=
        std::string::npos);
}

TEST_CASE("process: progress (n/N, images/s, ETA) is shown when stderr is a terminal") {
  // script(1) is in bsdutils, an Essential Debian package: always there.
  REQUIRE(RunShell("command -v script >/dev/null 2>&1") == 0);
  TempDir temp;
  Write(temp.Join("a.png"), MakePng(40, 30));
  Write(temp.Join("b.png"), MakePng(30, 40));
  // script(1) runs the command on a pseudo-terminal and records what it wrote.
  const std::string inner = EdgepixShellCommand() + " process --out '" + temp.Join("out") + "' '" +
                            temp.Join("a.png") + "' '" + temp.Join("b.png") + "' > '" +
                            temp.Join("out.jsonl") + "'";
  REQUIRE(RunShell("script -qec \"" + inner + "\" '" + temp.Join("tty.txt") + "' >/dev/null") == 0);
  const std::string tty = ReadFileOrDie(temp.Join("tty.txt"));
  INFO(tty);
  CHECK(tty.find("1/2") != std::string::npos);
  CHECK(tty.find("2/2") != std::string::npos);
  CHECK(tty.find("images/s") != std::string::npos);
  CHECK(tty.find("ETA") != std::string::npos);
  CHECK(tty.find("2 image(s): 2 completed, 0 failed") != std::string::npos);
}
