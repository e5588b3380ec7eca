// What reports say about a feature: its title, deadline and place, all from
// the rule set's feature catalog (rules/features.yaml, the one place features
// are defined).
#include "report/reporters.hpp"

namespace mcp_lint {

std::string tool_version() { return MCP_LINT_VERSION; }

std::string feature_title(const RuleSet& rules, const std::string& feature) {
  const Feature* f = rules.features.find(feature);
  return f ? f->title : feature;
}

std::string feature_deadline(const RuleSet& rules, const std::string& feature) {
  const Feature* f = rules.features.find(feature);
  return f ? f->deadline : "See the rule's link.";
}

std::size_t feature_rank(const RuleSet& rules, const std::string& feature) { return rules.features.rank(feature); }

}  // namespace mcp_lint
