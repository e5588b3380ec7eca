#pragma once
// One AST walk per translation unit: every cursor is visited once and handed to
// the matchers registered for its kind. System headers and files outside the
// lint scope are not descended into.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <clang-c/Index.h>

#include "engine/matchers/matcher.hpp"
#include "engine/rule_pack.hpp"

namespace mcp_lint {

// A rule matched at a position, before suppression/dedupe/snippets.
struct RawHit {
  const Rule* rule;
  std::string abs_file;
  unsigned line;
  unsigned column;
};

// Decides whether findings in (and the walk into) a file are wanted.
using ScopeFilter = std::function<bool(const std::string& abs_path)>;

class RuleEngine {
 public:
  explicit RuleEngine(const RuleSet& rules);
  // Thread-safe: matchers are immutable; each call has its own walk state.
  std::vector<RawHit> walk(CXTranslationUnit tu, const ScopeFilter& in_scope) const;
  const RuleSet& rules() const { return rules_; }

 private:
  const RuleSet& rules_;
  std::vector<std::unique_ptr<Matcher>> matchers_;
  std::vector<std::vector<const Matcher*>> by_kind_;  // indexed by CXCursorKind
};

}  // namespace mcp_lint
