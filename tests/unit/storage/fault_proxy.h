// FaultProxy: a loopback TCP proxy in front of a real server (Ceph RGW in the
// S3 store's tests) that can play a server restart: Disrupt() cuts every
// connection in flight and makes the next N connections fail (closed at once,
// or answered "503 Slow Down" and closed), after which it forwards again. The
// failures are counted in connections, not time, so a test of the client's
// retries is deterministic.
//
// Thread-safety: the methods may be called from any thread; the destructor
// stops the accept thread and every connection thread.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace edgepix::testing {

class FaultProxy {
 public:
  enum class Failure { kClose, kSlowDown503 };

  // Forwards 127.0.0.1:port() to `upstream_port` on 127.0.0.1.
  explicit FaultProxy(int upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void Disrupt(int failing_connections, Failure how);
  // Connections that were failed so far.
  int failed() const { return failed_.load(); }

 private:
  void AcceptLoop();
  void Serve(int client);

  const int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> failed_{0};
  std::mutex mu_;
  int to_fail_ = 0;
  Failure how_ = Failure::kClose;
  std::vector<int> live_;  // both ends of each forwarded connection
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace edgepix::testing
