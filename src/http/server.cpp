#include "http/server.h"

#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include "http/bounded_task_queue.h"
#include "http/request_framing.h"
#include "http/responses.h"
#include "http/routes.h"

namespace edgepix::http {

namespace {

constexpr int kListenBacklog = 1024;

std::unique_ptr<httplib::Server> MakeServer(const ServerOptions& o) {
  if (!o.tls_cert.empty() || !o.tls_key.empty()) {
    return std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
  }
  return std::make_unique<httplib::Server>();
}

// The 408 the watchdog writes itself when it cuts a slow body: once the
// connection is shut down, cpp-httplib no longer writes to it.
std::string SlowBodyAnswer() {
  const Status error = ConnectionWatchdog::SlowBodyError();
  const std::string body = ErrorBody(error);
  return "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) +
         "\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n\r\n" + body;
}

}  // namespace

HttpServer::HttpServer(HttpContext context, ServerOptions options)
    : context_(std::move(context)),
      options_(std::move(options)),
      access_(options_.access),
      watchdog_(std::chrono::seconds(options_.header_timeout_seconds),
                options_.min_body_bytes_per_second,
                options_.tls_cert.empty() ? SlowBodyAnswer() : std::string()),
      server_(MakeServer(options_)) {
  context_.stopping = &stopping_;
  context_.access = &access_;
  context_.watchdog = &watchdog_;
  httplib::Server& server = *server_;
  const size_t threads = static_cast<size_t>(std::max(4, options_.http_threads));
  const size_t backlog = static_cast<size_t>(std::max(0, options_.http_backlog));
  // A connection waiting for a thread gets 503 after half the header deadline,
  // well before the watchdog would cut it unanswered.
  const auto max_wait = std::chrono::milliseconds(options_.header_timeout_seconds * 1000 / 2);
  // cpp-httplib owns and deletes the queue it gets from this factory.
  server.new_task_queue = [threads, backlog, max_wait] {
    return new BoundedTaskQueue(threads, backlog, max_wait);
  };
  // Answers are small writes after a long body (and after an interim 100 Continue):
  // without TCP_NODELAY, Nagle's algorithm meets the client's delayed ACK and holds
  // each such answer ~40 ms.
  server.set_tcp_nodelay(true);
  server.set_read_timeout(options_.read_timeout_seconds, 0);
  server.set_write_timeout(options_.write_timeout_seconds, 0);
  server.set_keep_alive_timeout(options_.keep_alive_seconds);
  server.set_keep_alive_max_count(static_cast<size_t>(options_.keep_alive_max_requests));
  server.set_payload_max_length(options_.max_request_bytes);
  // Expect: 100-continue is answered with the framing refusal (413 for a body
  // over the limit...) instead of 100 when the request would be refused.
  server.set_expect_100_continue_handler(
      [limit = options_.max_request_bytes](const httplib::Request& req, httplib::Response& res) {
        if (auto refusal = CheckFraming(req, limit)) {
          SendFramingRefusal(res, *refusal);
          return res.status;
        }
        return 100;
      });
  // SO_REUSEADDR (restart while old connections linger) but not cpp-httplib's
  // default SO_REUSEPORT, which would let a second server share the port silently.
  server.set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd_ = sock;
  });
  InstallJsonErrorHandlers(server);
  MiddlewareOptions middleware;
  middleware.cors_origins = options_.cors_origins;
  middleware.log_requests = options_.log_requests;
  middleware.max_body_bytes = options_.max_request_bytes;
  // Connections beyond the pool and its backlog only get 503 (see bounded_task_queue.h);
  // the middleware's pre-routing handler asks this first.
  middleware.refuse_early = [](httplib::Response& res) { return RefuseIfOverflow(res); };
  middleware.on_request_start = [this](const httplib::Request& req) {
    const bool has_body =
        req.get_header_value<uint64_t>("Content-Length") > 0 || req.has_header("Transfer-Encoding");
    watchdog_.RequestStarted(req.remote_addr, req.remote_port, has_body);
  };
  middleware.on_request_end = [this](const httplib::Request& req) {
    watchdog_.RequestFinished(req.remote_addr, req.remote_port);
  };
  InstallMiddleware(server, &access_, std::move(middleware));
  RegisterUploadRoutes(server, &context_);
  RegisterJobRoutes(server, &context_);
  RegisterModerationRoutes(server, &context_);
  RegisterBatchRoutes(server, &context_);
  RegisterGrantRoutes(server, &context_);
  RegisterWebhookRoutes(server, &context_);
  RegisterMediaRoutes(server, &context_);
  RegisterWebRoutes(server, &context_);
  RegisterJoinRoutes(server, &context_);
  RegisterEventRoutes(server, &context_);
  RegisterDownloadRoutes(server, &context_);
  RegisterEventInfoRoutes(server, &context_);
  RegisterWallRoutes(server, &context_);
  RegisterOpsRoutes(server, &context_);
}

HttpServer::~HttpServer() { Stop(); }

Result<int> HttpServer::Bind() {
  if (!server_->is_valid()) {
    return Status::Error(ErrorCode::kBadRequest, "cannot use the TLS certificate/key (" +
                                                     options_.tls_cert + ", " + options_.tls_key +
                                                     "): unreadable, mismatched or not PEM");
  }
  int port = options_.port;
  if (port == 0) {
    port = server_->bind_to_any_port(options_.host);
  } else if (!server_->bind_to_port(options_.host, port)) {
    port = -1;
  }
  if (port < 0) {
    return Status::Error(ErrorCode::kUnavailable,
                         "cannot listen on " + options_.host + ":" + std::to_string(options_.port));
  }
  // cpp-httplib listens with a backlog of 5: a burst of connections (500
  // long-polls coming back) overflows it and clients wait out a 1 s SYN retry.
  // listen() again only raises the backlog (the kernel caps it at somaxconn).
  if (listen_fd_ >= 0) ::listen(listen_fd_, kListenBacklog);
  bound_port_ = port;
  return port;
}

Status HttpServer::Listen() {
  // cpp-httplib's stop() does nothing until its accept loop runs, so a Stop()
  // racing with the start of Listen() would be lost. Listen announces itself
  // before it looks at stopping_, and Stop() sets stopping_ before it looks at
  // listening_: one of the two always sees the other (both seq_cst).
  listening_.store(true);
  if (stopping_.load()) {
    listening_.store(false);
    return Status::Ok();
  }
  if (bound_port_ > 0) watchdog_.Start(bound_port_);
  bool clean = server_->listen_after_bind();
  // Every connection thread has ended: nothing is left for the watchdog.
  watchdog_.Stop();
  listening_.store(false);
  if (!clean && !stopping_.load()) {
    return Status::Error(ErrorCode::kUnavailable, "the HTTP server stopped unexpectedly");
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  stopping_.store(true);
  if (context_.notifier) context_.notifier->Shutdown();
  // Listen() is on its way into the accept loop: wait until stop() can reach it.
  while (listening_.load() && !server_->is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_->stop();
  // Threads waiting for a next request on a keep-alive connection block in one
  // poll (third_party/cpp-httplib/*.patch) that stop() does not end: the
  // watchdog shuts those connections down until Listen() returns.
  watchdog_.CloseIdleConnections();
}

}  // namespace edgepix::http
