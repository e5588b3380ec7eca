#include "observe/access_log.hpp"

#include <cmath>
#include <ctime>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace mcp::observe {
namespace {

std::string utc_timestamp(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string cut(const std::string& s) { return s.size() <= kMaxLoggedChars ? s : s.substr(0, kMaxLoggedChars); }

}  // namespace

std::string format_access_line(const AccessRecord& r) {
  nlohmann::ordered_json line;
  line["time"] = utc_timestamp(r.time);
  line["transport"] = r.transport;
  line["method"] = cut(r.method);
  if (r.tool) line["tool"] = cut(*r.tool);
  line["outcome"] = outcome_name(r.outcome);
  if (r.status) line["status"] = r.status;
  // Microsecond resolution is plenty and keeps the line short.
  line["duration_ms"] = std::round(static_cast<double>(r.duration.count()) / 1e3) / 1e3;
  if (r.session) line["session"] = "s" + std::to_string(r.session);
  if (r.trace_id) line["trace_id"] = *r.trace_id;
  // Client strings may hold invalid UTF-8 (or a cut inside a character): replaced, never thrown.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::shared_ptr<AccessLog> AccessLog::open(const std::string& target, std::size_t queue_lines) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  try {
    if (target == "-")
      sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    else
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(target, /*truncate=*/false);
  } catch (const spdlog::spdlog_ex& e) {
    throw std::runtime_error(std::string("cannot open the access log: ") + e.what());
  }
  sink->set_pattern("%v");
  // Its own single writer thread: a slow disk never holds up the io threads or the diagnostic log.
  auto pool = std::make_shared<spdlog::details::thread_pool>(queue_lines, 1);
  auto logger = std::make_shared<spdlog::async_logger>("access", std::move(sink), pool,
                                                       spdlog::async_overflow_policy::overrun_oldest);
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::info);  // on the writer thread: lines reach the file promptly
  return std::shared_ptr<AccessLog>(new AccessLog(std::move(pool), std::move(logger)));
}

AccessLog::AccessLog(std::shared_ptr<spdlog::details::thread_pool> pool, std::shared_ptr<spdlog::logger> logger)
    : pool_(std::move(pool)), logger_(std::move(logger)) {}

AccessLog::~AccessLog() {
  logger_->flush();
  logger_.reset();  // before the pool: its thread finishes the queued lines
}

void AccessLog::write(const AccessRecord& record) {
  const std::string line = format_access_line(record);
  logger_->log(spdlog::level::info, spdlog::string_view_t(line.data(), line.size()));
  metrics().access_log_lines.inc();
}

std::uint64_t AccessLog::dropped() const { return pool_->overrun_counter(); }

void AccessLog::flush() { logger_->flush(); }

}  // namespace mcp::observe
