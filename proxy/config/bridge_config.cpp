#include "config/bridge_config.hpp"

#include <system_error>

namespace mcp::config {

std::vector<std::string> default_sample_command(const std::filesystem::path& executable) {
  const auto dir = executable.parent_path();
  for (const auto& candidate : {dir / "mcp-legacy-sample", dir / ".." / "samples" / "mcp-legacy-sample"}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) {
      return {std::filesystem::weakly_canonical(candidate, ec).string(), "--stdio"};
    }
  }
  return {};
}

std::filesystem::path current_executable(const char* argv0) {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) return p;
  return std::filesystem::absolute(argv0 ? argv0 : "", ec);
}

}  // namespace mcp::config
