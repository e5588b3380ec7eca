#include "frontend/include_probe.hpp"

#include <algorithm>
#include <filesystem>

#include "engine/cursor_util.hpp"

namespace fs = std::filesystem;

namespace mcp_lint {

std::vector<std::string> included_files(CXTranslationUnit tu) {
  std::vector<std::string> out;
  clang_getInclusions(
      tu,
      [](CXFile f, CXSourceLocation*, unsigned depth, CXClientData data) {
        if (depth == 0) return;  // the main file itself
        auto* v = static_cast<std::vector<std::string>*>(data);
        std::string real = take(clang_File_tryGetRealPathName(f));
        if (real.empty()) real = take(clang_getFileName(f));
        v->push_back(real);
      },
      &out);
  return out;
}

std::vector<std::string> include_dirs_of(const std::vector<std::string>& args) {
  static const std::vector<std::string> kFlags{"-I", "-iquote", "-isystem", "-idirafter", "--include-directory="};
  std::string cwd;
  std::vector<std::string> dirs;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-working-directory" && i + 1 < args.size()) cwd = args[i + 1];
    else if (a.rfind("-working-directory=", 0) == 0) cwd = a.substr(19);
    for (const auto& flag : kFlags) {
      if (a.rfind(flag, 0) != 0) continue;
      if (a.size() > flag.size()) dirs.push_back(a.substr(flag.size()));
      else if (i + 1 < args.size()) dirs.push_back(args[++i]);
      break;
    }
  }
  if (!cwd.empty())
    for (auto& d : dirs)
      if (fs::path(d).is_relative()) d = (fs::path(cwd) / d).lexically_normal().string();
  return dirs;
}

std::vector<std::string> missing_include_paths(CXTranslationUnit tu, const std::vector<std::string>& args) {
  static const std::string kSuffix = "' file not found";
  std::vector<std::string> out;
  std::vector<std::string> dirs;
  bool dirs_known = false;
  const unsigned n = clang_getNumDiagnostics(tu);
  for (unsigned i = 0; i < n; ++i) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    const std::string text = take(clang_getDiagnosticSpelling(d));
    CXFile includer = nullptr;
    clang_getSpellingLocation(clang_getDiagnosticLocation(d), &includer, nullptr, nullptr, nullptr);
    clang_disposeDiagnostic(d);
    if (text.size() <= kSuffix.size() + 1 || text[0] != '\'' || text.compare(text.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0)
      continue;
    const std::string name = text.substr(1, text.size() - kSuffix.size() - 1);
    if (fs::path(name).is_absolute()) {
      out.push_back(fs::path(name).lexically_normal().string());
      continue;
    }
    if (!dirs_known) {
      dirs = include_dirs_of(args);
      dirs_known = true;
    }
    if (includer) {
      std::string from = take(clang_File_tryGetRealPathName(includer));
      if (from.empty()) from = take(clang_getFileName(includer));
      if (!from.empty()) out.push_back((fs::path(from).parent_path() / name).lexically_normal().string());
    }
    for (const auto& dir : dirs) out.push_back((fs::path(dir) / name).lexically_normal().string());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace mcp_lint
