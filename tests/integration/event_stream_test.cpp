// GET /api/events against the real binary: completed and deleted jobs arrive
// as numbered events, Last-Event-ID resumes after a given one (also after a
// server restart: the log is in SQLite), a stream opened without a position
// gets only what happens after it, and a guest is refused.
#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "integration/security_support.h"
#include "integration/server_harness.h"

using namespace edgepix::testing;

namespace {

const std::string kToken = "owner-token-for-the-event-stream";
const httplib::Headers kOwner = {{"Authorization", "Bearer " + kToken}};

struct SseEvent {
  int64_t id = 0;
  std::string kind;
  nlohmann::json data;
};

// Reads `target` until `count` events arrived; `on_open` runs once the first
// bytes are in (the stream is registered on the server).
std::vector<SseEvent> ReadEvents(int port, const std::string& target, httplib::Headers headers,
                                 size_t count, const std::function<void()>& on_open = {}) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(60);
  headers.insert(kOwner.begin(), kOwner.end());
  std::vector<SseEvent> events;
  std::string buffer;
  bool opened = false;
  auto r = c.Get(target, headers, [&](const char* data, size_t n) {
    if (!opened) {
      opened = true;
      if (on_open) on_open();
    }
    buffer.append(data, n);
    size_t end;
    while ((end = buffer.find("\n\n")) != std::string::npos) {
      std::string block = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      SseEvent e;
      bool has_data = false;
      size_t pos = 0;
      while (pos <= block.size()) {
        size_t nl = block.find('\n', pos);
        std::string line = block.substr(pos, nl == std::string::npos ? nl : nl - pos);
        pos = nl == std::string::npos ? block.size() + 1 : nl + 1;
        if (line.rfind("id: ", 0) == 0) e.id = std::stoll(line.substr(4));
        if (line.rfind("event: ", 0) == 0) e.kind = line.substr(7);
        if (line.rfind("data: ", 0) == 0) {
          e.data = nlohmann::json::parse(line.substr(6));
          has_data = true;
        }
      }
      if (has_data) events.push_back(e);
    }
    return events.size() < count;
  });
  return events;
}

std::string UploadOne(httplib::Client& c, int w) {
  httplib::MultipartFormDataItems items = {{"file", MakePng(w, 20), "p.png", "image/png"}};
  auto r = c.Post("/api/uploads", kOwner, items);
  REQUIRE(r);
  REQUIRE(r->status == 202);
  return JsonBody(r)["jobs"][0]["id"];
}

void WaitCompleted(httplib::Client& c, const std::string& id) {
  for (int i = 0; i < 60; ++i) {
    auto job = JsonBody(c.Get("/api/jobs/" + id + "?wait=30", kOwner));
    if (job["status"] == "COMPLETED") return;
    REQUIRE(job["status"] != "FAILED");
  }
  FAIL("job did not complete");
}

}  // namespace

TEST_CASE("/api/events streams the event log and resumes after Last-Event-ID") {
  ServerProcess server({"--token", kToken, "--guest-code", "events-guest-code"});
  auto c = server.Client();
  const std::string a = UploadOne(c, 30), b = UploadOne(c, 31);
  WaitCompleted(c, a);
  WaitCompleted(c, b);
  REQUIRE(c.Delete("/api/images/" + a, kOwner)->status == 204);

  auto all = ReadEvents(server.port(), "/api/events?after=0", {}, 3);
  REQUIRE(all.size() == 3);
  std::set<std::string> completed;
  for (int i = 0; i < 2; ++i) {
    CHECK(all[i].kind == "completed");
    CHECK(all[i].data["kind"] == "completed");
    CHECK(all[i].data["seq"] == all[i].id);
    completed.insert(all[i].data["id"].get<std::string>());
  }
  CHECK(completed == std::set<std::string>{a, b});
  // b's job is still there; a's was deleted since.
  const auto& b_event = all[0].data["id"] == b ? all[0] : all[1];
  CHECK(b_event.data["job"]["status"] == "COMPLETED");
  CHECK(all[2].kind == "deleted");
  CHECK(all[2].data["id"] == a);
  CHECK(all[2].data["job"].is_null());
  CHECK(all[0].id < all[1].id);
  CHECK(all[1].id < all[2].id);

  // Resume: what came after the first event, and the same after a restart.
  const std::string first = std::to_string(all[0].id);
  auto rest = ReadEvents(server.port(), "/api/events", {{"Last-Event-ID", first}}, 2);
  REQUIRE(rest.size() == 2);
  CHECK(rest[0].id == all[1].id);
  CHECK(rest[1].id == all[2].id);
  server.Restart();
  auto after_restart = server.Client();
  rest = ReadEvents(server.port(), "/api/events?after=0", {{"Last-Event-ID", first}}, 2);
  REQUIRE(rest.size() == 2);
  CHECK(rest[0].id == all[1].id);

  // Without a position: only what happens after the stream opened.
  std::string live_id;
  auto live = ReadEvents(server.port(), "/api/events", {}, 1, [&] {
    httplib::Client uploader("127.0.0.1", server.port());
    live_id = UploadOne(uploader, 32);
  });
  REQUIRE(live.size() == 1);
  CHECK(live[0].kind == "completed");
  CHECK(live[0].data["id"] == live_id);
  CHECK(live[0].id > all[2].id);

  // Bad positions and guests.
  CHECK(after_restart
            .Get("/api/events", {{"Authorization", "Bearer " + kToken}, {"Last-Event-ID", "x1"}})
            ->status == 400);
  CHECK(after_restart.Get("/api/events?after=-1", kOwner)->status == 400);
  CHECK(after_restart.Get("/api/events")->status == 401);
  auto joined = after_restart.Get("/?g=events-guest-code");
  REQUIRE(joined->status == 303);
  const std::string cookie = joined->get_header_value("Set-Cookie");
  auto refused = after_restart.Get("/api/events", {{"Cookie", cookie.substr(0, cookie.find(';'))}});
  CHECK(refused->status == 403);
  CHECK(ErrorCodeOf(refused->body) == "forbidden");
}
