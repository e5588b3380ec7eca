#pragma once
// Translation units to parse and the compiler arguments for each: from a
// compile_commands.json (-p BUILD_DIR) or inferred for a plain source tree.
#include <string>
#include <vector>

#include "frontend/flag_filter.hpp"

namespace mcp_lint {

struct CompileUnit {
  std::string file;               // absolute path of the main file
  std::vector<std::string> args;  // arguments for libclang (no compiler, no file, no -c/-o)
  bool from_database = false;
};

// The resource dir with clang's builtin headers (stddef.h, ...):
// MCP_LINT_CLANG_RESOURCE_DIR at build time (/usr/lib/llvm-19/lib/clang/19).
std::string clang_resource_dir();

// Arguments used without a compile database: C++20, every include directory
// found in the tree, error recovery friendly.
std::vector<std::string> inferred_args(const std::vector<std::string>& include_dirs);

struct CompileDatabase {
  std::vector<CompileUnit> units;     // one per existing file, sorted by file
  std::vector<std::string> warnings;  // stale entries skipped, flags dropped (one line per kind of flag)
};

// Loads BUILD_DIR/compile_commands.json (BUILD_DIR may also name the file
// itself). Throws InputError when it is missing, broken (compile_db_check.hpp:
// the message names the entry) or names no existing file. Entries whose file
// does not exist are skipped with a warning; flags that would load code or
// write files are dropped (flag_filter.hpp).
CompileDatabase load_compile_database(const std::string& build_dir);

// Rewrites one database command line for libclang (exposed for tests); the
// flags filter_database_flags drops and warns about go to `dropped`.
std::vector<std::string> database_args_for_libclang(const std::vector<std::string>& command, const std::string& file,
                                                    const std::string& directory,
                                                    std::vector<DroppedFlag>* dropped = nullptr);

}  // namespace mcp_lint
