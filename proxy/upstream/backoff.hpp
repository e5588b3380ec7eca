// Capped exponential backoff, shared by stdio restarts and HTTP GET-stream
// reconnects. Pure.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace mcp::upstream {

// Delay before attempt number `failures` + 1 after `failures` consecutive
// failures: 0 for none, then min, 2*min, 4*min, ... capped at max.
inline std::chrono::milliseconds backoff_delay(std::uint32_t failures, std::chrono::milliseconds min,
                                               std::chrono::milliseconds max) {
  if (failures == 0) return std::chrono::milliseconds(0);
  const std::uint32_t shift = std::min<std::uint32_t>(failures - 1, 30);
  const auto scaled = min.count() * (std::int64_t{1} << shift);
  return std::chrono::milliseconds(std::min<std::int64_t>(scaled, max.count()));
}

}  // namespace mcp::upstream
