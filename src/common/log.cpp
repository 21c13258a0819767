#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace edgepix::log {
namespace {

std::atomic<Format> g_format{Format::kText};
std::atomic<bool> g_enabled{true};

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];  // room for any int fields, so the compiler can see nothing is cut
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string TextValue(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1f", *d);
    return buf;
  }
  const std::string& s = std::get<std::string>(v);
  bool plain = !s.empty();
  for (unsigned char c : s) {
    if (c <= 0x20 || c == '"' || c == '\\' || c == 0x7f || c >= 0x80) plain = false;
  }
  if (plain) return s;
  // JSON string escaping: quotes, backslashes and control bytes become visible.
  return nlohmann::json(s).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void SetFormat(Format format) { g_format.store(format); }
Format GetFormat() { return g_format.load(); }
void SetEnabled(bool enabled) { g_enabled.store(enabled); }

std::string FormatEvent(const std::string& kind, const Fields& fields) {
  if (g_format.load() == Format::kJson) {
    nlohmann::ordered_json j;
    j["ts"] = Timestamp();
    j["event"] = kind;
    for (const auto& [key, value] : fields) {
      std::visit([&, k = key](const auto& x) { j[k] = x; }, value);
    }
    return j.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  }
  std::string line = Timestamp() + " " + kind;
  for (const auto& [key, value] : fields) line += " " + key + "=" + TextValue(value);
  return line;
}

void Diagnostic(const std::string& kind, const Fields& fields) {
  std::string line = FormatEvent(kind, fields) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void Event(const std::string& kind, const Fields& fields) {
  if (g_enabled.load()) Diagnostic(kind, fields);
}

void Warning(const std::string& message, const Fields& extra) {
  Fields fields = {{"message", message}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  Diagnostic("warning", fields);
}

void Error(const std::string& message, const Fields& extra) {
  Fields fields = {{"message", message}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  Diagnostic("error", fields);
}

void JobTransition(const std::string& id, const std::string& status, const std::string& detail) {
  Fields fields = {{"id", id}, {"status", status}};
  if (!detail.empty()) fields.emplace_back("detail", detail);
  Event("job", fields);
}

}  // namespace edgepix::log
