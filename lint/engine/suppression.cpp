#include "engine/suppression.hpp"

#include <fstream>

namespace mcp_lint {

const std::vector<std::string>& SourceCache::lines(const std::string& abs_path) {
  auto it = files_.find(abs_path);
  if (it != files_.end()) return it->second;
  std::vector<std::string> out;
  std::ifstream in(abs_path, std::ios::binary);
  std::string l;
  while (std::getline(in, l)) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    out.push_back(std::move(l));
  }
  return files_.emplace(abs_path, std::move(out)).first->second;
}

std::string SourceCache::line(const std::string& abs_path, unsigned line_no) {
  const auto& ls = lines(abs_path);
  return line_no >= 1 && line_no <= ls.size() ? ls[line_no - 1] : std::string{};
}

namespace {
std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}
}  // namespace

bool line_suppresses(const std::string& text, const std::string& rule_id, const std::string& feature) {
  static const std::string marker = "mcp-lint: ignore";
  for (std::size_t pos = text.find(marker); pos != std::string::npos; pos = text.find(marker, pos + 1)) {
    const std::size_t comment = std::min(text.find("//"), text.find("/*"));
    if (comment == std::string::npos || comment > pos) continue;  // not inside a comment
    std::size_t after = pos + marker.size();
    if (after >= text.size() || text[after] != '[') return true;  // bare: everything
    const std::size_t close = text.find(']', after);
    if (close == std::string::npos) continue;
    const std::string list = text.substr(after + 1, close - after - 1);
    const std::string pack = rule_id.substr(0, rule_id.find('/'));
    std::size_t start = 0;
    while (start <= list.size()) {
      std::size_t comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      const std::string item = trim(list.substr(start, comma - start));
      if (item == rule_id || item == feature || item == pack) return true;
      start = comma + 1;
    }
  }
  return false;
}

bool is_suppressed(SourceCache& sources, const Finding& f) {
  if (line_suppresses(sources.line(f.abs_file, f.line), f.rule, f.feature)) return true;
  if (f.line <= 1) return false;
  // The line before counts only when it is a comment of its own: a trailing
  // suppression on the previous statement is about that statement.
  const std::string before = sources.line(f.abs_file, f.line - 1);
  const auto first = before.find_first_not_of(" \t");
  if (first == std::string::npos || (before.compare(first, 2, "//") != 0 && before.compare(first, 2, "/*") != 0)) return false;
  return line_suppresses(before, f.rule, f.feature);
}

}  // namespace mcp_lint
