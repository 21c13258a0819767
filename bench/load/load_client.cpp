// load_client: measures how fast edgepix answers while its workers are busy.
//
// Against a running server it (1) holds N open long-polls on an open batch,
// which does not change (a long-poll that answers before its wait fails the
// run), (2) keeps the image workers saturated by uploading large photos
// (backing off on 503), and (3) probes GET /api/jobs/{id} at a steady rate.
// It reports p50/p99/max of upload acknowledgement (202) and of the GET, the
// error counts, and the server's RSS if --pid is given. Requests go out on a
// fixed schedule and each latency counts from its intended send time, so a
// stalled server is not hidden by the client waiting for it (coordinated
// omission); "late" counts answers that arrived after the next request was due.
//
//   load_client --port P --photos a.jpg,b.jpg [--longpolls 500] [--seconds 30]
//               [--uploaders 2] [--upload-rate 3] [--getters 4] [--pid PID]
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
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
  std::atomic<int> late{0};     // answered after the next one was due
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
  std::printf(
      "%-22s n=%-6zu p50=%7.2f ms  p99=%7.2f ms  max=%7.2f ms  errors=%d  503=%d  late=%d\n", name,
      s.ms.size(), Pct(s.ms, 0.5), Pct(s.ms, 0.99), Pct(s.ms, 1.0), s.errors.load(),
      s.refused.load(), s.late.load());
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

