#include "observe/metrics.hpp"

#include <algorithm>

#include "translate/method_table.hpp"

namespace mcp::observe {
namespace {

// kDurationBuckets in nanoseconds: observe() compares integers.
constexpr auto kBucketNanos = [] {
  std::array<std::int64_t, kDurationBuckets.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::int64_t>(kDurationBuckets[i] * 1e9 + 0.5);
  return out;
}();

std::vector<std::string> with_other(std::vector<std::string> names) {
  names.erase(std::remove(names.begin(), names.end(), "other"), names.end());
  names.emplace_back("other");
  return names;
}

}  // namespace

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::Ok: return "ok";
    case Outcome::Error: return "error";
    case Outcome::Rejected: return "rejected";
    case Outcome::Timeout: return "timeout";
    case Outcome::Cancelled: return "cancelled";
  }
  return "error";
}

Outcome outcome_of_reply(unsigned http_status, bool jsonrpc_error) {
  if (http_status == 504) return Outcome::Timeout;
  if (http_status >= 400 && http_status < 500) return Outcome::Rejected;
  if (jsonrpc_error || http_status >= 500) return Outcome::Error;
  return Outcome::Ok;
}

std::string_view evict_reason_name(EvictReason reason) {
  switch (reason) {
    case EvictReason::Idle: return "idle";
    case EvictReason::Capacity: return "capacity";
    case EvictReason::Unusable: return "unusable";
  }
  return "unusable";
}

void DurationHistogram::observe(std::chrono::nanoseconds d) noexcept {
  if (!recording()) return;
  const std::int64_t ns = std::max<std::int64_t>(0, d.count());
  // `le` buckets: a value equal to a bound belongs to that bound's bucket.
  const auto it = std::lower_bound(kBucketNanos.begin(), kBucketNanos.end(), ns);
  buckets_[static_cast<std::size_t>(it - kBucketNanos.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

DurationHistogram::Snapshot DurationHistogram::snapshot() const noexcept {
  Snapshot s;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running;
  s.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

MethodLabels::MethodLabels(std::vector<std::string> names) : names_(with_other(std::move(names))) {}

std::size_t MethodLabels::index_of(std::string_view method) const noexcept {
  for (std::size_t i = 0; i + 1 < names_.size(); ++i)
    if (names_[i] == method) return i;
  return other();
}

Metrics::Metrics(std::vector<std::string> method_names)
    : methods(std::move(method_names)), per_method(std::make_unique<PerMethod[]>(methods.size())) {}

Metrics& metrics() {
  static Metrics registry([] {
    std::vector<std::string> names;
    for (auto name : translate::method_names()) names.emplace_back(name);
    return names;
  }());
  return registry;
}

}  // namespace mcp::observe
