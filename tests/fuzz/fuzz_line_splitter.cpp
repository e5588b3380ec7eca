// stdio framing (downstream/line_splitter.hpp): bytes from a client or a
// child process. Invariants: no line over the limit is ever delivered, and
// feeding the bytes in two chunks gives exactly what feeding them at once gives.
#include <string>
#include <vector>

#include "downstream/line_splitter.hpp"
#include "fuzz_support.hpp"

namespace {

struct Outcome {
  std::vector<std::string> lines;
  int oversize = 0;
  bool operator==(const Outcome&) const = default;
};

constexpr std::size_t kMaxLine = 64;

Outcome feed(std::string_view first, std::string_view second) {
  mcp::downstream::LineSplitter splitter(kMaxLine);
  Outcome out;
  auto on_line = [&](std::string_view line) {
    mcp::fuzz::require(line.size() <= kMaxLine, "a delivered line is within the limit");
    out.lines.emplace_back(line);
  };
  auto on_oversize = [&] { ++out.oversize; };
  splitter.feed(first, on_line, on_oversize);
  splitter.feed(second, on_line, on_oversize);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mcp::fuzz::require_split_invariant(mcp::fuzz::as_text(data, size), feed);
  return 0;
}
