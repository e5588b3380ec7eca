#pragma once
// A matcher kind: one small unit per `kind:` of a rule's match clause (like a
// clang-tidy check family). The walker visits each cursor once and hands it to
// the matchers that registered for its cursor kind.
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <clang-c/Index.h>

#include "engine/rule_pack.hpp"

namespace mcp_lint {

// What a matcher may ask of the walk in progress.
class WalkContext {
 public:
  virtual ~WalkContext() = default;
  virtual CXTranslationUnit tu() const = 0;
  // Ancestors of the cursor being visited, outermost first.
  virtual const std::vector<CXCursor>& ancestors() const = 0;
  // Lower-cased names around a cursor: the receiver expression's variables and
  // keys, enclosing JSON keys, variables, functions and classes. Used by `within`.
  virtual const std::string& context_text(CXCursor c) = 0;
  // Reports `rule` at `loc` (dropped when outside the lint scope or in a system header).
  virtual void emit(const Rule& rule, CXSourceLocation loc) = 0;
};

struct Binding {
  const Rule* rule;
  const MatchClause* clause;
};

// Bindings indexed by the value/name they look for.
using BindingIndex = std::unordered_map<std::string, std::vector<Binding>>;

class Matcher {
 public:
  virtual ~Matcher() = default;
  virtual std::vector<CXCursorKind> cursor_kinds() const = 0;
  virtual void visit(CXCursor c, WalkContext& ctx) const = 0;
};

// Emits every binding of `key` whose `within` (if any) is satisfied at `c`.
void emit_bindings(const BindingIndex& index, const std::string& key, CXCursor c, CXSourceLocation loc, WalkContext& ctx);

// One factory per kind; each takes the clauses of its kind.
std::unique_ptr<Matcher> make_string_literal_matcher(const std::vector<Binding>& clauses);
std::unique_ptr<Matcher> make_json_key_matcher(const std::vector<Binding>& clauses);
std::unique_ptr<Matcher> make_int_literal_matcher(const std::vector<Binding>& clauses);
std::unique_ptr<Matcher> make_call_matcher(const std::vector<Binding>& clauses);
std::unique_ptr<Matcher> make_type_matcher(const std::vector<Binding>& clauses);
std::unique_ptr<Matcher> make_enumerator_matcher(const std::vector<Binding>& clauses);
std::unique_ptr<Matcher> make_override_matcher(const std::vector<Binding>& clauses);

// The list a clause of a kind carries: `values` (literal text) or `names`
// (fully qualified names).
enum class ClauseList { values, names };

// One row per matcher kind a rule's `match:` clause may name: the one place
// kinds are defined (pack validation, its error messages and build_matchers
// all read it). A new kind is a file with its factory, a row in
// matcher_kinds() (matcher_factory.cpp) and a section in rules/README.md.
struct MatcherKind {
  const char* kind;  // the `kind:` text
  ClauseList list;
  std::unique_ptr<Matcher> (*make)(const std::vector<Binding>& clauses);
  // Optional: validates and normalises one entry of the list in place
  // (int-literal: "0x7d02" -> "32002"); returns the problem, empty when valid.
  std::string (*normalize)(std::string& entry) = nullptr;
};
const std::vector<MatcherKind>& matcher_kinds();
const MatcherKind* find_matcher_kind(const std::string& kind);

// Builds one matcher per kind used by the rule set.
std::vector<std::unique_ptr<Matcher>> build_matchers(const RuleSet& rules);

// Index helpers for the factories.
BindingIndex index_by_values(const std::vector<Binding>& clauses);
BindingIndex index_by_names(const std::vector<Binding>& clauses);

}  // namespace mcp_lint
