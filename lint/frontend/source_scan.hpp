#pragma once
// Finds C++ sources and headers under the PATHs given on the command line.
#include <stdexcept>
#include <string>
#include <vector>

namespace mcp_lint {

// Bad input from the user (missing path, unreadable file, broken compile
// database): reported with a clear message and exit code 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool is_source_file(const std::string& path);
bool is_header_file(const std::string& path);

struct SourceTree {
  std::vector<std::string> sources;       // absolute, sorted
  std::vector<std::string> headers;       // absolute, sorted
  std::vector<std::string> include_dirs;  // every directory holding headers, and its ancestors up to the PATH
  std::vector<std::string> roots;         // the PATHs, absolute and normalised
  std::vector<std::string> warnings;      // dangling or looping symbolic links named like sources, skipped
};

// Walks each PATH (a file or a directory, recursively). Skips hidden
// directories and build trees (build*, cmake-build-*, _deps, CMakeFiles,
// node_modules). Throws InputError for a missing or unreadable PATH.
// Symbolic links: a link to a directory is not followed (so a link loop
// cannot recurse, and no tree is walked twice); a link to a file counts as
// its target, linted once, when the target lies under a PATH (else it is not
// followed either); a dangling or looping link named like a source or header
// is skipped with a warning.
SourceTree scan_paths(const std::vector<std::string>& paths);

// Absolute, lexically normal form of a path (symlinks resolved when it exists).
std::string normalize_path(const std::string& path);
// True when `path` is `root` or lies below it.
bool path_under(const std::string& path, const std::string& root);

}  // namespace mcp_lint
