// Backoff for stdio child restarts and HTTP GET-stream reconnects. Pure: time
// comes from an injected clock, so tests advance it instead of sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

namespace mcp::upstream {

using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;
inline SteadyNow real_steady_clock() { return [] { return std::chrono::steady_clock::now(); }; }

// Delay before attempt number `failures` + 1 after `failures` consecutive
// failures: 0 for none, then min, 2*min, 4*min, ... capped at max.
std::chrono::milliseconds backoff_delay(std::uint32_t failures, std::chrono::milliseconds min,
                                        std::chrono::milliseconds max);

// Spaces out starts of stdio children, shared by a factory and all its
// sessions (thread-safe). A child that failed to start or died early counts
// as one more failure; one that ran at least `stable_after` counts as a first
// failure again. The delay runs from the last failure, so time that already
// passed is not waited twice.
class RestartBackoff {
 public:
  RestartBackoff(std::chrono::milliseconds min, std::chrono::milliseconds max, std::chrono::milliseconds stable_after,
                 SteadyNow now = real_steady_clock())
      : min_(min), max_(max), stable_(stable_after), now_(std::move(now)) {}

  std::chrono::milliseconds delay_before_start() const;
  void start_failed();
  void died(std::chrono::steady_clock::time_point started_at);
  std::uint32_t failures() const;
  // A child was started: true when it takes the place of one that failed to
  // start or died (a restart), as counted by start_failed()/died().
  bool claim_restart();
  std::chrono::steady_clock::time_point now() const { return now_(); }

 private:
  mutable std::mutex mu_;
  const std::chrono::milliseconds min_, max_, stable_;
  const SteadyNow now_;
  std::uint32_t failures_ = 0;
  std::uint32_t unreplaced_ = 0;  // failed or dead children not started again yet
  std::chrono::steady_clock::time_point last_failure_{};
};

// GET-stream reconnects (HTTP). A stream that was up and then dropped is
// reopened after the server's SSE `retry` (else min), never sooner than min
// nor later than max; attempts that never got a stream back off
// exponentially, and after `max_failures` of them in a row the session stops
// listening (server-initiated messages then come only on POST streams).
struct ReconnectLimits {
  std::chrono::milliseconds min{500};
  std::chrono::milliseconds max{30'000};
  unsigned max_failures = 8;
};
// nullopt = give up. `failures` counts attempts in a row that got no stream,
// including this one (0 when this attempt had a stream that then dropped).
std::optional<std::chrono::milliseconds> reconnect_delay(unsigned failures,
                                                         std::optional<std::chrono::milliseconds> server_retry,
                                                         const ReconnectLimits& limits);

}  // namespace mcp::upstream
