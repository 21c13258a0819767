#include "http/connection_watchdog.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <linux/tcp.h>  // struct tcp_info with tcpi_bytes_received (glibc's lacks it)
#include <netdb.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <utility>
#include <vector>

#include "common/log.h"
#include "common/metrics.h"

namespace edgepix::http {
namespace {

std::string Key(const std::string& addr, int port) { return addr + " " + std::to_string(port); }

metrics::Family& CutConnections() {
  static metrics::Family& family = metrics::Registry::Default().Counter(
      "edgepix_http_connections_cut_total",
      "Connections closed for not delivering request headers within --header-timeout");
  return family;
}

metrics::Family& SlowBodies() {
  static metrics::Family& family = metrics::Registry::Default().Counter(
      "edgepix_http_slow_bodies_cut_total",
      "Request bodies cut (answered 408) for arriving slower than --min-body-rate");
  return family;
}

int PortOf(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

struct OpenConnection {
  int fd;
  ino_t inode;
  std::string key;
};

// The process's TCP connections whose local port is `port` (accepted by the
// server). `known` maps socket inodes to their peer key from earlier scans (a
// connection's peer never changes), so a known connection costs one fstat;
// it is updated to the sockets open now.
std::vector<OpenConnection> ServerConnections(int port,
                                              std::unordered_map<ino_t, std::string>* known) {
  std::vector<OpenConnection> found;
  std::unordered_map<ino_t, std::string> now;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return found;
  const int dir_fd = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dir_fd) continue;
    struct stat st;
    if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    auto cached = known->find(st.st_ino);
    if (cached != known->end()) {
      if (!cached->second.empty())
        found.push_back({static_cast<int>(fd), st.st_ino, cached->second});
      now.emplace(st.st_ino, cached->second);
      continue;
    }
    std::string key;  // stays empty for sockets that are not the server's connections
    sockaddr_storage local{}, peer{};
    socklen_t local_len = sizeof(local), peer_len = sizeof(peer);
    char host[NI_MAXHOST];
    if (::getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &local_len) == 0 &&
        PortOf(local) == port &&
        ::getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0 &&
        ::getnameinfo(reinterpret_cast<sockaddr*>(&peer), peer_len, host, sizeof(host), nullptr, 0,
                      NI_NUMERICHOST) == 0) {
      key = Key(host, PortOf(peer));
      found.push_back({static_cast<int>(fd), st.st_ino, key});
    }
    // A socket without a peer yet (the listening one) is asked again next time.
    if (!key.empty() || PortOf(local) != port) now.emplace(st.st_ino, key);
  }
  ::closedir(dir);
  known->swap(now);
  return found;
}

// Shuts the connection down (`how`: SHUT_RDWR or SHUT_RD) if `fd` still refers
// to the socket `inode`, first writing `last_words` to it when not empty.
bool ShutDownIfSame(int fd, ino_t inode, const std::string& last_words = "", int how = SHUT_RDWR) {
  // The duplicate keeps the socket from being replaced while we check it.
  int copy = ::dup(fd);
  if (copy < 0) return false;
  struct stat st;
  bool same = ::fstat(copy, &st) == 0 && st.st_ino == inode && S_ISSOCK(st.st_mode);
  if (same) {
    if (!last_words.empty()) {
      // The thread serving it is blocked reading the body, so nothing else writes now.
      (void)!::send(copy, last_words.data(), last_words.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    ::shutdown(copy, how);
  }
  ::close(copy);
  return same;
}

// The bytes the kernel has received on `sock` so far (TCP_INFO); nullopt
// where it does not say (kernels before 4.1, qemu-user).
std::optional<uint64_t> BytesReceived(int sock) {
  tcp_info info{};
  socklen_t len = sizeof(info);
  if (::getsockopt(sock, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
      len < offsetof(tcp_info, tcpi_bytes_received) + sizeof(info.tcpi_bytes_received)) {
    return std::nullopt;
  }
  return info.tcpi_bytes_received;
}

struct BodyProgress {
  uint64_t received;    // bytes the kernel has received on the connection so far
  bool unread_waiting;  // some of them still wait for the server to read them
};

// The progress of the socket `inode` behind `fd`; nullopt if `fd` is another
// socket now or the kernel does not say.
std::optional<BodyProgress> ProgressIfSame(int fd, ino_t inode) {
  int copy = ::dup(fd);
  if (copy < 0) return std::nullopt;
  std::optional<BodyProgress> progress;
  struct stat st;
  if (::fstat(copy, &st) == 0 && st.st_ino == inode) {
    if (auto received = BytesReceived(copy)) {
      int unread = 0;
      if (::ioctl(copy, FIONREAD, &unread) != 0) unread = 0;
      progress = BodyProgress{*received, unread > 0};
    }
  }
  ::close(copy);
  return progress;
}

}  // namespace

ConnectionWatchdog::ConnectionWatchdog(std::chrono::milliseconds header_deadline,
                                       uint64_t min_body_rate, std::string slow_body_answer)
    : header_deadline_(header_deadline),
      min_body_rate_(min_body_rate),
      slow_body_answer_(std::move(slow_body_answer)) {
  // Both counters are exported from the start, at 0.
  CutConnections().Add({}, 0);
  SlowBodies().Add({}, 0);
}

ConnectionWatchdog::~ConnectionWatchdog() { Stop(); }

Status ConnectionWatchdog::SlowBodyError() {
  return Status::Error(ErrorCode::kTimeout,
                       "the request body arrived slower than --min-body-rate; nothing was stored");
}

bool ConnectionWatchdog::KernelCountsReceivedBytes() {
  int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  if (sock < 0) return false;
  bool counts = BytesReceived(sock).has_value();
  ::close(sock);
  return counts;
}

void ConnectionWatchdog::Start(int port, std::chrono::milliseconds period) {
  Stop();
  if (min_body_rate_ > 0 && !KernelCountsReceivedBytes()) {
    log::Warning(
        "this kernel (or emulator) does not report received bytes (TCP_INFO); "
        "--min-body-rate is not enforced");
  }
  std::lock_guard<std::mutex> lock(mu_);
  port_ = port;
  stop_ = false;
  thread_ = std::thread([this, period] { Loop(period); });
}

void ConnectionWatchdog::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ConnectionWatchdog::CloseIdleConnections() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_idle_ = true;
  }
  wake_.notify_all();
}

