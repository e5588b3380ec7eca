#include "frontend/source_scan.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

namespace fs = std::filesystem;

namespace mcp_lint {

namespace {
std::string ext_of(const std::string& path) {
  std::string e = fs::path(path).extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e;
}

bool skipped_directory(const fs::path& dir) {
  const std::string name = dir.filename().string();
  if (name.empty()) return false;
  if (name[0] == '.' && name != "." && name != "..") return true;
  return name == "build" || name.rfind("build-", 0) == 0 || name.rfind("cmake-build-", 0) == 0 || name == "_deps" ||
         name == "CMakeFiles" || name == "node_modules";
}

// The real path of the file a symbolic link met in the walk leads to, when it
// is to be linted: a regular file under one of the PATHs.
std::optional<std::string> linked_file(const fs::path& link, const std::vector<std::string>& roots,
                                       std::vector<std::string>& warnings) {
  const std::string name = link.string();
  const bool wanted = is_source_file(name) || is_header_file(name);
  std::error_code ec;
  const fs::file_status st = fs::status(link, ec);
  if (ec || !fs::exists(st)) {
    if (wanted)
      warnings.push_back(name + ": " +
                         (ec == std::errc::too_many_symbolic_link_levels ? "symbolic link loop"
                                                                          : "dangling symbolic link (its target does not exist)") +
                         ", skipped");
    return std::nullopt;
  }
  if (!wanted || !fs::is_regular_file(st)) return std::nullopt;  // links to directories are not followed
  const std::string target = fs::canonical(link, ec).string();
  if (ec) return std::nullopt;
  for (const auto& r : roots)
    if (path_under(target, r)) return target;
  return std::nullopt;
}

void check_readable(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file + ": cannot read file");
}
}  // namespace

bool is_source_file(const std::string& path) {
  static const std::set<std::string> exts{".cpp", ".cc", ".cxx", ".c++", ".cp", ".c"};
  return exts.count(ext_of(path)) > 0;
}

bool is_header_file(const std::string& path) {
  static const std::set<std::string> exts{".h", ".hh", ".hpp", ".hxx", ".h++", ".ipp", ".inl", ".tpp"};
  return exts.count(ext_of(path)) > 0;
}

std::string normalize_path(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) return path;
  fs::path canon = fs::weakly_canonical(abs, ec);
  return (ec ? abs.lexically_normal() : canon).string();
}

bool path_under(const std::string& path, const std::string& root) {
  if (path.size() < root.size() || path.compare(0, root.size(), root) != 0) return false;
  return path.size() == root.size() || path[root.size()] == '/' || (!root.empty() && root.back() == '/');
}

SourceTree scan_paths(const std::vector<std::string>& paths) {
  SourceTree tree;
  std::set<std::string> sources, headers, dirs;
  std::vector<std::string> all_roots;  // a link may lead into a PATH walked later
  for (const auto& p : paths) all_roots.push_back(normalize_path(p));
  for (const auto& p : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) throw InputError(p + ": " + ec.message());
    if (!fs::exists(st)) {
      if (fs::is_symlink(fs::symlink_status(p, ec))) throw InputError(p + ": dangling symbolic link (its target does not exist)");
      throw InputError(p + ": no such file or directory");
    }
    const std::string root = normalize_path(p);
    tree.roots.push_back(root);
    if (fs::is_regular_file(st)) {
      check_readable(root);
      if (is_header_file(root)) {
        headers.insert(root);
      } else {
        sources.insert(root);  // an explicit file is linted whatever its extension
      }
      dirs.insert(fs::path(root).parent_path().string());
      continue;
    }
    if (!fs::is_directory(st)) throw InputError(p + ": not a regular file or directory");
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) throw InputError(p + ": cannot read directory: " + ec.message());
    dirs.insert(root);
    for (; it != end; it.increment(ec)) {
      if (ec) throw InputError(p + ": cannot read directory: " + ec.message());
      if (it->is_symlink(ec)) {
        auto target = linked_file(it->path(), all_roots, tree.warnings);
        if (!target) continue;
        if (is_source_file(it->path().string())) sources.insert(*target);
        else if (is_header_file(it->path().string())) headers.insert(*target);
        continue;
      }
      if (it->is_directory(ec)) {
        if (skipped_directory(it->path())) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec)) continue;
      const std::string file = it->path().lexically_normal().string();
      if (is_source_file(file)) {
        sources.insert(file);
      } else if (is_header_file(file)) {
        headers.insert(file);
        // The header's directory and its ancestors up to the PATH: both
        // #include "x.h" and #include "lib/x.h" then resolve.
        for (fs::path d = it->path().parent_path(); path_under(d.string(), root); d = d.parent_path()) {
          dirs.insert(d.lexically_normal().string());
          if (d.string() == root) break;
        }
      }
    }
  }
  tree.sources.assign(sources.begin(), sources.end());
  tree.headers.assign(headers.begin(), headers.end());
  tree.include_dirs.assign(dirs.begin(), dirs.end());
  return tree;
}

}  // namespace mcp_lint
