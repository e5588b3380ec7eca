#include "observe/exposition.hpp"

#include <charconv>
#include <cmath>
#include <utility>
#include <vector>

namespace mcp::observe {
namespace {

using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

class Writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escape_help(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  void sample(std::string_view name, const Labels& labels, double value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i) out_ += ',';
        out_ += labels[i].first;
        out_ += "=\"";
        out_ += escape_label_value(labels[i].second);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += format_value(value);
    out_ += '\n';
  }

  // _bucket (cumulative, le ascending, +Inf last), _sum, _count.
  void histogram(std::string_view name, Labels labels, const DurationHistogram::Snapshot& s) {
    const std::string bucket = std::string(name) + "_bucket";
    labels.emplace_back("le", "");
    for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
      const std::string le = i < kDurationBuckets.size() ? format_value(kDurationBuckets[i]) : "+Inf";
      labels.back().second = le;
      sample(bucket, labels, static_cast<double>(s.cumulative[i]));
    }
    labels.pop_back();
    sample(std::string(name) + "_sum", labels, s.sum_seconds);
    sample(std::string(name) + "_count", labels, static_cast<double>(s.count));
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// One family of per-method histograms; methods never observed are left out.
void per_method_histogram(Writer& w, const Metrics& m, std::string_view name, std::string_view help,
                          DurationHistogram Metrics::PerMethod::*member) {
  w.family(name, "histogram", help);
  for (std::size_t i = 0; i < m.methods.size(); ++i) {
    const auto s = (m.per_method[i].*member).snapshot();
    if (s.count > 0) w.histogram(name, {{"method", m.methods.name(i)}}, s);
  }
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest round-trip; integers without exponent up to 1e16
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

std::string render_text(const Metrics& m) {
  Writer w;

  w.family("mcp_bridge_requests_total", "counter",
           "Downstream MCP requests by method and outcome (ok, error, rejected, timeout, cancelled)");
  for (std::size_t i = 0; i < m.methods.size(); ++i)
    for (std::size_t o = 0; o < kOutcomes; ++o)
      if (auto v = m.per_method[i].requests[o].value(); v > 0)
        w.sample("mcp_bridge_requests_total",
                 {{"method", m.methods.name(i)}, {"outcome", outcome_name(static_cast<Outcome>(o))}},
                 static_cast<double>(v));
  per_method_histogram(w, m, "mcp_bridge_request_duration_seconds",
                       "Downstream request latency: request received to response written, seconds",
                       &Metrics::PerMethod::duration);
  per_method_histogram(w, m, "mcp_bridge_upstream_request_duration_seconds",
                       "One call to the legacy upstream (request sent to response received), seconds",
                       &Metrics::PerMethod::upstream_duration);

  w.family("mcp_bridge_requests_in_flight", "gauge", "Downstream requests received and not yet answered");
  w.sample("mcp_bridge_requests_in_flight", {}, static_cast<double>(m.in_flight.value()));
  w.family("mcp_bridge_received_bytes_total", "counter",
           "MCP message bytes received from downstream clients (HTTP request bodies, stdio lines)");
  w.sample("mcp_bridge_received_bytes_total", {}, static_cast<double>(m.received_bytes.value()));
  w.family("mcp_bridge_sent_bytes_total", "counter",
           "MCP message bytes sent to downstream clients (HTTP response bodies and SSE events, stdio lines)");
  w.sample("mcp_bridge_sent_bytes_total", {}, static_cast<double>(m.sent_bytes.value()));

  w.family("mcp_bridge_upstream_sessions_open", "gauge", "Initialized upstream sessions in the pool");
  w.sample("mcp_bridge_upstream_sessions_open", {}, static_cast<double>(m.sessions_open.value()));
  w.family("mcp_bridge_upstream_sessions_initializing", "gauge", "Upstream sessions whose initialize is running");
  w.sample("mcp_bridge_upstream_sessions_initializing", {}, static_cast<double>(m.sessions_initializing.value()));
  w.family("mcp_bridge_upstream_sessions_started_total", "counter", "Upstream sessions the pool began to initialize");
  w.sample("mcp_bridge_upstream_sessions_started_total", {}, static_cast<double>(m.sessions_started.value()));
  w.family("mcp_bridge_upstream_sessions_evicted_total", "counter",
           "Upstream sessions the pool dropped, by reason (idle, capacity, unusable)");
  for (std::size_t r = 0; r < kEvictReasons; ++r)
    w.sample("mcp_bridge_upstream_sessions_evicted_total", {{"reason", evict_reason_name(static_cast<EvictReason>(r))}},
             static_cast<double>(m.sessions_evicted[r].value()));
  w.family("mcp_bridge_upstream_session_reinitializations_total", "counter",
           "HTTP upstream sessions that expired (HTTP 404) and were initialized again");
  w.sample("mcp_bridge_upstream_session_reinitializations_total", {},
           static_cast<double>(m.session_reinitializations.value()));
  w.family("mcp_bridge_upstream_child_restarts_total", "counter",
           "stdio upstream children started in place of one that exited unexpectedly or failed to start");
  w.sample("mcp_bridge_upstream_child_restarts_total", {}, static_cast<double>(m.child_restarts.value()));
  w.family("mcp_bridge_pool_waits_total", "counter", "Session acquires that waited for an upstream initialize");
  w.sample("mcp_bridge_pool_waits_total", {}, static_cast<double>(m.pool_waits.value()));
  w.family("mcp_bridge_pool_wait_duration_seconds", "histogram",
           "Time a session acquire waited for an upstream initialize, seconds");
  w.histogram("mcp_bridge_pool_wait_duration_seconds", {}, m.pool_wait_duration.snapshot());

  w.family("mcp_bridge_access_log_lines_total", "counter", "Access log lines queued for writing");
  w.sample("mcp_bridge_access_log_lines_total", {}, static_cast<double>(m.access_log_lines.value()));
  w.family("mcp_bridge_access_log_dropped_total", "counter",
           "Access log lines dropped because the writer's queue was full (requests never wait for the log)");
  w.sample("mcp_bridge_access_log_dropped_total", {},
           static_cast<double>(m.access_log_dropped ? m.access_log_dropped() : 0));
  return w.take();
}

}  // namespace mcp::observe
