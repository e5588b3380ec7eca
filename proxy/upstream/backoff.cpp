#include "upstream/backoff.hpp"

#include <algorithm>

namespace mcp::upstream {

using std::chrono::milliseconds;

milliseconds backoff_delay(std::uint32_t failures, milliseconds min, milliseconds max) {
  if (failures == 0) return milliseconds(0);
  const std::uint32_t shift = std::min<std::uint32_t>(failures - 1, 30);
  const auto scaled = min.count() * (std::int64_t{1} << shift);
  return milliseconds(std::min<std::int64_t>(scaled, max.count()));
}

milliseconds RestartBackoff::delay_before_start() const {
  std::lock_guard lock(mu_);
  const auto d = backoff_delay(failures_, min_, max_);
  const auto elapsed = std::chrono::duration_cast<milliseconds>(now_() - last_failure_);
  return d > elapsed ? d - elapsed : milliseconds(0);
}

void RestartBackoff::start_failed() {
  std::lock_guard lock(mu_);
  ++failures_;
  ++unreplaced_;
  last_failure_ = now_();
}

void RestartBackoff::died(std::chrono::steady_clock::time_point started_at) {
  std::lock_guard lock(mu_);
  const auto t = now_();
  failures_ = t - started_at >= stable_ ? 1 : failures_ + 1;
  ++unreplaced_;
  last_failure_ = t;
}

bool RestartBackoff::claim_restart() {
  std::lock_guard lock(mu_);
  if (unreplaced_ == 0) return false;
  --unreplaced_;
  return true;
}

std::uint32_t RestartBackoff::failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

std::optional<milliseconds> reconnect_delay(unsigned failures, std::optional<milliseconds> server_retry,
                                            const ReconnectLimits& limits) {
  if (failures == 0) return std::clamp(server_retry.value_or(limits.min), limits.min, std::max(limits.min, limits.max));
  if (failures >= limits.max_failures) return std::nullopt;
  return backoff_delay(failures, limits.min, limits.max);
}

}  // namespace mcp::upstream
