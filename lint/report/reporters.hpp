#pragma once
// Output formats of mcp-lint. Each writer is a pure function of the lint
// result (and the rule set for formats that describe rules).
#include <cstddef>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/rule_pack.hpp"
#include "frontend/lint_run.hpp"

namespace mcp_lint {

struct RunSummary {
  std::size_t baseline_matched = 0;  // findings hidden because the baseline knows them
};

// clang diagnostic style: file:line:col: warning: message [rule], the line, a caret.
void write_text(std::ostream& os, const LintResult& result, bool color);

// {"tool":..., "summary":..., "findings":[...]} (findings as in finding_to_json).
nlohmann::json make_json_report(const LintResult& result, const RunSummary& summary);

// SARIF 2.1.0, one run; `base_dir` (absolute) is the %SRCROOT% of relative paths.
nlohmann::json make_sarif(const LintResult& result, const RuleSet& rules, const std::string& base_dir);

// The migration plan: grouped by feature then file, with counts, advice per site and deadlines.
void write_plan_markdown(std::ostream& os, const LintResult& result, const RuleSet& rules);
void write_plan_html(std::ostream& os, const LintResult& result, const RuleSet& rules);

// A feature's title, deadline text and display order, from the rule set's
// feature catalog (rules/features.yaml); an unknown feature shows its id, a
// pointer to the rule's link, and sorts last.
std::string feature_title(const RuleSet& rules, const std::string& feature);
std::string feature_deadline(const RuleSet& rules, const std::string& feature);
std::size_t feature_rank(const RuleSet& rules, const std::string& feature);

std::string tool_version();

}  // namespace mcp_lint
