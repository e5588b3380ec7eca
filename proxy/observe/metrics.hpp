// The bridge's metrics: a fixed set of counters, gauges and latency
// histograms, cheap enough for the request path (relaxed atomics, no locks,
// no allocation per increment) and rendered on demand in the Prometheus text
// format (observe/exposition.hpp, served by observe/metrics_listener.hpp).
//
// Every label set is fixed when the registry is built: `method` is bounded to
// the MCP method names of translate/method_table.hpp plus "other", so a
// client sending made-up methods cannot grow the number of series.
//
// One process-wide registry, metrics(), like the default registry of the
// Prometheus client libraries: the facts live in several libraries (pool,
// upstream, bridge, downstream) and each records where it knows them. Tests of
// the rendering build their own Metrics.
//
// Recording is on by default and can be switched off for the whole process
// (set_recording(false), before serving): mcp-bridge does so when nothing can
// read the metrics (no --metrics-listen), so an unobserved bridge pays nothing
// for them, and bench/run_bridge_bench.sh measures their price side by side.
// Switched off, every counter, gauge and histogram ignores its updates.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mcp::observe {

namespace detail {
inline std::atomic<bool> recording{true};
}
// Whether updates are recorded (see above); set once, before serving.
inline bool recording() noexcept { return detail::recording.load(std::memory_order_relaxed); }
inline void set_recording(bool on) noexcept { detail::recording.store(on, std::memory_order_relaxed); }

// How one downstream request ended (the `outcome` label).
enum class Outcome : std::uint8_t {
  Ok,         // a result (or an accepted notification)
  Error,      // a JSON-RPC error answered with HTTP 200 or 5xx (upstream failed, pool full, tool error...)
  Rejected,   // refused as the client's fault: HTTP 4xx (validation, unknown method, header mismatch, 401/403)
  Timeout,    // the upstream did not answer within --upstream-timeout-ms (HTTP 504)
  Cancelled,  // the client went away (HTTP) or cancelled it (stdio) before the reply
};
inline constexpr std::size_t kOutcomes = 5;
std::string_view outcome_name(Outcome outcome);
// The outcome of a reply the bridge produced (bridge::Reply's status and
// whether its body is a JSON-RPC error), by the rules above.
Outcome outcome_of_reply(unsigned http_status, bool jsonrpc_error);

// Why the pool dropped an upstream session (the `reason` label).
enum class EvictReason : std::uint8_t { Idle, Capacity, Unusable };
inline constexpr std::size_t kEvictReasons = 3;
std::string_view evict_reason_name(EvictReason reason);

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept {
    if (recording()) value_.fetch_add(n, std::memory_order_relaxed);
  }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void add(std::int64_t n) noexcept {
    if (recording()) value_.fetch_add(n, std::memory_order_relaxed);
  }
  void inc() noexcept { add(1); }
  void dec() noexcept { add(-1); }
  std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Upper bounds (seconds) of every latency histogram: 1 ms .. 60 s, then +Inf.
inline constexpr std::array<double, 15> kDurationBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                         0.5,   1.0,    2.5,   5.0,  10.0,  30.0, 60.0};

// Durations in seconds. Each observation lands in one bucket (the exposition
// makes them cumulative); the count is the sum of the buckets, so a scrape
// racing an observation still shows +Inf == _count.
class DurationHistogram {
 public:
  struct Snapshot {
    std::array<std::uint64_t, kDurationBuckets.size() + 1> cumulative{};  // last: +Inf
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };

  void observe(std::chrono::nanoseconds d) noexcept;
  Snapshot snapshot() const noexcept;

 private:
  std::array<std::atomic<std::uint64_t>, kDurationBuckets.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

// The bounded `method` label: the given names, then "other".
class MethodLabels {
 public:
  explicit MethodLabels(std::vector<std::string> names);
  // Unknown (or absent) methods: other().
  std::size_t index_of(std::string_view method) const noexcept;
  std::size_t other() const noexcept { return names_.size() - 1; }
  std::size_t size() const noexcept { return names_.size(); }
  const std::string& name(std::size_t index) const { return names_[index]; }

 private:
  std::vector<std::string> names_;
};

struct Metrics {
  struct PerMethod {
    std::array<Counter, kOutcomes> requests;  // by outcome
    DurationHistogram duration;               // downstream: request received -> response written
    DurationHistogram upstream_duration;      // one upstream call (legacy method of the same name)
  };

  explicit Metrics(std::vector<std::string> method_names);

  void record_request(std::size_t method, Outcome outcome, std::chrono::nanoseconds took) noexcept {
    per_method[method].requests[static_cast<std::size_t>(outcome)].inc();
    per_method[method].duration.observe(took);
  }
  void record_eviction(EvictReason reason) noexcept { sessions_evicted[static_cast<std::size_t>(reason)].inc(); }

  const MethodLabels methods;
  const std::unique_ptr<PerMethod[]> per_method;  // methods.size() entries

  // Downstream
  Gauge in_flight;         // requests between arrival and response
  Counter received_bytes;  // MCP message bytes from clients
  Counter sent_bytes;      // MCP message bytes to clients
  // Pool and upstream
  Gauge sessions_open;          // initialized upstream sessions in the pool
  Gauge sessions_initializing;  // upstream sessions whose initialize is running
  Counter sessions_started;     // initializes begun by the pool
  std::array<Counter, kEvictReasons> sessions_evicted;
  Counter session_reinitializations;  // HTTP upstream session expired (404) and initialized again
  Counter child_restarts;             // stdio children started in place of one that died or failed to start
  Counter pool_waits;                 // acquires that waited for a session's initialize
  DurationHistogram pool_wait_duration;
  // Access log: lines written, and lines lost to a full queue (read at scrape
  // time from the access log's writer; set once at start-up, before serving).
  Counter access_log_lines;
  std::function<std::uint64_t()> access_log_dropped;
};

// The process-wide registry (method names from translate::method_names()).
Metrics& metrics();

}  // namespace mcp::observe
