#include "frontend/variant_defines.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <set>

#include "engine/inference/vocabulary.hpp"

namespace mcp_lint {

namespace {

// Platform switches without a reserved name: defining them pulls in another
// platform's headers.
constexpr std::array<std::string_view, 9> kPlatformMacros = {"WIN32", "WIN64", "WINDOWS", "UNICODE", "ANDROID",
                                                             "APPLE", "linux", "unix", "MSVC"};

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool definable(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  if (name[0] == '_' && name.size() > 1 && (name[1] == '_' || std::isupper(static_cast<unsigned char>(name[1]))))
    return false;  // reserved for the implementation (_WIN32, __APPLE__, _MSC_VER)
  for (auto p : kPlatformMacros)
    if (name == p) return false;
  return true;
}

struct Directive {
  std::string_view name;  // "ifdef", "else", ... ("" when the line is not a directive)
  std::string_view rest;  // what follows the name, comments not removed
};

Directive directive_of(std::string_view line) {
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  };
  skip_space();
  if (i >= line.size() || line[i] != '#') return {};
  ++i;
  skip_space();
  const std::size_t start = i;
  while (i < line.size() && std::isalpha(static_cast<unsigned char>(line[i]))) ++i;
  return {line.substr(start, i - start), line.substr(i)};
}

std::vector<std::string_view> split_lines(std::string_view source) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= source.size()) {
    const std::size_t end = source.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(source.substr(start));
      break;
    }
    lines.push_back(source.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The identifiers a condition needs defined: `X`, `defined(X)`, `defined X`,
// joined by && or ||, without negation. A condition with anything else (a
// comparison, `!`, a function-like macro) enables nothing: defining a name
// to 1 would not make it true with certainty.
std::vector<std::string> positive_identifiers(std::string_view cond) {
  if (auto comment = cond.find("//"); comment != std::string_view::npos) cond = cond.substr(0, comment);
  if (auto comment = cond.find("/*"); comment != std::string_view::npos) cond = cond.substr(0, comment);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < cond.size();) {
    const char c = cond[i];
    if (c == ' ' || c == '\t' || c == '(' || c == ')' || c == '\r') {
      ++i;
    } else if ((c == '&' || c == '|') && i + 1 < cond.size() && cond[i + 1] == c) {
      i += 2;
    } else if (is_ident_char(c)) {
      std::size_t j = i;
      while (j < cond.size() && is_ident_char(cond[j])) ++j;
      std::string_view word = cond.substr(i, j - i);
      if (word != "defined") {
        if (!definable(word)) return {};
        out.emplace_back(word);
      }
      i = j;
    } else {
      return {};
    }
  }
  return out;
}

// `!defined(X)`, `!X`, `! defined X`: the X whose absence the condition tests, or nullopt.
std::optional<std::string> negated_identifier(std::string_view cond) {
  std::size_t i = cond.find_first_not_of(" \t");
  if (i == std::string_view::npos || cond[i] != '!') return std::nullopt;
  auto ids = positive_identifiers(cond.substr(i + 1));
  if (ids.size() != 1) return std::nullopt;
  return ids.front();
}

std::vector<std::string> single(std::string_view rest) {
  auto ids = positive_identifiers(rest);
  if (ids.size() != 1) return {};
  return ids;
}

}  // namespace

bool names_a_feature(std::string_view text, const FeatureCatalog& catalog) {
  std::set<std::string> quoted;  // "word" literals of the branch
  for (std::size_t i = 0; i < text.size();) {
    if (!is_ident_char(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && is_ident_char(text[j])) ++j;
    const std::string word(text.substr(i, j - i));
    for (const auto& feature : catalog.features)
      if (feature.inference && inference::has_hint_word(word, *feature.inference)) return true;
    if (i > 0 && text[i - 1] == '"' && j < text.size() && text[j] == '"') quoted.insert(word);
    i = j;
  }
  for (const auto& feature : catalog.features) {
    if (!feature.inference) continue;
    std::size_t fields = 0;
    for (const auto& field : feature.inference->fields) fields += quoted.count(field);
    if (fields >= kFeatureFieldsInBranch) return true;
  }
  return false;
}

std::string_view line_span(std::string_view source, LineRange range) {
  unsigned line = 1;
  std::size_t begin = std::string_view::npos;
  for (std::size_t i = 0; i <= source.size(); ++i) {
    if (line == range.first && begin == std::string_view::npos) begin = i;
    if (i == source.size()) break;
    if (source[i] == '\n') {
      if (line == range.second) return source.substr(begin, i - begin);
      ++line;
    }
  }
  return begin == std::string_view::npos ? std::string_view{} : source.substr(begin);
}

namespace {

// enabling_macros() over the lines of a source split once.
std::vector<std::string> enabling_macros_in(const std::vector<std::string_view>& lines, unsigned line) {
  if (line == 0 || line > lines.size()) return {};
  // The opening directive of each conditional enclosing the lines read so far.
  std::vector<Directive> open;
  for (unsigned n = 1; n < line; ++n) {
    const Directive d = directive_of(lines[n - 1]);
    if (d.name == "if" || d.name == "ifdef" || d.name == "ifndef")
      open.push_back(d);
    else if (d.name == "endif" && !open.empty())
      open.pop_back();
  }
  const Directive d = directive_of(lines[line - 1]);
  if (d.name == "ifdef") return single(d.rest);
  if (d.name == "if" || d.name == "elif") return positive_identifiers(d.rest);
  if (d.name == "else" && !open.empty()) {
    const Directive& opening = open.back();
    if (opening.name == "ifndef") return single(opening.rest);
    if (opening.name == "if")
      if (auto id = negated_identifier(opening.rest)) return {*id};
  }
  return {};
}

}  // namespace

std::vector<std::string> enabling_macros(std::string_view source, unsigned line) {
  return enabling_macros_in(split_lines(source), line);
}

std::vector<std::string> variant_defines(std::string_view source, const std::vector<LineRange>& skipped,
                                         const std::function<bool(std::string_view)>& names_feature) {
  const auto lines = split_lines(source);
  std::vector<std::string> out;
  for (const auto& range : skipped) {
    if (range.first == 0 || range.first > range.second || range.second > lines.size()) continue;
    const char* begin = lines[range.first - 1].data();
    const char* end = lines[range.second - 1].data() + lines[range.second - 1].size();
    if (!names_feature(std::string_view(begin, static_cast<std::size_t>(end - begin)))) continue;
    for (auto& m : enabling_macros_in(lines, range.first)) out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > kMaxVariantDefines) out.clear();
  return out;
}

}  // namespace mcp_lint
