#include "frontend/progress.hpp"

#include <cstdio>
#include <string>

namespace mcp_lint {

void Progress::add_total(std::size_t more) {
  std::lock_guard lock(mu_);
  total_ += more;
}

void Progress::tick() {
  std::lock_guard lock(mu_);
  ++done_;
  draw();
}

void Progress::draw() {
  if (!enabled_ || total_ == 0) return;
  constexpr int width = 30;
  const int filled = static_cast<int>(width * done_ / total_);
  std::string bar(filled, '=');
  if (filled < width) bar += '>';
  bar.resize(width, ' ');
  std::fprintf(stderr, "\r[%s] %zu/%zu units", bar.c_str(), done_, total_);
  std::fflush(stderr);
}

void Progress::finish() {
  std::lock_guard lock(mu_);
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace mcp_lint
