#include <map>

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

std::vector<std::unique_ptr<Matcher>> build_matchers(const RuleSet& rules) {
  std::map<std::string, std::vector<Binding>> by_kind;
  for (const auto& r : rules.rules)
    for (const auto& c : r.clauses) by_kind[c.kind].push_back(Binding{&r, &c});
  std::vector<std::unique_ptr<Matcher>> out;
  for (const auto& [kind, clauses] : by_kind) {
    if (kind == "string-literal") out.push_back(make_string_literal_matcher(clauses));
    else if (kind == "json-key") out.push_back(make_json_key_matcher(clauses));
    else if (kind == "int-literal") out.push_back(make_int_literal_matcher(clauses));
    else if (kind == "call") out.push_back(make_call_matcher(clauses));
    else if (kind == "type") out.push_back(make_type_matcher(clauses));
    else if (kind == "enumerator") out.push_back(make_enumerator_matcher(clauses));
    else if (kind == "override") out.push_back(make_override_matcher(clauses));
  }
  return out;
}

}  // namespace mcp_lint
