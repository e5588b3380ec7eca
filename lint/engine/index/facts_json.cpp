#include "engine/index/facts_json.hpp"

#include <stdexcept>
#include <string>

namespace mcp_lint::index {

using nlohmann::json;

// nlohmann finds these by ADL, so vectors and sets of facts convert by themselves.
// A Loc is a compact array: it is the most frequent value of a cached entry.
void to_json(json& j, const Loc& l) { j = json::array({l.file, l.line, l.column}); }
void from_json(const json& j, Loc& l) {
  if (!j.is_array() || j.size() != 3) throw json::type_error::create(302, "a position is [file, line, column]", &j);
  j.at(0).get_to(l.file);
  j.at(1).get_to(l.line);
  j.at(2).get_to(l.column);
}

// Every fact struct is (de)serialised field by field under its own member
// names; from_json throws on a missing field (a damaged cache entry).
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FunctionFact, usr, name, qualified, parent_usr, arity, decls, has_body, body_begin, body_end, overrides, type_usrs, is_lambda, registered_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CallFact, caller, callee, name, arity, returned, initializes, at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TypeFact, usr, name, qualified, parent_name, is_enum, decls, enumerators, enumerator_usrs, aliased, enumerator_decls, bases)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(VarFact, usr, name, owner, is_field, is_param, type_usrs, decls, string_values, last_line)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RefFact, target, in_function, at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MethodLiteralFact, in_function, value, at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(KeyLiteralFact, in_function, at, value)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ThrownTextFact, in_function, at, words)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MacroFact, name, identifiers, definitions)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(NamespaceBlock, at, last_line)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(NamespaceFact, usr, qualified, blocks, aliases)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(IncludeFact, at, header)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(UnitFacts, files, functions, calls, types, vars, refs, method_literals, key_literals,
                                   thrown_texts, macros, macro_expansions, namespaces, includes)

json facts_to_json(const UnitFacts& u) { return u; }

namespace {

// A position must name one of the unit's files: ProjectIndex::merge indexes
// `files` with it, so a damaged entry must fail here, not there.
void check_files(const UnitFacts& u) {
  const auto n = u.files.size();
  auto check = [n](const Loc& l) {
    if (l.file >= n) throw std::out_of_range("cached facts: position names file #" + std::to_string(l.file));
  };
  for (const auto& f : u.functions) {
    for (const auto& l : f.decls) check(l);
    if (f.has_body) check(f.body_begin);
    if (f.registered_at.line) check(f.registered_at);
  }
  for (const auto& c : u.calls) check(c.at);
  for (const auto& t : u.types) {
    for (const auto& l : t.decls) check(l);
    for (const auto& l : t.enumerator_decls) check(l);
  }
  for (const auto& v : u.vars)
    for (const auto& l : v.decls) check(l);
  for (const auto& r : u.refs) check(r.at);
  for (const auto& m : u.method_literals) check(m.at);
  for (const auto& k : u.key_literals) check(k.at);
  for (const auto& p : u.thrown_texts) check(p.at);
  for (const auto& m : u.macros)
    for (const auto& l : m.definitions) check(l);
  for (const auto& e : u.macro_expansions) check(e.second);
  for (const auto& n : u.namespaces) {
    for (const auto& b : n.blocks) check(b.at);
    for (const auto& l : n.aliases) check(l);
  }
  for (const auto& i : u.includes) {
    check(i.at);
    check(i.header);
  }
}

}  // namespace

UnitFacts facts_from_json(const json& j) {
  auto u = j.get<UnitFacts>();
  check_files(u);
  return u;
}

}  // namespace mcp_lint::index
