#include "frontend/compile_units.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <clang-c/CXCompilationDatabase.h>
#include <nlohmann/json.hpp>

#include "frontend/source_scan.hpp"

namespace fs = std::filesystem;

namespace mcp_lint {

namespace {
std::string take(CXString s) {
  const char* c = clang_getCString(s);
  std::string out = c ? c : "";
  clang_disposeString(s);
  return out;
}

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
                                                    const std::string& directory) {
  static const std::set<std::string> drop_with_value{"-o", "-MF", "-MT", "-MQ", "--serialize-diagnostics"};
  static const std::set<std::string> drop{"-c", "-MD", "-MMD", "-M", "-MM", "-MP", "-fcolor-diagnostics",
                                          "-fdiagnostics-color", "--"};
  std::vector<std::string> out;
  const std::string abs_file = fs::path(file).is_absolute() ? file : (fs::path(directory) / file).lexically_normal().string();
  for (std::size_t i = 1; i < command.size(); ++i) {  // [0] is the compiler
    const std::string& a = command[i];
    if (drop_with_value.count(a)) {
      ++i;
      continue;
    }
    if (drop.count(a) || a.rfind("-fdiagnostics-color=", 0) == 0) continue;
    if (a == file || a == abs_file) continue;  // the main file is passed separately
    if (!a.empty() && a[0] != '-' && is_source_file(a) &&
        (fs::path(directory) / a).lexically_normal().string() == abs_file)
      continue;
    out.push_back(a);
  }
  // Relative -I and friends are relative to the entry's directory.
  out.insert(out.begin(), {"-working-directory", directory});
  add_common_args(out);
  return out;
}

std::vector<CompileUnit> load_compile_database(const std::string& build_dir) {
  std::string dir = build_dir;
  std::error_code ec;
  if (fs::is_regular_file(dir, ec)) dir = fs::path(dir).parent_path().string();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec)) throw InputError(build_dir + ": compile database directory not found");
  const fs::path json_path = fs::path(dir) / "compile_commands.json";
  if (!fs::exists(json_path, ec)) throw InputError(json_path.string() + ": no compile_commands.json (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)");
  {
    // libclang only says "cannot load"; check the JSON ourselves for a useful message.
    std::ifstream in(json_path);
    if (!in) throw InputError(json_path.string() + ": cannot read compile database");
    try {
      auto j = nlohmann::json::parse(in);
      if (!j.is_array()) throw InputError(json_path.string() + ": compile database must be a JSON array");
    } catch (const nlohmann::json::exception& e) {
      throw InputError(json_path.string() + ": broken compile database: " + e.what());
    }
  }
  CXCompilationDatabase_Error err = CXCompilationDatabase_NoError;
  CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(dir.c_str(), &err);
  if (err != CXCompilationDatabase_NoError || !db)
    throw InputError(json_path.string() + ": libclang cannot load the compile database");
  std::vector<CompileUnit> units;
  CXCompileCommands cmds = clang_CompilationDatabase_getAllCompileCommands(db);
  const unsigned n = clang_CompileCommands_getSize(cmds);
  std::set<std::string> seen;
  for (unsigned i = 0; i < n; ++i) {
    CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
    const std::string directory = take(clang_CompileCommand_getDirectory(cmd));
    const std::string file = take(clang_CompileCommand_getFilename(cmd));
    std::vector<std::string> command;
    const unsigned argc = clang_CompileCommand_getNumArgs(cmd);
    for (unsigned a = 0; a < argc; ++a) command.push_back(take(clang_CompileCommand_getArg(cmd, a)));
    CompileUnit u;
    u.file = normalize_path(fs::path(file).is_absolute() ? file : (fs::path(directory) / file).string());
    if (!seen.insert(u.file).second) continue;  // same file built twice: lint once
    u.args = database_args_for_libclang(command, file, directory);
    u.from_database = true;
    units.push_back(std::move(u));
  }
  clang_CompileCommands_dispose(cmds);
  clang_CompilationDatabase_dispose(db);
  if (units.empty()) throw InputError(json_path.string() + ": compile database has no entries");
  std::sort(units.begin(), units.end(), [](const CompileUnit& a, const CompileUnit& b) { return a.file < b.file; });
  return units;
}

}  // namespace mcp_lint
