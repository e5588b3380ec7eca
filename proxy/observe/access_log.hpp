// The access log (--access-log PATH|-): one JSON object per line per
// downstream request, off by default.
//
//   {"time":"2026-11-30T17:02:03.123Z","transport":"http","method":"tools/call","tool":"echo",
//    "outcome":"ok","status":200,"duration_ms":1.84,"session":"s3","trace_id":"0af7651916cd43dd8448eb211c80319c"}
//
// "tool" only for tools/call, "session" only when an upstream session served
// the request (an opaque per-process number, never the upstream's
// Mcp-Session-Id), "trace_id" only when the request carried a valid W3C
// traceparent. Tokens and Authorization are never logged; client-chosen
// strings (method, tool) are cut at kMaxLoggedChars and JSON-escaped.
//
// Writing never blocks an io thread: lines go to a bounded queue drained by
// the log's own thread (spdlog async logger); when the queue is full the
// oldest line is dropped and counted (mcp_bridge_access_log_dropped_total).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "observe/metrics.hpp"

namespace spdlog {
class logger;
namespace details {
class thread_pool;
}
}  // namespace spdlog

namespace mcp::observe {

inline constexpr std::size_t kMaxLoggedChars = 200;

struct AccessRecord {
  std::chrono::system_clock::time_point time;  // when the request arrived
  std::string_view transport;                  // "http" or "stdio"
  std::string method;                          // as sent (cut); "" if the message had none
  std::optional<std::string> tool;             // params.name of a tools/call (cut)
  Outcome outcome = Outcome::Ok;
  unsigned status = 0;  // HTTP status answered; 0: none (stdio, or the client went away)
  std::chrono::nanoseconds duration{0};
  std::uint64_t session = 0;  // serial of the upstream session; 0: none
  std::optional<std::string> trace_id;
};

// One line, without the line feed. Pure.
std::string format_access_line(const AccessRecord& record);

class AccessLog {
 public:
  // `target`: a file path (appended to, created if missing) or "-" for
  // stdout. Throws std::runtime_error when the file cannot be opened.
  static std::shared_ptr<AccessLog> open(const std::string& target, std::size_t queue_lines = 8192);
  ~AccessLog();

  // Thread-safe, never waits for the disk.
  void write(const AccessRecord& record);
  // Lines lost to a full queue so far.
  std::uint64_t dropped() const;
  void flush();

 private:
  AccessLog(std::shared_ptr<spdlog::details::thread_pool> pool, std::shared_ptr<spdlog::logger> logger);
  std::shared_ptr<spdlog::details::thread_pool> pool_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace mcp::observe
