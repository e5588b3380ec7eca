#pragma once
// The files a parsed unit read, for the result cache's manifest and
// --changed-since: what it included, and where the #includes it could not
// find were looked for (a header created there later changes the unit).
#include <string>
#include <vector>

#include <clang-c/Index.h>

namespace mcp_lint {

// Every file the unit included (real paths, the main file excluded), in inclusion order.
std::vector<std::string> included_files(CXTranslationUnit tu);

// For every "'name' file not found" error: name in the including file's
// directory and in each -I / -iquote / -isystem / -idirafter directory of
// `args` (relative ones against -working-directory). Sorted, unique. A header
// created on a path the compiler searches implicitly (/usr/include) is not
// seen: that is the limit ccache's direct mode has too.
std::vector<std::string> missing_include_paths(CXTranslationUnit tu, const std::vector<std::string>& args);

// The include directories of `args`, in order (exposed for tests).
std::vector<std::string> include_dirs_of(const std::vector<std::string>& args);

}  // namespace mcp_lint
