#include "http/server.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "http/bounded_task_queue.h"
#include "http/responses.h"
#include "http/routes.h"

namespace edgepix::http {

HttpServer::HttpServer(HttpContext context, ServerOptions options)
    : context_(std::move(context)), options_(std::move(options)) {
  context_.stopping = &stopping_;
  const size_t threads = static_cast<size_t>(std::max(4, options_.http_threads));
  const size_t backlog = static_cast<size_t>(std::max(0, options_.http_backlog));
  // cpp-httplib owns and deletes the queue it gets from this factory.
  server_.new_task_queue = [threads, backlog] { return new BoundedTaskQueue(threads, backlog); };
  // Connections beyond the pool and its backlog only get 503 (see bounded_task_queue.h).
  server_.set_pre_routing_handler([](const httplib::Request&, httplib::Response& res) {
    return RefuseIfOverflow(res) ? httplib::Server::HandlerResponse::Handled
                                 : httplib::Server::HandlerResponse::Unhandled;
  });
  server_.set_read_timeout(options_.read_timeout_seconds, 0);
  server_.set_write_timeout(options_.write_timeout_seconds, 0);
  server_.set_keep_alive_timeout(options_.keep_alive_seconds);
  server_.set_keep_alive_max_count(static_cast<size_t>(options_.keep_alive_max_requests));
  server_.set_payload_max_length(options_.max_request_bytes);
  InstallJsonErrorHandlers(server_);
  if (options_.log_requests) {
    server_.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "%s %s %d\n", req.method.c_str(), req.path.c_str(), res.status);
    });
  }
  RegisterUploadRoutes(server_, &context_);
  RegisterJobRoutes(server_, &context_);
  RegisterMediaRoutes(server_, &context_);
  RegisterWebRoutes(server_, &context_);
}

HttpServer::~HttpServer() { Stop(); }

Result<int> HttpServer::Bind() {
  int port = options_.port;
  if (port == 0) {
    port = server_.bind_to_any_port(options_.host);
  } else if (!server_.bind_to_port(options_.host, port)) {
    port = -1;
  }
  if (port < 0) {
    return Status::Error(ErrorCode::kUnavailable,
                         "cannot listen on " + options_.host + ":" + std::to_string(options_.port));
  }
  return port;
}

Status HttpServer::Listen() {
  if (!server_.listen_after_bind()) {
    if (stopping_.load()) return Status::Ok();
    return Status::Error(ErrorCode::kUnavailable, "the HTTP server stopped unexpectedly");
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  stopping_.store(true);
  if (context_.notifier) context_.notifier->Shutdown();
  server_.stop();
}

}  // namespace edgepix::http
