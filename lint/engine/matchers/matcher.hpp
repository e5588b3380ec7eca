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

// Builds one matcher per kind used by the rule set.
std::vector<std::unique_ptr<Matcher>> build_matchers(const RuleSet& rules);

// Index helpers for the factories.
BindingIndex index_by_values(const std::vector<Binding>& clauses);
BindingIndex index_by_names(const std::vector<Binding>& clauses);

}  // namespace mcp_lint
