// One downstream request as a transport (HTTP or stdio) sees it, from arrival
// to the response written: counts it in flight, records the request counter
// and the latency histogram for its method and outcome, and writes its access
// log line. A transport creates one per request, calls begin() once the
// message is parsed and finish() once the answer is out; one destroyed without
// finish() counts as cancelled (the client went away, or the write failed).
//
// Nothing for the access log is extracted or formatted unless it is on.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "observe/access_log.hpp"
#include "observe/metrics.hpp"

namespace mcp::observe {

class RequestObservation {
 public:
  // `log` may be null (access log off); `transport`: "http" or "stdio".
  RequestObservation(std::string_view transport, std::shared_ptr<AccessLog> log, Metrics& metrics = observe::metrics());
  ~RequestObservation();
  RequestObservation(const RequestObservation&) = delete;
  RequestObservation& operator=(const RequestObservation&) = delete;

  // The parsed JSON-RPC message: its method label; for the access log also
  // the method, tool name and trace id (`traceparent_header`: HTTP only).
  void begin(const nlohmann::json& message, std::string_view traceparent_header = {});
  // Records the request once; later calls are ignored. Works without
  // begin() too (a request rejected before its body was parsed: method "other").
  void finish(Outcome outcome, unsigned http_status);
  // Where the bridge writes the serial of the upstream session that served
  // the request (bridge::DownstreamRequest::upstream_session); must outlive handle().
  std::uint64_t* session_slot() { return &session_; }

 private:
  Metrics& metrics_;
  std::shared_ptr<AccessLog> log_;
  std::string_view transport_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::system_clock::time_point arrived_;
  std::size_t method_;
  bool begun_ = false, finished_ = false;
  std::uint64_t session_ = 0;
  // Access log only.
  std::string method_name_;
  std::optional<std::string> tool_, trace_id_;
};

// Times one call to the legacy upstream into the upstream latency histogram
// of the request's method (legacy names are the same), however it ends:
// answer, error, timeout or cancellation. Lives in the calling coroutine's frame.
class UpstreamCallTimer {
 public:
  explicit UpstreamCallTimer(const nlohmann::json& legacy_request, Metrics& metrics = observe::metrics());
  ~UpstreamCallTimer();
  UpstreamCallTimer(const UpstreamCallTimer&) = delete;
  UpstreamCallTimer& operator=(const UpstreamCallTimer&) = delete;

 private:
  Metrics& metrics_;
  std::size_t method_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace mcp::observe
