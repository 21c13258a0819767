// load_client: measures how fast edgepix answers while its workers are busy.
//
// Against a running server it (1) holds N open long-polls on a job that never
// changes, (2) keeps the image workers saturated by uploading large photos
// (backing off on 503), and (3) probes GET /api/jobs/{id} at a steady rate.
// It reports p50/p99/max of upload acknowledgement (202) and of the GET, the
// error counts, and the server's RSS if --pid is given.
//
//   load_client --port P --photos a.jpg,b.jpg [--longpolls 500] [--seconds 30]
//               [--uploaders 2] [--upload-rate 3] [--getters 4] [--pid PID]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Samples {
  std::mutex mu;
  std::vector<double> ms;
  std::atomic<int> errors{0};
  std::atomic<int> refused{0};  // 503 (queue full): expected backpressure, not an error
  void Add(double v) {
    std::lock_guard<std::mutex> lock(mu);
    ms.push_back(v);
  }
};

double Pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void Report(const char* name, Samples& s) {
  std::lock_guard<std::mutex> lock(s.mu);
  std::printf("%-22s n=%-6zu p50=%7.2f ms  p99=%7.2f ms  max=%7.2f ms  errors=%d  503=%d\n", name,
              s.ms.size(), Pct(s.ms, 0.5), Pct(s.ms, 0.99), Pct(s.ms, 1.0), s.errors.load(),
              s.refused.load());
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

long StatusField(int pid, const char* key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key));
  }
  return -1;
}

std::string JobId(const std::string& body) {
  auto p = body.find("\"id\":\"");
  if (p == std::string::npos) return "";
  p += 6;
  return body.substr(p, body.find('"', p) - p);
}

double Ms(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  int port = 8080, longpolls = 500, seconds = 30, uploaders = 2, getters = 4, pid = 0;
  double upload_rate = 3;  // uploads per second, over all uploaders
  std::vector<std::string> photo_paths;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port")
      port = std::atoi(v.c_str());
    else if (k == "--longpolls")
      longpolls = std::atoi(v.c_str());
    else if (k == "--seconds")
      seconds = std::atoi(v.c_str());
    else if (k == "--uploaders")
      uploaders = std::atoi(v.c_str());
    else if (k == "--getters")
      getters = std::atoi(v.c_str());
    else if (k == "--pid")
      pid = std::atoi(v.c_str());
    else if (k == "--photos") {
      std::stringstream ss(v);
      for (std::string p; std::getline(ss, p, ',');) photo_paths.push_back(p);
    }
  }
  std::vector<std::string> photos;
  for (const auto& p : photo_paths) photos.push_back(ReadFile(p));
  if (photos.empty()) {
    std::fprintf(stderr, "no --photos\n");
    return 2;
  }

  // One small job to watch and to read.
  httplib::Client setup("127.0.0.1", port);
  auto first = setup.Post("/api/uploads?filename=p.jpg", photos[0], "image/jpeg");
  if (!first || first->status != 202) {
    std::fprintf(stderr, "cannot upload to 127.0.0.1:%d\n", port);
    return 1;
  }
  const std::string watched = JobId(first->body);
  // Wait until it is done, so its version no longer changes.
  std::string version = "1";
  for (int i = 0; i < 60; ++i) {
    auto r = setup.Get("/api/jobs/" + watched + "?wait=30");
    if (r && r->status == 200 &&
        (r->body.find("COMPLETED") != std::string::npos ||
         r->body.find("FAILED") != std::string::npos)) {
      auto p = r->body.find("\"version\":");
      version = std::to_string(std::atol(r->body.c_str() + p + 10));
      break;
    }
  }
  long rss_start = pid ? StatusField(pid, "VmRSS:") : -1;

  std::atomic<bool> stop{false};
  std::atomic<int> open_polls{0}, poll_errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < longpolls; ++i) {
    threads.emplace_back([&] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(90, 0);
      while (!stop.load()) {
        ++open_polls;
        auto r = c.Get("/api/jobs/" + watched + "?wait=60&since=" + version);
        --open_polls;
        if (!r || r->status != 200) {
          if (!stop.load()) ++poll_errors;
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
      }
    });
  }
  // Let the long-polls settle before measuring.
  for (int i = 0; i < 100 && open_polls.load() < longpolls; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  long rss_polls = pid ? StatusField(pid, "VmRSS:") : -1;
  long threads_polls = pid ? StatusField(pid, "Threads:") : -1;

  Samples uploads, gets;
  std::mutex ids_mu;
  std::vector<std::string> ids = {watched};
  std::atomic<int> counter{0};
  for (int u = 0; u < uploaders; ++u) {
    threads.emplace_back([&] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(30, 0);
      const auto gap = std::chrono::duration<double>(uploaders / upload_rate);
      auto next = Clock::now();
      while (!stop.load()) {
        std::this_thread::sleep_until(next);
        next += std::chrono::duration_cast<Clock::duration>(gap);
        const int n = counter++;
        // Trailing bytes after the JPEG end marker make every upload unique, so
        // dedup (sha256) does not spare the workers any work.
        std::string photo = photos[n % photos.size()] + "edgepix-load-" + std::to_string(n);
        auto t0 = Clock::now();
        auto r = c.Post("/api/uploads?filename=photo.jpg", photo, "image/jpeg");
        double ms = Ms(t0);
        if (r && r->status == 202) {
          uploads.Add(ms);
          std::lock_guard<std::mutex> lock(ids_mu);
          ids.push_back(JobId(r->body));
        } else if (r && r->status == 503) {
          ++uploads.refused;
          std::this_thread::sleep_for(std::chrono::milliseconds(500));
        } else {
          ++uploads.errors;
        }
      }
    });
  }
  for (int g = 0; g < getters; ++g) {
    threads.emplace_back([&, g] {
      httplib::Client c("127.0.0.1", port);
      unsigned n = static_cast<unsigned>(g);
      while (!stop.load()) {
        std::string id;
        {
          std::lock_guard<std::mutex> lock(ids_mu);
          id = ids[(n++ * 2654435761u) % ids.size()];
        }
        auto t0 = Clock::now();
        auto r = c.Get("/api/jobs/" + id);
        double ms = Ms(t0);
        if (r && r->status == 200)
          gets.Add(ms);
        else
          ++gets.errors;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  }
  long rss_peak = rss_polls;
  for (int s = 0; s < seconds; ++s) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (pid) rss_peak = std::max(rss_peak, StatusField(pid, "VmRSS:"));
  }
  const int polls_at_end = open_polls.load();
  stop = true;
  // Wake the long-polls: deleting the watched job answers them all.
  httplib::Client(("127.0.0.1"), port).Delete("/api/images/" + watched);
  for (auto& t : threads) t.join();

  std::printf("open long-polls: %d of %d at the end, long-poll errors: %d\n", polls_at_end,
              longpolls, poll_errors.load());
  Report("upload ack (202)", uploads);
  Report("GET /api/jobs/{id}", gets);
  if (pid) {
    std::printf(
        "server RSS: %ld MiB at start, %ld MiB with %d idle long-polls (%ld threads), "
        "%ld MiB peak under load\n",
        rss_start / 1024, rss_polls / 1024, longpolls, threads_polls, rss_peak / 1024);
  }
  return uploads.errors.load() + gets.errors.load() + poll_errors.load() == 0 ? 0 : 1;
}
