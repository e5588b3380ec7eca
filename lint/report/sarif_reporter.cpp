// SARIF 2.1.0 (OASIS): one run, driver rules with help and links, results
// with physical locations and partial fingerprints (GitHub code scanning
// uses them to track a result across commits).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "report/reporters.hpp"

namespace mcp_lint {

namespace {

std::string pascal_case(const std::string& id) {
  std::string out;
  bool up = true;
  for (unsigned char c : id) {
    if (!std::isalnum(c)) {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(c)) : static_cast<char>(c);
    up = false;
  }
  return out;
}

// RFC 3986 path encoding (keeps '/').
std::string uri_encode(const std::string& path) {
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

nlohmann::json artifact_for(const std::string& file) {
  if (!file.empty() && file[0] == '/') return {{"uri", "file://" + uri_encode(file)}};
  return {{"uri", uri_encode(file)}, {"uriBaseId", "SRCROOT"}};
}

const char* sarif_level(Severity s) { return severity_name(s); }  // note|warning|error are SARIF levels too

}  // namespace

nlohmann::json make_sarif(const LintResult& result, const RuleSet& rules, const std::string& base_dir) {
  nlohmann::json driver_rules = nlohmann::json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const auto& r : rules.rules) {
    rule_index[r.full_id] = driver_rules.size();
    // SARIF tags are a set: the feature and the pack may share a name (removed-2026).
    std::vector<std::string> tags{r.feature, "mcp", "mcp-2026-07-28"};
    if (std::find(tags.begin(), tags.end(), r.pack) == tags.end()) tags.push_back(r.pack);
    driver_rules.push_back({
        {"id", r.full_id},
        {"name", pascal_case(r.feature + "-" + r.id)},
        {"shortDescription", {{"text", r.message}}},
        {"fullDescription", {{"text", r.message + ". Feature: " + feature_title(rules, r.feature) + ". " + feature_deadline(rules, r.feature)}}},
        {"help",
         {{"text", r.advice + "\nSpecification: " + r.link},
          {"markdown", "**Migration (" + feature_title(rules, r.feature) + "):** " + r.advice + "\n\n" +
                           feature_deadline(rules, r.feature) + "\n\n[Specification](" + r.link + ")"}}},
        {"helpUri", r.link},
        {"defaultConfiguration", {{"level", sarif_level(r.severity)}}},
        {"properties", {{"tags", tags}, {"feature", r.feature}, {"precision", r.pack == "inferred" ? "medium" : "high"}}},
    });
  }
  nlohmann::json results = nlohmann::json::array();
  for (const auto& f : result.findings) {
    const nlohmann::json artifact = artifact_for(f.file);
    nlohmann::json res = {
        {"ruleId", f.rule},
        {"level", sarif_level(f.severity)},
        {"message", {{"text", f.message + " (" + feature_title(rules, f.feature) + "). " + f.advice}}},
        {"locations",
         {{{"physicalLocation",
            {{"artifactLocation", artifact},
             {"region", {{"startLine", f.line}, {"startColumn", f.column}, {"snippet", {{"text", f.snippet}}}}}}}}}},
        {"partialFingerprints", {{"mcpLint/v1", f.fingerprint}}},
        {"rank", static_cast<double>(f.confidence)},
        {"properties", {{"feature", f.feature}, {"confidence", f.confidence}, {"confidenceBand", confidence_band(f.confidence)}}},
    };
    if (!f.chain.empty()) {
      // The evidence: each step as a related location, and the whole chain as
      // one thread flow from this site down to the rule hit it rests on.
      auto location = [&](const ChainStep& s, std::size_t id) {
        nlohmann::json loc = {{"physicalLocation", {{"artifactLocation", artifact_for(s.file)}, {"region", {{"startLine", s.line}}}}},
                              {"message", {{"text", s.text}}}};
        if (id) loc["id"] = id;
        return loc;
      };
      nlohmann::json related = nlohmann::json::array();
      nlohmann::json flow = nlohmann::json::array();
      flow.push_back({{"location", {{"physicalLocation", res["locations"][0]["physicalLocation"]}, {"message", {{"text", f.message}}}}}});
      for (std::size_t i = 0; i < f.chain.size(); ++i) {
        related.push_back(location(f.chain[i], i + 1));
        flow.push_back({{"location", location(f.chain[i], 0)}});
      }
      res["relatedLocations"] = std::move(related);
      res["codeFlows"] = {{{"threadFlows", {{{"locations", std::move(flow)}}}}}};
    }
    if (auto it = rule_index.find(f.rule); it != rule_index.end()) res["ruleIndex"] = it->second;
    results.push_back(std::move(res));
  }
  std::string base = base_dir;
  if (base.empty() || base.back() != '/') base += '/';
  nlohmann::json notifications = nlohmann::json::array();
  for (const auto& p : result.problems)
    notifications.push_back(p.failed ? nlohmann::json{{"level", "error"}, {"message", {{"text", p.message}}}}
                                     : nlohmann::json{{"level", "note"},
                                                      {"message", {{"text", "analysed with error recovery: " + p.file + ": " + p.message}}}});
  for (const auto& w : result.warnings) notifications.push_back({{"level", "warning"}, {"message", {{"text", w}}}});
  return nlohmann::json{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       {{{"tool",
          {{"driver",
            {{"name", "mcp-lint"},
             {"version", tool_version()},
             {"semanticVersion", tool_version()},
             {"informationUri", "https://modelcontextprotocol.io/specification/2026-07-28"},
             {"rules", driver_rules}}}}},
         {"originalUriBaseIds", {{"SRCROOT", {{"uri", "file://" + uri_encode(base)}}}}},
         {"invocations", {{{"executionSuccessful", result.units_failed == 0}, {"toolExecutionNotifications", notifications}}}},
         {"results", results}}}}};
}

}  // namespace mcp_lint
