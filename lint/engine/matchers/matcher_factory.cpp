#include <cstdlib>
#include <map>
#include <string>

#include "engine/matchers/matcher.hpp"

namespace mcp_lint {

void emit_bindings(const BindingIndex& index, const std::string& key, CXCursor c, CXSourceLocation loc, WalkContext& ctx) {
  auto it = index.find(key);
  if (it == index.end()) return;
  for (const Binding& b : it->second) {
    if (!b.clause->within.empty()) {
      const std::string& text = ctx.context_text(c);
      bool any = false;
      for (const auto& word : b.clause->within) any = any || text.find(word) != std::string::npos;
      if (!any) continue;
    }
    ctx.emit(*b.rule, loc);
  }
}

BindingIndex index_by_values(const std::vector<Binding>& clauses) {
  BindingIndex index;
  for (const auto& b : clauses)
    for (const auto& v : b.clause->values) index[v].push_back(b);
  return index;
}

BindingIndex index_by_names(const std::vector<Binding>& clauses) {
  BindingIndex index;
  for (const auto& b : clauses)
    for (const auto& n : b.clause->names) index[n].push_back(b);
  return index;
}

namespace {

// int-literal values are integers in any C++ base; 0x7d02 and 32002 are the same key.
std::string normalize_integer(std::string& value) {
  char* end = nullptr;
  const long long n = std::strtoll(value.c_str(), &end, 0);
  if (value.empty() || *end) return "int-literal value '" + value + "' is not an integer";
  value = std::to_string(n);
  return {};
}

}  // namespace

const std::vector<MatcherKind>& matcher_kinds() {
  static const std::vector<MatcherKind> kinds{
      {"string-literal", ClauseList::values, make_string_literal_matcher},
      {"json-key", ClauseList::values, make_json_key_matcher},
      {"int-literal", ClauseList::values, make_int_literal_matcher, normalize_integer},
      {"call", ClauseList::names, make_call_matcher},
      {"type", ClauseList::names, make_type_matcher},
      {"enumerator", ClauseList::names, make_enumerator_matcher},
      {"override", ClauseList::names, make_override_matcher},
  };
  return kinds;
}

const MatcherKind* find_matcher_kind(const std::string& kind) {
  for (const auto& k : matcher_kinds())
    if (kind == k.kind) return &k;
  return nullptr;
}

std::vector<std::unique_ptr<Matcher>> build_matchers(const RuleSet& rules) {
  std::map<std::string, std::vector<Binding>> by_kind;
  for (const auto& r : rules.rules)
    for (const auto& c : r.clauses) by_kind[c.kind].push_back(Binding{&r, &c});
  std::vector<std::unique_ptr<Matcher>> out;
  for (const auto& [kind, clauses] : by_kind)
    if (const MatcherKind* k = find_matcher_kind(kind)) out.push_back(k->make(clauses));  // validated when loaded
  return out;
}

}  // namespace mcp_lint
