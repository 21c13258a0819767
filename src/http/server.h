// HttpServer: the API, media and UI on one listening socket.
//
// Connections are served by a bounded pool of HTTP threads sized for many
// concurrent long-polls and SSE streams, with read/write timeouts and a
// keep-alive limit so idle or slow clients cannot hold it. Every error answer
// is JSON. Listen() blocks until Stop() is called from another thread; a Stop()
// that comes first (or while Listen() starts) makes Listen() return at once.
// Stop() returns at once; Listen() returns when the requests in progress have
// been answered (idle keep-alive connections are closed, not waited for).
//
// HTTP framing (request_framing.h and third_party/cpp-httplib/*.patch): a
// request whose body is not read to its end is answered with Connection:
// close and its connection closed after a bounded drain, so no body is ever
// parsed as a request; ambiguous framing gets 400, a declared body over
// max_request_bytes 413 before it is sent (also instead of 100 Continue).
// Pipelined requests are answered in order.
//
// Security and operations (see access.h, middleware.h): optional bearer/JWT
// authentication, private media with signed URLs, CORS, optional TLS
// (tls_cert + tls_key: HTTPS only, via cpp-httplib's SSLServer), request ids,
// one log line and metrics per request.
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "http/access.h"
#include "http/connection_watchdog.h"
#include "http/http_context.h"
#include "http/middleware.h"

namespace edgepix::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port
  int http_threads = 1024;
  int http_backlog = 256;  // accepted connections waiting for a thread; beyond: 503
  int read_timeout_seconds = 30;
  int write_timeout_seconds = 30;
  int keep_alive_seconds = 5;
  // A request's headers must be complete this long after the connection
  // appears or its previous answer (see connection_watchdog.h).
  int header_timeout_seconds = 10;
  // A request body must arrive at least this fast (bytes/s), measured over
  // windows of header_timeout_seconds; slower ones get 408. 0 = not timed.
  uint64_t min_body_bytes_per_second = 1024;
  int keep_alive_max_requests = 100;
  uint64_t max_request_bytes = 1ull << 30;  // whole request, across all files
  bool log_requests = true;
  AccessOptions access;
  std::vector<std::string> cors_origins;
  std::string tls_cert;  // PEM files; both set = HTTPS
  std::string tls_key;
};

class HttpServer {
 public:
  HttpServer(HttpContext context, ServerOptions options);
  ~HttpServer();

  // Binds the socket; kUnavailable if the address is taken. Returns the port.
  Result<int> Bind();
  // Serves until Stop(). Requires Bind().
  Status Listen();
  void Stop();
  bool tls() const { return !options_.tls_cert.empty(); }

 private:
  HttpContext context_;
  ServerOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listening_{false};  // inside Listen()
  Access access_;
  ConnectionWatchdog watchdog_;
  int listen_fd_ = -1;
  int bound_port_ = -1;
  std::unique_ptr<httplib::Server> server_;
};

}  // namespace edgepix::http
