#pragma once
// Rule packs: data loaded from rules/*.yaml (see rules/README.md for the format).
// The engine knows nothing of any particular rule; it only knows matcher kinds.
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/finding.hpp"

namespace mcp_lint {

// The matcher kinds a `match:` clause may name.
inline const std::vector<std::string>& matcher_kinds() {
  static const std::vector<std::string> kinds{"string-literal", "json-key", "int-literal", "call", "type", "enumerator", "override"};
  return kinds;
}
// The features a rule may belong to: the three deprecated by 2026-07-28
// (SEP-2577), what 2026-07-28 removed, and the HTTP+SSE transport, deprecated
// on its own schedule (SEP-2596). `includeContext` belongs to sampling: its
// removal follows Sampling's (deprecated.mdx).
inline const std::vector<std::string>& known_features() {
  static const std::vector<std::string> features{"roots", "sampling", "logging", "removed-2026", "http-sse-transport"};
  return features;
}
// Every rule id begins with "<prefix>-" naming its feature, so that a bare
// SARIF ruleId or a suppression tells the reader which feature is concerned.
inline std::string rule_id_prefix(const std::string& feature) {
  if (feature == "removed-2026") return "removed-";
  return feature + "-";
}

struct MatchClause {
  std::string kind;                 // one of matcher_kinds()
  std::vector<std::string> values;  // string-literal, json-key; int-literal (decimal text)
  std::vector<std::string> names;   // call, type, enumerator, override (fully qualified)
  std::vector<std::string> within;  // optional: context words (lower-cased), any of them
};

struct Rule {
  std::string pack;
  std::string id;
  std::string full_id;  // "<pack>/<id>"
  std::string feature;
  Severity severity = Severity::warning;
  std::string message;
  std::string advice;
  std::string link;
  std::string deadline;  // optional override of the feature's deadline text in reports
  std::vector<MatchClause> clauses;
};

struct Pack {
  std::string id;
  std::string description;
  std::string file;
};

struct RuleSet {
  std::vector<Pack> packs;
  std::vector<Rule> rules;  // ordered by pack file name, then file order
  const Rule* find(const std::string& full_id) const;
};

// Thrown for any unreadable, malformed or invalid pack; what() names the file,
// the line and the rule.
struct RulePackError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Loads one pack file (validated). `file_label` is used in error messages.
std::vector<Rule> load_pack_file(const std::string& path, Pack& pack_out);
// Loads every *.yaml / *.yml in `dir` (sorted by name); throws RulePackError
// listing every problem found (not only the first).
RuleSet load_rule_dir(const std::string& dir);

}  // namespace mcp_lint
