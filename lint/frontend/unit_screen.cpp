#include "frontend/unit_screen.hpp"

#include <filesystem>

namespace mcp_lint {

std::size_t drop_oversized(std::vector<CompileUnit>& units, std::uint64_t max_bytes, std::vector<std::string>& warnings) {
  if (max_bytes == 0) return 0;
  return std::erase_if(units, [&](const CompileUnit& u) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(u.file, ec);
    if (ec || size <= max_bytes) return false;  // unreadable: libclang says why
    warnings.push_back(u.file + ": skipped: " + std::to_string(size) + " bytes, over --max-file-size (" +
                       std::to_string(max_bytes) + " bytes; generated code?); raise it or pass 0 to lint the file");
    return true;
  });
}

}  // namespace mcp_lint
