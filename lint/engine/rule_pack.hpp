#pragma once
// Rule packs: data loaded from rules/*.yaml (see rules/README.md for the format).
// The engine knows nothing of any particular rule; it only knows matcher kinds.
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/finding.hpp"

namespace mcp_lint {

// What the cross-unit inference knows of a feature beyond its rules' hits: the
// schema's names for its types and fields, and the words projects name its
// code with (a feature's `inference` in features.yaml; rules/README.md,
// "Inference vocabulary"). Data, like the rules: the engine knows no feature.
struct FeatureVocabulary {
  std::string feature;                    // the feature's id
  std::vector<std::string> strong_types;  // `schema_types`: schema type names specific enough on their own
  std::vector<std::string> weak_types;    // schema names that need a tie to the feature ("Root")
  std::vector<std::string> words;         // identifier words (lower-case, adjacent words joined) hinting at it
  // JSON field names of the feature's messages and their enumerated wire
  // values ("endTurn"), exact spelling: in a function converting them to
  // another protocol's (an LLM provider's), these keys are the feature's.
  std::vector<std::string> fields;
  // A scale of names (the MCP log levels): an enum or a string table naming
  // most of them is the feature's once tied to it. Empty: none.
  std::vector<std::string> levels;
};

// A feature rules belong to, from the rules directory's features.yaml (the
// one place features are defined; format in rules/README.md, "Features").
struct Feature {
  std::string id;           // e.g. "sampling"
  std::string title;        // shown in reports: "Sampling"
  std::string deadline;     // status and earliest removal, shown in --report and SARIF help
  std::string link;         // the specification page, http(s)
  std::string rule_prefix;  // every rule id of this feature begins with it ("<id>-" unless set)
  std::optional<FeatureVocabulary> inference;  // absent: only the rules' hits are reported
};

// The features in display order (the order of features.yaml).
struct FeatureCatalog {
  std::vector<Feature> features;
  // Words that mark a capabilities object in an identifier ("capabilit" in
  // `ServerCapabilitiesBuilder`): a function named for a feature there is an
  // accessor of its capability (features.yaml `capability_words`).
  std::vector<std::string> capability_words;
  const Feature* find(const std::string& id) const;
  // Position in display order; unknown features sort last.
  std::size_t rank(const std::string& id) const;
  // The prefix every rule id of the feature begins with ("<id>-" when unknown).
  std::string rule_prefix(const std::string& id) const;
};

struct MatchClause {
  std::string kind;                 // a row of matcher_kinds() (engine/matchers/matcher.hpp)
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
  // What a hit is evidence of, for the cross-unit inference (optional):
  // "method" (a method or notification name: its function sends or handles the
  // feature), "field" (a field of the feature's messages: its function builds
  // or reads them), "capability" (a capability key: says nothing of the
  // function holding it). Empty: a hit seeds only its own line.
  std::string anchor;
  std::vector<MatchClause> clauses;
};

struct Pack {
  std::string id;
  std::string description;
  std::string file;
};

struct RuleSet {
  FeatureCatalog features;
  std::vector<Pack> packs;
  std::vector<Rule> rules;  // ordered by pack file name, then file order
  const Rule* find(const std::string& full_id) const;
};

// Thrown for any unreadable, malformed or invalid pack; what() names the file,
// the line and the rule.
struct RulePackError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The name of the feature catalog in a rules directory; it is not a pack.
inline constexpr const char* kFeatureFile = "features.yaml";

// Loads a feature catalog (validated); throws RulePackError listing every
// problem with file:line.
FeatureCatalog load_feature_file(const std::string& path);
// Loads one pack file, validated against `features`.
std::vector<Rule> load_pack_file(const std::string& path, const FeatureCatalog& features, Pack& pack_out);
// Loads `dir`: its features.yaml (or, when it has none, the one of the
// project's rules/ directory, MCP_LINT_SOURCE_RULES_DIR) and every other
// *.yaml / *.yml as a pack (sorted by name); throws RulePackError listing
// every problem found (not only the first).
RuleSet load_rule_dir(const std::string& dir);

}  // namespace mcp_lint
