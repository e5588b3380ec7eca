#pragma once
// A one-line progress bar on stderr (only when stderr is a terminal).
#include <atomic>
#include <cstddef>
#include <mutex>

namespace mcp_lint {

class Progress {
 public:
  Progress(bool enabled, std::size_t total) : enabled_(enabled), total_(total) {}
  void add_total(std::size_t more);
  void tick();
  void finish();  // erases the bar

 private:
  void draw();
  bool enabled_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::mutex mu_;
};

}  // namespace mcp_lint
