// The SSE parser (upstream/sse_parser.*): bytes from a legacy server's
// response or GET stream. Invariants: chunked feeding equals whole feeding
// (events, failure, last event id, retry), and no event exceeds the bound.
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "upstream/sse_parser.hpp"

namespace {

constexpr std::size_t kMaxEvent = 256;

struct Outcome {
  std::vector<std::string> events;  // type \0 data \0 id
  bool failed = false;
  std::string last_event_id;
  long long retry_ms = -1;
  bool operator==(const Outcome&) const = default;
};

Outcome feed(std::string_view first, std::string_view second) {
  mcp::upstream::SseParser parser(kMaxEvent);
  std::vector<mcp::upstream::SseEvent> events;
  if (parser.feed(first, events)) parser.feed(second, events);
  Outcome out;
  for (const auto& e : events) {
    mcp::fuzz::require(e.data.size() <= kMaxEvent, "an event's data is within the bound");
    out.events.push_back(e.type + '\0' + e.data + '\0' + e.id);
  }
  out.failed = parser.failed();
  out.last_event_id = parser.last_event_id();
  if (auto retry = parser.retry()) out.retry_ms = retry->count();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mcp::fuzz::require_split_invariant(mcp::fuzz::as_text(data, size), feed);
  return 0;
}
