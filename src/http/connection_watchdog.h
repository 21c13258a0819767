// ConnectionWatchdog: closes connections that do not deliver a request's
// headers in time, and request bodies that arrive slower than a minimum rate.
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
// A request with a body (RequestStarted with has_body) must also bring at
// least `min_body_rate` bytes per second, measured over each window of
// `header_deadline`, until its body is read (BodyFinished) or it is answered.
// A slower body gets `slow_body_answer` (a whole HTTP response, for
// SlowBodyError(); empty for TLS, where the watchdog cannot write) and its
// connection shut down: the route's read ends and BodyTimedOut() tells it why.
// The rate is the kernel's count of bytes received on the socket (TCP_INFO),
// judged by BodyRateWindow; where that is unavailable, bodies are not timed.
//
// When the server stops (CloseIdleConnections), connections waiting for a next
// request are shut down for reading, so the threads blocked waiting on them
// return at once (cpp-httplib waits for a next request in one blocking poll);
// connections inside a request finish it (shutting down reading does not stop
// an answer being written).
//
// It finds the server's connections among the process's descriptors (sockets
// whose local port is the server's and that have a peer) and matches them to
// requests by the peer's address and port. A descriptor is shut down only
// after checking, through a duplicate, that it is still the same socket.
// Each one cut counts in edgepix_http_connections_cut_total, each slow body in
// edgepix_http_slow_bodies_cut_total.
//
// Thread-safety: RequestStarted, BodyFinished, BodyTimedOut and RequestFinished
// are called from every HTTP thread at once (one mutex guards the connection
// table; the scan runs on the watchdog's own thread). Start() and Stop() are
// for the owner's thread only, not concurrently with each other.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/status.h"
#include "http/body_rate.h"

namespace edgepix::http {

class ConnectionWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  // min_body_rate: bytes per second; 0 = bodies are not timed.
  explicit ConnectionWatchdog(std::chrono::milliseconds header_deadline, uint64_t min_body_rate = 0,
                              std::string slow_body_answer = "");
  ~ConnectionWatchdog();
  ConnectionWatchdog(const ConnectionWatchdog&) = delete;
  ConnectionWatchdog& operator=(const ConnectionWatchdog&) = delete;

  // The error of a body cut for arriving slower than the minimum rate (408).
  static Status SlowBodyError();

  // Whether this kernel reports a socket's received-byte count, which timing
  // bodies needs (Linux >= 4.1 does; qemu-user's emulation does not).
  static bool KernelCountsReceivedBytes();

  // Starts scanning connections to local `port` every `period`.
  void Start(int port, std::chrono::milliseconds period = std::chrono::milliseconds(1000));
  void Stop();
  // From now until Stop(), every few milliseconds, shuts down reading on each
  // connection that is not inside a request. Returns at once.
  void CloseIdleConnections();

  // A request's headers have arrived on the connection from peer (addr, port);
  // has_body: a body follows (Content-Length > 0 or chunked).
  void RequestStarted(const std::string& peer_addr, int peer_port, bool has_body = false);
  // The route has read the whole body; the rest of the request is not timed.
  void BodyFinished(const std::string& peer_addr, int peer_port);
  // True when this connection's current body was cut for being too slow.
  bool BodyTimedOut(const std::string& peer_addr, int peer_port) const;
  // Its answer has been written; the connection waits for the next request.
  void RequestFinished(const std::string& peer_addr, int peer_port);

 private:
  struct Connection {
    bool in_request = false;
    bool body_pending = false;  // in a request whose body is still arriving
    bool body_timed_out = false;
    Clock::time_point waiting_since;
    BodyRateWindow body_rate;
    uint64_t last_seen_scan = 0;
    uint64_t touched_scan = 0;
  };
  void Loop(std::chrono::milliseconds period);
  // Shuts down reading on the connections not inside a request.
  void CloseIdleOnce();
  // One scan at `now`; returns how many connections it shut down (either way).
  int ScanOnce(Clock::time_point now);

  const std::chrono::milliseconds header_deadline_;
  const uint64_t min_body_rate_;
  const std::string slow_body_answer_;
  int port_ = -1;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool closing_idle_ = false;
  uint64_t scan_ = 0;
  std::unordered_map<std::string, Connection> connections_;  // by "addr port"
  // Socket inode -> "addr port" ("" = not a server connection); scan thread only.
  std::unordered_map<ino_t, std::string> peers_by_inode_;
  std::thread thread_;
};

}  // namespace edgepix::http
