#include "frontend/compile_units.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <clang-c/CXCompilationDatabase.h>
#include <nlohmann/json.hpp>

#include "engine/cursor_util.hpp"
#include "frontend/compile_db_check.hpp"
#include "frontend/source_scan.hpp"

namespace fs = std::filesystem;

namespace mcp_lint {

namespace {

// Arguments every parse gets: find the builtin headers, keep going after
// errors, no warnings (they cost time and are not ours to report).
void add_common_args(std::vector<std::string>& args) {
  const bool has_resource = std::find(args.begin(), args.end(), "-resource-dir") != args.end();
  if (!has_resource) {
    args.push_back("-resource-dir");
    args.push_back(clang_resource_dir());
  }
  args.push_back("-ferror-limit=0");
  args.push_back("-w");
  args.push_back("-Qunused-arguments");
}
}  // namespace

std::string clang_resource_dir() {
  if (const char* env = std::getenv("MCP_LINT_CLANG_RESOURCE_DIR"); env && *env) return env;
  return MCP_LINT_CLANG_RESOURCE_DIR;
}

std::vector<std::string> inferred_args(const std::vector<std::string>& include_dirs) {
  std::vector<std::string> args{"-x", "c++", "-std=c++20"};
  for (const auto& d : include_dirs) args.push_back("-I" + d);
  add_common_args(args);
  return args;
}

std::vector<std::string> database_args_for_libclang(const std::vector<std::string>& command, const std::string& file,
                                                    const std::string& directory, std::vector<DroppedFlag>* dropped) {
  std::vector<std::string> out;
  const std::string abs_file = fs::path(file).is_absolute() ? file : (fs::path(directory) / file).lexically_normal().string();
  for (std::size_t i = 1; i < command.size(); ++i) {  // [0] is the compiler
    const std::string& a = command[i];
    if (a == file || a == abs_file) continue;  // the main file is passed separately
    if (!a.empty() && a[0] != '-' && is_source_file(a) &&
        (fs::path(directory) / a).lexically_normal().string() == abs_file)
      continue;
    out.push_back(a);
  }
  FilteredFlags filtered = filter_database_flags(out);
  if (dropped) dropped->insert(dropped->end(), filtered.dropped.begin(), filtered.dropped.end());
  out = std::move(filtered.kept);
  // Relative -I and friends are relative to the entry's directory.
  out.insert(out.begin(), {"-working-directory", directory});
  add_common_args(out);
  return out;
}

CompileDatabase load_compile_database(const std::string& build_dir) {
  std::string dir = build_dir;
  std::error_code ec;
  if (fs::is_regular_file(dir, ec)) dir = fs::path(dir).parent_path().string();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec)) throw InputError(build_dir + ": compile database directory not found");
  const fs::path json_path = fs::path(dir) / "compile_commands.json";
  const std::string shown = json_path.string();
  if (!fs::exists(json_path, ec)) throw InputError(shown + ": no compile_commands.json (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)");
  {
    // libclang only says "cannot load"; check the JSON ourselves for a useful message.
    std::ifstream in(json_path);
    if (!in) throw InputError(shown + ": cannot read compile database");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw InputError(shown + ": broken compile database: " + e.what());
    }
    check_compile_database(j, shown);
  }
  CXCompilationDatabase_Error err = CXCompilationDatabase_NoError;
  CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(dir.c_str(), &err);
  if (err != CXCompilationDatabase_NoError || !db) throw InputError(shown + ": libclang cannot load the compile database");
  CompileDatabase out;
  struct Dropped {
    std::string example, reason;
    unsigned first_entry = 0, entries = 0;
  };
  std::map<std::string, Dropped> dropped_kinds;  // one warning per kind of flag
  CXCompileCommands cmds = clang_CompilationDatabase_getAllCompileCommands(db);
  const unsigned n = clang_CompileCommands_getSize(cmds);
  std::set<std::string> seen;
  // libclang keeps the entries in the file's order: `i` is the entry's index.
  for (unsigned i = 0; i < n; ++i) {
    CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
    const std::string directory = take(clang_CompileCommand_getDirectory(cmd));
    const std::string file = take(clang_CompileCommand_getFilename(cmd));
    const std::string entry = "entry [" + std::to_string(i) + "]";
    std::vector<std::string> command;
    const unsigned argc = clang_CompileCommand_getNumArgs(cmd);
    for (unsigned a = 0; a < argc; ++a) command.push_back(take(clang_CompileCommand_getArg(cmd, a)));
    CompileUnit u;
    u.file = normalize_path(fs::path(file).is_absolute() ? file : (fs::path(directory) / file).string());
    if (!seen.insert(u.file).second) continue;  // same file built twice: lint once
    // A stale database (a file deleted or renamed since the build was
    // configured) is common: the other entries are still worth linting.
    if (!fs::is_regular_file(u.file, ec)) {
      out.warnings.push_back(shown + ": " + entry + ": " + u.file + ": " +
                             (fs::exists(u.file, ec) ? "not a regular file" : "no such file (stale database?)") + ", skipped");
      continue;
    }
    std::vector<DroppedFlag> dropped;
    u.args = database_args_for_libclang(command, file, directory, &dropped);
    for (const auto& d : dropped) {
      Dropped& k = dropped_kinds[flag_kind(d.flag)];
      if (k.entries++ == 0) {
        k.example = d.flag;
        k.reason = d.reason;
        k.first_entry = i;
      }
    }
    u.from_database = true;
    out.units.push_back(std::move(u));
  }
  clang_CompileCommands_dispose(cmds);
  clang_CompilationDatabase_dispose(db);
  for (const auto& [kind, d] : dropped_kinds)
    out.warnings.push_back(shown + ": dropped " + kind + " (" + d.reason + ") from " + std::to_string(d.entries) +
                           (d.entries == 1 ? " entry" : " entries") + ", first `" + d.example + "` in entry [" +
                           std::to_string(d.first_entry) + "]");
  if (out.units.empty())
    throw InputError(shown + (n == 0 ? ": compile database has no entries" : ": no entry of the compile database names an existing file"));
  std::sort(out.units.begin(), out.units.end(), [](const CompileUnit& a, const CompileUnit& b) { return a.file < b.file; });
  return out;
}

}  // namespace mcp_lint
