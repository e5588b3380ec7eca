// Newline framing for the stdio transport (basic/transports/stdio.mdx): one
// JSON-RPC message per line. Bounded: a line longer than the limit is
// reported once and skipped up to its newline, so one bad message cannot
// exhaust memory or desynchronise the stream.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mcp::downstream {

class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line_bytes) : max_(max_line_bytes) {}

  // on_line(std::string_view) per complete line (without "\n" or a trailing
  // "\r"); on_oversize() once per line that exceeded the limit.
  template <class OnLine, class OnOversize>
  void feed(std::string_view data, OnLine&& on_line, OnOversize&& on_oversize) {
    while (!data.empty()) {
      auto nl = data.find('\n');
      auto piece = data.substr(0, nl);
      if (!discarding_) {
        if (partial_.size() + piece.size() > max_) {
          discarding_ = true;
          partial_.clear();
          on_oversize();
        } else {
          partial_.append(piece);
        }
      }
      if (nl == std::string_view::npos) return;
      if (!discarding_) {
        std::string_view line = partial_;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        on_line(line);
      }
      partial_.clear();
      discarding_ = false;
      data.remove_prefix(nl + 1);
    }
  }

  // At end of input: an unterminated last line, if any.
  std::optional<std::string> finish() {
    if (discarding_ || partial_.empty()) return std::nullopt;
    return std::exchange(partial_, std::string());
  }

 private:
  std::size_t max_;
  std::string partial_;
  bool discarding_ = false;
};

}  // namespace mcp::downstream
