#include "engine/index/facts.hpp"

#include <algorithm>

namespace mcp_lint::index {

std::uint32_t ProjectIndex::intern(const std::string& path) {
  auto [it, added] = file_ids_.emplace(path, static_cast<std::uint32_t>(files_.size()));
  if (added) files_.push_back(path);
  return it->second;
}

void ProjectIndex::merge(const UnitFacts& unit) {
  std::vector<std::uint32_t> remap;
  remap.reserve(unit.files.size());
  for (const auto& f : unit.files) remap.push_back(intern(f));
  auto loc = [&](Loc l) {
    l.file = remap[l.file];
    return l;
  };
  for (const auto& f : unit.functions) {
    auto [it, added] = functions.try_emplace(f.usr, f);
    FunctionFact& g = it->second;
    if (added) g.decls.clear();
    for (Loc l : f.decls) g.decls.insert(loc(l));
    if (f.has_body && !g.has_body) {
      g.has_body = true;
      g.body_begin = loc(f.body_begin);
      g.body_end = f.body_end;
    } else if (added && f.has_body) {
      g.body_begin = loc(f.body_begin);
    }
    g.overrides.insert(f.overrides.begin(), f.overrides.end());
    g.type_usrs.insert(f.type_usrs.begin(), f.type_usrs.end());
    if (g.parent_usr.empty()) g.parent_usr = f.parent_usr;
    g.is_lambda = g.is_lambda || f.is_lambda;
    if (added && f.registered_at.line) g.registered_at = loc(f.registered_at);
  }
  for (const auto& t : unit.types) {
    auto [it, added] = types.try_emplace(t.usr, t);
    if (added) it->second.decls.clear();
    for (Loc l : t.decls) it->second.decls.insert(loc(l));
    it->second.enumerators.insert(t.enumerators.begin(), t.enumerators.end());
    it->second.enumerator_usrs.insert(t.enumerator_usrs.begin(), t.enumerator_usrs.end());
    it->second.aliased.insert(t.aliased.begin(), t.aliased.end());
    it->second.bases.insert(t.bases.begin(), t.bases.end());
    if (added) it->second.enumerator_decls.clear();
    for (Loc l : t.enumerator_decls) it->second.enumerator_decls.insert(loc(l));
  }
  for (const auto& v : unit.vars) {
    auto [it, added] = vars.try_emplace(v.usr, v);
    if (added) it->second.decls.clear();
    for (Loc l : v.decls) it->second.decls.insert(loc(l));
    it->second.type_usrs.insert(v.type_usrs.begin(), v.type_usrs.end());
    it->second.string_values.insert(v.string_values.begin(), v.string_values.end());
    it->second.last_line = std::max(it->second.last_line, v.last_line);
  }
  // Facts that are one located event each: remap the file, keep them all.
  auto add_located = [&](auto& into, const auto& from) {
    for (auto fact : from) {
      fact.at = loc(fact.at);
      into.insert(std::move(fact));
    }
  };
  add_located(calls, unit.calls);
  add_located(refs, unit.refs);
  add_located(method_literals, unit.method_literals);
  add_located(key_literals, unit.key_literals);
  add_located(thrown_texts, unit.thrown_texts);
  for (const auto& m : unit.macros) {
    auto& g = macros[m.name];
    g.name = m.name;
    g.identifiers.insert(m.identifiers.begin(), m.identifiers.end());
    for (Loc l : m.definitions) g.definitions.insert(loc(l));
  }
  for (const auto& [name, at] : unit.macro_expansions) macro_expansions.emplace(name, loc(at));
  for (const auto& n : unit.namespaces) {
    auto& g = namespaces[n.usr];
    g.usr = n.usr;
    if (g.qualified.empty()) g.qualified = n.qualified;
    for (const auto& b : n.blocks) g.blocks.insert(NamespaceBlock{loc(b.at), b.last_line});
    for (Loc l : n.aliases) g.aliases.insert(loc(l));
  }
  for (const auto& i : unit.includes) includes.insert(IncludeFact{loc(i.at), loc(i.header)});
}

UnitFacts ProjectIndex::as_unit() const {
  UnitFacts u;
  u.files = files_;
  for (const auto& [usr, f] : functions) u.functions.push_back(f);
  for (const auto& [usr, t] : types) u.types.push_back(t);
  for (const auto& [usr, v] : vars) u.vars.push_back(v);
  u.calls.assign(calls.begin(), calls.end());
  u.refs.assign(refs.begin(), refs.end());
  u.method_literals.assign(method_literals.begin(), method_literals.end());
  u.key_literals.assign(key_literals.begin(), key_literals.end());
  u.thrown_texts.assign(thrown_texts.begin(), thrown_texts.end());
  for (const auto& [name, m] : macros) u.macros.push_back(m);
  u.macro_expansions.assign(macro_expansions.begin(), macro_expansions.end());
  for (const auto& [usr, n] : namespaces) u.namespaces.push_back(n);
  u.includes.assign(includes.begin(), includes.end());
  return u;
}

}  // namespace mcp_lint::index
