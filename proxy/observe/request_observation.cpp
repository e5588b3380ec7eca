#include "observe/request_observation.hpp"

#include "observe/trace_context.hpp"

namespace mcp::observe {

RequestObservation::RequestObservation(std::string_view transport, std::shared_ptr<AccessLog> log, Metrics& metrics)
    : metrics_(metrics), log_(std::move(log)), transport_(transport), method_(metrics.methods.other()) {
  if (log_) arrived_ = std::chrono::system_clock::now();
}

RequestObservation::~RequestObservation() {
  try {
    if (!finished_) finish(Outcome::Cancelled, 0);
  } catch (...) {  // out of memory formatting the log line: never from a destructor
  }
}

void RequestObservation::begin(const nlohmann::json& message, std::string_view traceparent_header) {
  if (begun_ || finished_) return;
  begun_ = true;
  metrics_.in_flight.inc();
  const nlohmann::json* method = nullptr;
  if (message.is_object())
    if (auto it = message.find("method"); it != message.end() && it->is_string()) method = &*it;
  if (method && recording()) method_ = metrics_.methods.index_of(method->get_ref<const std::string&>());
  if (!log_) return;
  if (method) method_name_ = method->get_ref<const std::string&>().substr(0, kMaxLoggedChars);
  if (method_name_ == "tools/call") {
    auto params = message.find("params");
    if (params != message.end() && params->is_object())
      if (auto name = params->find("name"); name != params->end() && name->is_string())
        tool_ = name->get_ref<const std::string&>().substr(0, kMaxLoggedChars);
  }
  trace_id_ = trace_id_of_request(message, traceparent_header);
}

void RequestObservation::finish(Outcome outcome, unsigned http_status) {
  if (finished_) return;
  finished_ = true;
  if (begun_) metrics_.in_flight.dec();
  const auto took = std::chrono::steady_clock::now() - started_;
  metrics_.record_request(method_, outcome, took);
  if (!log_) return;
  AccessRecord r;
  r.time = arrived_;
  r.transport = transport_;
  r.method = std::move(method_name_);
  r.tool = std::move(tool_);
  r.outcome = outcome;
  r.status = http_status;
  r.duration = took;
  r.session = session_;
  r.trace_id = std::move(trace_id_);
  log_->write(r);
}

UpstreamCallTimer::UpstreamCallTimer(const nlohmann::json& legacy_request, Metrics& metrics)
    : metrics_(metrics), method_(metrics.methods.other()) {
  if (recording() && legacy_request.is_object())
    if (auto it = legacy_request.find("method"); it != legacy_request.end() && it->is_string())
      method_ = metrics.methods.index_of(it->get_ref<const std::string&>());
}

UpstreamCallTimer::~UpstreamCallTimer() {
  metrics_.per_method[method_].upstream_duration.observe(std::chrono::steady_clock::now() - started_);
}

}  // namespace mcp::observe