// CPU seconds (user + system) the process has used so far, from /proc/PID/stat.
double CpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = all.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(all.substr(close + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::atof(f.c_str());
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The first "id" of a JSON answer: the job of an upload, the batch of POST /api/batches.
std::string FirstId(const std::string& body) {
  auto p = body.find("\"id\":\"");
  if (p == std::string::npos) return "";
  p += 6;
  return body.substr(p, body.find('"', p) - p);
}

// One upload over a fresh loopback connection, written with plain sockets (as
// curl does: headers and body sent as fast as the socket takes them, then the
// answer read to its end). cpp-httplib's client adds ~20 ms per multi-megabyte
// request of its own, which is not the server's latency. Returns the status
// code (0 on a transport error) and the answer's body.
int RawPost(int port, const std::string& path, const std::string& body, std::string* answer,
            Clock::time_point* body_sent) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0) {
    ::close(fd);
    return 0;
  }
  std::string head = "POST " + path +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\n"
                     "Connection: close\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n";
  bool sent = true;
  for (const std::string* part : {static_cast<const std::string*>(&head), &body}) {
    for (size_t off = 0; sent && off < part->size();) {
      ssize_t n = ::send(fd, part->data() + off, part->size() - off, MSG_NOSIGNAL);
      if (n <= 0)
        sent = false;
      else
        off += static_cast<size_t>(n);
    }
  }
  *body_sent = Clock::now();
  std::string in;
  char buf[16384];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof(buf), 0)) > 0;)
    in.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (!sent && in.empty()) return 0;
  if (in.rfind("HTTP/1.1 ", 0) != 0) return 0;
  auto split = in.find("\r\n\r\n");
  if (answer) *answer = split == std::string::npos ? "" : in.substr(split + 4);
  return std::atoi(in.c_str() + 9);
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
    else if (k == "--upload-rate")
      upload_rate = std::atof(v.c_str());
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

  // One small job to read. The long-polls hold on an open batch instead: a
  // long-poll on a finished job answers at once (it has nothing left to wait
  // for), so 500 of them on one would loop as fast as the server answers and
  // measure that flood, not a loaded server. An open batch changes never.
  httplib::Client setup("127.0.0.1", port);
  auto first = setup.Post("/api/uploads?filename=p.jpg", photos[0], "image/jpeg");
  if (!first || first->status != 202) {
    std::fprintf(stderr, "cannot upload to 127.0.0.1:%d\n", port);
    return 1;
  }
  const std::string watched = FirstId(first->body);
  auto batch = setup.Post("/api/batches", "{}", "application/json");
  if (!batch || batch->status / 100 != 2) {
    std::fprintf(stderr, "cannot create a batch on 127.0.0.1:%d\n", port);
    return 1;
  }
  const std::string batch_id = FirstId(batch->body);
  const std::string poll_target = "/api/batches/" + batch_id + "?wait=60";
  long rss_start = pid ? StatusField(pid, "VmRSS:") : -1;

  std::atomic<bool> stop{false};
  std::atomic<int> open_polls{0}, poll_errors{0}, poll_early{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < longpolls; ++i) {
    threads.emplace_back([&] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(90, 0);
      while (!stop.load()) {
        ++open_polls;
        const auto sent = Clock::now();
        auto r = c.Get(poll_target);
        --open_polls;
        if (!r || r->status != 200) {
          if (!stop.load()) ++poll_errors;
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        } else if (!stop.load() && Clock::now() - sent < std::chrono::seconds(55)) {
          // Answered well before its wait: the run no longer holds what it says.
          ++poll_early;
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
  // From the last body byte handed to the kernel to the 202: the server's own
  // part (reading what the socket buffers still hold, fsync, commit).
  Samples after_send;
  Samples small_uploads, large_uploads;  // bodies under / from 2 MiB
  std::mutex ids_mu;
  std::vector<std::string> ids = {watched};
  std::atomic<int> counter{0};
  for (int u = 0; u < uploaders; ++u) {
    threads.emplace_back([&] {
      // Open-loop schedule: upload k is due at start + k * gap, and its latency
      // counts from that intended send time, not from when a slow previous
      // answer let this thread send it (no coordinated omission: a server stall
      // shows in every upload that should have been sent during it).
      const auto gap = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(uploaders / upload_rate));
      auto next = Clock::now();
      while (!stop.load()) {
        std::this_thread::sleep_until(next);
        const auto intended = next;
        next += gap;
        const int n = counter++;
        // Trailing bytes after the JPEG end marker make every upload unique, so
        // dedup (sha256) does not spare the workers any work.
        std::string photo = photos[n % photos.size()] + "edgepix-load-" + std::to_string(n);
        std::string answer;
        Clock::time_point sent;
        int status = RawPost(port, "/api/uploads?filename=photo.jpg", photo, &answer, &sent);
        double ms = Ms(intended);
        if (Clock::now() - intended > gap) ++uploads.late;
        if (status == 202) {
          uploads.Add(ms);
          after_send.Add(Ms(sent));
          (photo.size() < (2u << 20) ? small_uploads : large_uploads).Add(ms);
          std::lock_guard<std::mutex> lock(ids_mu);
          ids.push_back(FirstId(answer));
        } else if (status == 503) {
          // Backpressure the server asked for: the client waits, and the slots
          // that fall in the wait are not sent (not counted as late either).
          ++uploads.refused;
          std::this_thread::sleep_for(std::chrono::milliseconds(500));
          next = Clock::now();
        } else {
          ++uploads.errors;
        }
      }
    });
  }
  for (int g = 0; g < getters; ++g) {
    threads.emplace_back([&, g] {
      httplib::Client c("127.0.0.1", port);
      c.set_tcp_nodelay(true);
      unsigned n = static_cast<unsigned>(g);
      // Every 20 ms per getter, timed from the intended send time (as uploads).
      const auto gap = std::chrono::milliseconds(20);
      auto next = Clock::now();
      while (!stop.load()) {
        std::this_thread::sleep_until(next);
        const auto intended = next;
        next += gap;
        std::string id;
        {
          std::lock_guard<std::mutex> lock(ids_mu);
          id = ids[(n++ * 2654435761u) % ids.size()];
        }
        auto r = c.Get("/api/jobs/" + id);
        double ms = Ms(intended);
        if (Clock::now() - intended > gap) ++gets.late;
        if (r && r->status == 200)
          gets.Add(ms);
        else
          ++gets.errors;
      }
    });
  }
  long rss_peak = rss_polls;
  const double cpu_start = pid ? CpuSeconds(pid) : 0;
  const auto window_start = Clock::now();
  for (int s = 0; s < seconds; ++s) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (pid) rss_peak = std::max(rss_peak, StatusField(pid, "VmRSS:"));
  }
  const int polls_at_end = open_polls.load();
  const double cpu_used = pid ? CpuSeconds(pid) - cpu_start : 0;
  const double window_s = std::chrono::duration<double>(Clock::now() - window_start).count();
  stop = true;
  // Wake the long-polls: completing the (empty) batch answers them all.
  httplib::Client(("127.0.0.1"), port)
      .Post("/api/batches/" + batch_id + "/complete", "", "application/json");
  for (auto& t : threads) t.join();

  std::printf(
      "open long-polls: %d of %d at the end, long-poll errors: %d, answered before their "
      "wait: %d\n",
      polls_at_end, longpolls, poll_errors.load(), poll_early.load());
  Report("upload ack (202)", uploads);
  Report("  after last byte sent", after_send);
  Report("  bodies < 2 MiB", small_uploads);
  Report("  bodies >= 2 MiB", large_uploads);
  Report("GET /api/jobs/{id}", gets);
  if (pid) {
    std::printf(
        "server RSS: %ld MiB at start, %ld MiB with %d idle long-polls (%ld threads), "
        "%ld MiB peak under load\n",
        rss_start / 1024, rss_polls / 1024, longpolls, threads_polls, rss_peak / 1024);
    std::printf("server CPU during the run: %.0f%% of one core (%.1f s in %.1f s; %ld cores)\n",
                100 * cpu_used / window_s, cpu_used, window_s, sysconf(_SC_NPROCESSORS_ONLN));
  }
  return uploads.errors.load() + gets.errors.load() + poll_errors.load() + poll_early.load() == 0
             ? 0
             : 1;
}