void ConnectionWatchdog::Loop(std::chrono::milliseconds period) {
  // While the server stops, often enough that a stop takes no noticeable time.
  constexpr std::chrono::milliseconds kClosingPeriod(20);
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (closing_idle_) {
      lock.unlock();
      CloseIdleOnce();
      lock.lock();
      wake_.wait_for(lock, kClosingPeriod, [this] { return stop_; });
      continue;
    }
    wake_.wait_for(lock, period, [this] { return stop_ || closing_idle_; });
    if (stop_ || closing_idle_) continue;
    lock.unlock();
    ScanOnce(Clock::now());
    lock.lock();
  }
}

void ConnectionWatchdog::CloseIdleOnce() {
  int port;
  {
    std::lock_guard<std::mutex> lock(mu_);
    port = port_;
  }
  if (port < 0) return;
  for (const OpenConnection& oc : ServerConnections(port, &peers_by_inode_)) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = connections_.find(oc.key);
      if (it != connections_.end() && it->second.in_request) continue;
    }
    ShutDownIfSame(oc.fd, oc.inode, "", SHUT_RD);
  }
}

void ConnectionWatchdog::RequestStarted(const std::string& peer_addr, int peer_port,
                                        bool has_body) {
  std::lock_guard<std::mutex> lock(mu_);
  Connection& c = connections_[Key(peer_addr, peer_port)];
  c.in_request = true;
  c.body_pending = has_body;
  c.body_timed_out = false;
  c.body_rate = BodyRateWindow(header_deadline_, min_body_rate_);
  c.touched_scan = scan_;
}

void ConnectionWatchdog::BodyFinished(const std::string& peer_addr, int peer_port) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = connections_.find(Key(peer_addr, peer_port));
  if (it != connections_.end()) it->second.body_pending = false;
}

bool ConnectionWatchdog::BodyTimedOut(const std::string& peer_addr, int peer_port) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = connections_.find(Key(peer_addr, peer_port));
  return it != connections_.end() && it->second.body_timed_out;
}

void ConnectionWatchdog::RequestFinished(const std::string& peer_addr, int peer_port) {
  std::lock_guard<std::mutex> lock(mu_);
  Connection& c = connections_[Key(peer_addr, peer_port)];
  c.in_request = false;
  c.body_pending = false;
  c.body_timed_out = false;
  c.waiting_since = Clock::now();
  c.touched_scan = scan_;
}

int ConnectionWatchdog::ScanOnce(Clock::time_point now) {
  int port;
  uint64_t scan;
  {
    std::lock_guard<std::mutex> lock(mu_);
    port = port_;
    scan = ++scan_;
  }
  if (port < 0) return 0;
  std::vector<OpenConnection> open = ServerConnections(port, &peers_by_inode_);

  std::vector<OpenConnection> late;  // headers too slow
  int slow = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const OpenConnection& oc : open) {
      auto [it, fresh] = connections_.try_emplace(oc.key);
      Connection& c = it->second;
      if (fresh) c.waiting_since = now;
      c.last_seen_scan = scan;
      if (!c.in_request && now - c.waiting_since > header_deadline_) late.push_back(oc);
      if (c.in_request && c.body_pending && min_body_rate_ > 0) {
        auto progress = ProgressIfSame(oc.fd, oc.inode);
        if (progress && c.body_rate.TooSlow(progress->received, progress->unread_waiting, now)) {
          // Answered and cut under the lock: a route that finishes the body
          // (BodyFinished) either comes first, and is not cut, or sees
          // BodyTimedOut() and knows its client has been answered 408.
          c.body_pending = false;
          c.body_timed_out = true;
          if (ShutDownIfSame(oc.fd, oc.inode, slow_body_answer_)) ++slow;
        }
      }
    }
    // Forget connections that are gone: an open one is seen by every scan, and
    // one that a request touched since the previous scan may be newer than the
    // listing.
    for (auto it = connections_.begin(); it != connections_.end();) {
      const Connection& c = it->second;
      bool gone = c.last_seen_scan != scan && c.touched_scan + 1 < scan;
      it = gone ? connections_.erase(it) : std::next(it);
    }
  }
  int closed = 0;
  for (const OpenConnection& oc : late) {
    if (ShutDownIfSame(oc.fd, oc.inode)) ++closed;
  }
  if (closed > 0) CutConnections().Add({}, closed);
  if (slow > 0) SlowBodies().Add({}, slow);
  std::lock_guard<std::mutex> lock(mu_);
  for (const OpenConnection& oc : late) connections_.erase(oc.key);
  return closed + slow;
}

}  // namespace edgepix::http
