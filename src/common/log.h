// Log: one line per event on stderr, human-readable by default or one JSON
// object per line (--log-format json) for log shippers.
//
// An event is a kind ("request", "job", ...) plus ordered key/value fields.
// Text:  2026-11-25T02:37:09.123Z request method=GET path=/healthz status=200 ms=0.4 id=abc
// JSON:  {"ts":"2026-11-25T02:37:09.123Z","event":"request","method":"GET",...}
// Values are strings or numbers; text values with spaces, quotes or control
// characters are quoted and escaped, so a client cannot forge a log line.
// Everything the server writes to stderr goes through here, diagnostics too,
// so with --log-format json every line is one JSON object.
// Thread-safe: each line is written with one call.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace edgepix::log {

enum class Format { kText, kJson };
void SetFormat(Format format);
Format GetFormat();
// Switches every Event() off (--quiet) or on.
void SetEnabled(bool enabled);

using Value = std::variant<std::string, double, int64_t>;
using Fields = std::vector<std::pair<std::string, Value>>;

// The line as it would be written (without the newline); for tests.
std::string FormatEvent(const std::string& kind, const Fields& fields);
// A request or job event; nothing is written while disabled (--quiet).
void Event(const std::string& kind, const Fields& fields);
// What the operator must see even with --quiet: start-up, shutdown, warnings
// and errors. Written as an event of this kind.
void Diagnostic(const std::string& kind, const Fields& fields);
// Diagnostic("warning" / "error", {{"message", message}, extra...}).
void Warning(const std::string& message, const Fields& extra = {});
void Error(const std::string& message, const Fields& extra = {});

// A job changed state: id, new status, and optional detail (error code, ms).
void JobTransition(const std::string& id, const std::string& status,
                   const std::string& detail = "");

}  // namespace edgepix::log
