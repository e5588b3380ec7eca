#include <map>

#include "report/reporters.hpp"

namespace mcp_lint {

nlohmann::json make_json_report(const LintResult& result, const RunSummary& summary) {
  nlohmann::json findings = nlohmann::json::array();
  std::map<std::string, std::size_t> by_feature;
  for (const auto& f : result.findings) {
    findings.push_back(finding_to_json(f));
    ++by_feature[f.feature];
  }
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : result.problems) problems.push_back({{"file", p.file}, {"message", p.message}, {"failed", p.failed}});
  return nlohmann::json{
      {"tool", {{"name", "mcp-lint"}, {"version", tool_version()}}},
      {"summary",
       {{"units", result.units},
        {"units_with_errors", result.units_with_errors},
        {"units_failed", result.units_failed},
        {"units_crashed", result.units_crashed},
        {"units_skipped", result.units_skipped},
        {"findings", result.findings.size()},
        {"suppressed", result.suppressed},
        {"baseline_matched", summary.baseline_matched},
        {"by_feature", by_feature}}},
      {"unit_problems", problems},
      {"warnings", result.warnings},
      {"findings", findings}};
}

}  // namespace mcp_lint
