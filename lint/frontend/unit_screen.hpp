#pragma once
// Units not worth handing libclang: a main file over the size limit
// (generated code: a 10 MiB byte array takes libclang about 6 s and 650 MB).
#include <cstdint>
#include <string>
#include <vector>

#include "frontend/compile_units.hpp"

namespace mcp_lint {

// --max-file-size's default: far above hand-written code (the largest source
// in the corpora is under 1 MiB) and below where one unit costs a gigabyte.
inline constexpr std::uint64_t kDefaultMaxFileBytes = std::uint64_t{8} << 20;

// Removes the units whose main file is larger than `max_bytes` (0: no
// limit), each with a warning naming the file, its size and the option.
// Returns how many were removed.
std::size_t drop_oversized(std::vector<CompileUnit>& units, std::uint64_t max_bytes, std::vector<std::string>& warnings);

}  // namespace mcp_lint
