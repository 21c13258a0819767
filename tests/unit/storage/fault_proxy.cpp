#include "unit/storage/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace edgepix::testing {

FaultProxy::FaultProxy(int upstream_port) : upstream_port_(upstream_port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("FaultProxy: cannot listen on loopback");
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  close(listen_fd_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : live_) shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : threads_) t.join();
}

void FaultProxy::Disrupt(int failing_connections, Failure how) {
  std::lock_guard<std::mutex> lock(mu_);
  to_fail_ = failing_connections;
  how_ = how;
  for (int fd : live_) shutdown(fd, SHUT_RDWR);  // the "restart" cuts what is in flight
}

void FaultProxy::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    threads_.emplace_back([this, client] { Serve(client); });
  }
}

void FaultProxy::Serve(int client) {
  bool fail = false;
  Failure how = Failure::kClose;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (to_fail_ > 0) {
      --to_fail_;
      fail = true;
      how = how_;
    }
  }
  if (fail) {
    ++failed_;
    if (how == Failure::kSlowDown503) {
      // Read the request head first, so the client sees an answer, not a reset.
      char buf[8192];
      std::string head;
      while (head.find("\r\n\r\n") == std::string::npos) {
        pollfd p{client, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0) break;
        ssize_t n = read(client, buf, sizeof buf);
        if (n <= 0) break;
        head.append(buf, static_cast<size_t>(n));
      }
      const std::string body =
          "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Please reduce your "
          "request rate.</Message></Error>";
      const std::string answer =
          "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\n"
          "Connection: close\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body;
      (void)!send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
    }
    shutdown(client, SHUT_RDWR);
    close(client);
    return;
  }
  int upstream = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
  if (connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(upstream);
    close(client);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    live_.push_back(client);
    live_.push_back(upstream);
  }
  pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
  char buf[65536];
  bool open = true;
  while (open && !stopping_) {
    if (poll(fds, 2, 100) <= 0) continue;
    for (int i = 0; i < 2 && open; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        open = false;
        break;
      }
      const int to = fds[1 - i].fd;
      for (ssize_t at = 0; at < n;) {
        ssize_t w = send(to, buf + at, static_cast<size_t>(n - at), MSG_NOSIGNAL);
        if (w <= 0) {
          open = false;
          break;
        }
        at += w;
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    live_.erase(std::remove_if(live_.begin(), live_.end(),
                               [&](int fd) { return fd == client || fd == upstream; }),
                live_.end());
  }
  close(client);
  close(upstream);
}

}  // namespace edgepix::testing
