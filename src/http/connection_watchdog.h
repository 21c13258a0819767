// ConnectionWatchdog: closes connections that do not deliver a request's
// headers in time.
//
// cpp-httplib bounds each single read, not a whole request: a client sending a
// header byte every few seconds ("slowloris") would keep an HTTP thread forever.
// The watchdog gives every accepted connection a deadline: its request headers
// must be complete within `header_deadline` of the connection appearing or of
// the previous answer on it (an idle keep-alive connection counts as waiting).
// Once the headers are in (RequestStarted), the route owns the connection
// (long-polls, SSE and upload bodies have their own bounds) until
// RequestFinished. Connections past their deadline are shut down, which wakes
// the thread reading them.
//
// It finds the server's connections among the process's descriptors (sockets
// whose local port is the server's and that have a peer) and matches them to
// requests by the peer's address and port. A descriptor is shut down only
// after checking, through a duplicate, that it is still the same socket.
// Each one cut counts in edgepix_http_connections_cut_total.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

namespace edgepix::http {

class ConnectionWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ConnectionWatchdog(std::chrono::milliseconds header_deadline);
  ~ConnectionWatchdog();
  ConnectionWatchdog(const ConnectionWatchdog&) = delete;
  ConnectionWatchdog& operator=(const ConnectionWatchdog&) = delete;

  // Starts scanning connections to local `port` every `period`.
  void Start(int port, std::chrono::milliseconds period = std::chrono::milliseconds(1000));
  void Stop();

  // A request's headers have arrived on the connection from peer (addr, port).
  void RequestStarted(const std::string& peer_addr, int peer_port);
  // Its answer has been written; the connection waits for the next request.
  void RequestFinished(const std::string& peer_addr, int peer_port);

 private:
  struct Connection {
    bool in_request = false;
    Clock::time_point waiting_since;
    uint64_t last_seen_scan = 0;
    uint64_t touched_scan = 0;
  };
  void Loop(std::chrono::milliseconds period);
  // One scan at `now`; returns how many connections it shut down.
  int ScanOnce(Clock::time_point now);

  const std::chrono::milliseconds header_deadline_;
  int port_ = -1;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  uint64_t scan_ = 0;
  std::unordered_map<std::string, Connection> connections_;  // by "addr port"
  // Socket inode -> "addr port" ("" = not a server connection); scan thread only.
  std::unordered_map<ino_t, std::string> peers_by_inode_;
  std::thread thread_;
};

}  // namespace edgepix::http
