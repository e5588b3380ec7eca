// Reporters: SARIF 2.1.0 structure (checked against the schema's required
// properties, closed property sets and enums for every object we emit), text,
// JSON and the migration plan.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "engine/rule_pack.hpp"
#include "lint_test_support.hpp"
#include "report/reporters.hpp"

using namespace lint_test;
using namespace mcp_lint;
using nlohmann::json;

namespace {

// --- A structural validator for the subset of SARIF 2.1.0 that mcp-lint emits.
// Property lists come from sarif-schema-2.1.0.json (additionalProperties:false).
class SarifChecker {
 public:
  std::vector<std::string> errors;

  void log(const json& j) {
    object(j, "sarifLog", {"$schema", "version", "runs", "inlineExternalProperties", "properties"}, {"version", "runs"});
    if (j.value("version", "") != "2.1.0") err("sarifLog", "version must be \"2.1.0\"");
    if (!j["runs"].is_array()) return err("sarifLog", "runs must be an array");
    for (const auto& r : j["runs"]) run(r);
  }

 private:
  void err(const std::string& where, const std::string& what) { errors.push_back(where + ": " + what); }

  void object(const json& j, const std::string& where, const std::set<std::string>& allowed,
              const std::set<std::string>& required) {
    if (!j.is_object()) return err(where, "must be an object");
    for (const auto& [k, v] : j.items())
      if (!allowed.count(k)) err(where, "property '" + k + "' is not allowed by the schema");
    for (const auto& k : required)
      if (!j.contains(k)) err(where, "missing required property '" + k + "'");
  }

  void message(const json& j, const std::string& where) {
    object(j, where, {"text", "markdown", "id", "arguments", "properties"}, {});
    if (!j.contains("text") && !j.contains("id")) err(where, "message needs text or id");
    if (j.contains("text") && !j["text"].is_string()) err(where, "text must be a string");
  }

  void mfms(const json& j, const std::string& where) {  // multiformatMessageString
    object(j, where, {"text", "markdown", "properties"}, {"text"});
  }

  void run(const json& r) {
    object(r, "run",
           {"tool", "invocations", "conversion", "language", "versionControlProvenance", "originalUriBaseIds", "artifacts",
            "logicalLocations", "graphs", "results", "automationDetails", "runAggregates", "baselineGuid", "redactionTokens",
            "defaultEncoding", "defaultSourceLanguage", "newlineSequences", "columnKind", "externalPropertyFileReferences",
            "threadFlowLocations", "taxonomies", "addresses", "translations", "policies", "webRequests", "webResponses",
            "specialLocations", "properties"},
           {"tool"});
    object(r["tool"], "tool", {"driver", "extensions", "properties"}, {"driver"});
    const json& d = r["tool"]["driver"];
    object(d, "toolComponent",
           {"guid", "name", "organization", "product", "productSuite", "shortDescription", "fullDescription", "fullName",
            "version", "semanticVersion", "dottedQuadFileVersion", "releaseDateUtc", "downloadUri", "informationUri",
            "globalMessageStrings", "notifications", "rules", "taxa", "locations", "language", "contents",
            "isComprehensive", "localizedDataSemanticVersion", "minimumRequiredLocalizedDataSemanticVersion",
            "associatedComponent", "translationMetadata", "supportedTaxonomies", "properties"},
           {"name"});
    std::set<std::string> ids;
    for (const auto& rule : d.value("rules", json::array())) {
      const std::string w = "reportingDescriptor " + rule.value("id", "?");
      object(rule, w,
             {"id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames", "shortDescription",
              "fullDescription", "messageStrings", "defaultConfiguration", "helpUri", "help", "relationships", "properties"},
             {"id"});
      if (!ids.insert(rule.value("id", "")).second) err(w, "duplicate rule id");
      for (const char* k : {"shortDescription", "fullDescription", "help"})
        if (rule.contains(k)) mfms(rule[k], w + "." + k);
      if (rule.contains("defaultConfiguration")) level(rule["defaultConfiguration"].value("level", ""), w);
      if (rule.contains("properties") && rule["properties"].contains("tags")) {
        std::set<std::string> tags;
        for (const auto& t : rule["properties"]["tags"]) {
          if (!t.is_string()) err(w, "tags must be strings");
          else if (!tags.insert(t.get<std::string>()).second) err(w, "tags must be unique");
        }
      }
    }
    if (r.contains("originalUriBaseIds"))
      for (const auto& [k, v] : r["originalUriBaseIds"].items()) {
        object(v, "artifactLocation " + k, {"uri", "uriBaseId", "index", "description", "properties"}, {});
        const std::string uri = v.value("uri", "");
        if (uri.empty() || uri.back() != '/') err("originalUriBaseIds", "a base URI must end with '/'");
      }
    for (const auto& res : r.value("results", json::array())) result(res, d);
  }

  void level(const std::string& l, const std::string& where) {
    static const std::set<std::string> levels{"none", "note", "warning", "error"};
    if (!levels.count(l)) err(where, "level '" + l + "' is not a SARIF level");
  }

  void result(const json& res, const json& driver) {
    const std::string w = "result " + res.value("ruleId", "?");
    object(res, w,
           {"ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget", "locations", "guid",
            "correlationGuid", "occurrenceCount", "partialFingerprints", "fingerprints", "stacks", "codeFlows", "graphs",
            "graphTraversals", "relatedLocations", "suppressions", "baselineState", "rank", "attachments", "hostedViewerUri",
            "workItemUris", "provenance", "fixes", "taxa", "webRequest", "webResponse", "properties"},
           {"message"});
    message(res["message"], w + ".message");
    if (res.contains("level")) level(res["level"], w);
    if (res.contains("ruleIndex")) {
      const auto i = res["ruleIndex"].get<std::size_t>();
      if (i >= driver["rules"].size() || driver["rules"][i]["id"] != res["ruleId"]) err(w, "ruleIndex does not designate ruleId");
    }
    for (const auto& loc : res.value("locations", json::array())) {
      object(loc, w + ".location",
             {"id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships", "properties"}, {});
      const json& pl = loc["physicalLocation"];
      object(pl, w + ".physicalLocation", {"address", "artifactLocation", "region", "contextRegion", "properties"}, {});
      object(pl["artifactLocation"], w + ".artifactLocation", {"uri", "uriBaseId", "index", "description", "properties"}, {});
      const std::string uri = pl["artifactLocation"].value("uri", "");
      if (uri.empty() || uri.find(' ') != std::string::npos) err(w, "artifact uri must be a non-empty URI reference");
      const json& region = pl["region"];
      object(region, w + ".region",
             {"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset", "byteLength",
              "snippet", "message", "sourceLanguage", "properties"},
             {});
      for (const char* k : {"startLine", "startColumn"})
        if (!region.contains(k) || !region[k].is_number_integer() || region[k].get<int>() < 1)
          err(w, std::string(k) + " must be an integer >= 1");
      if (region.contains("snippet")) object(region["snippet"], w + ".snippet", {"text", "binary", "rendered", "properties"}, {});
    }
    if (res.contains("partialFingerprints"))
      for (const auto& [k, v] : res["partialFingerprints"].items())
        if (!v.is_string()) err(w, "partialFingerprints values must be strings");
  }
};

const RuleSet& real_rules() {
  static const RuleSet rules = load_rule_dir(rules_dir());
  return rules;
}

const LintResult& fixture_result() {
  static const LintResult result = lint_dir(test_dir() + "/fixtures", real_rules());
  return result;
}

TEST(Sarif, FixtureRunConformsToTheSchemaAndCarriesRulesAndResults) {
  const json sarif = make_sarif(fixture_result(), real_rules(), test_dir() + "/fixtures");
  ASSERT_FALSE(fixture_result().findings.empty());
  SarifChecker check;
  check.log(sarif);
  std::string all;
  for (const auto& e : check.errors) all += "\n  " + e;
  EXPECT_TRUE(check.errors.empty()) << all;
  // And the checker does catch violations.
  json broken = sarif;
  broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0;
  broken["runs"][0]["tool"]["driver"]["rules"][0]["bogus"] = 1;
  SarifChecker negative;
  negative.log(broken);
  EXPECT_EQ(negative.errors.size(), 2u);

  // Rules carry the feature, help and links; results mirror the findings.
  const json& rules = sarif["runs"][0]["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), real_rules().rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = real_rules().rules[i];
    const json& d = rules[i];
    EXPECT_EQ(d["id"], r.full_id);
    EXPECT_FALSE(d["name"].get<std::string>().empty());
    EXPECT_EQ(d["shortDescription"]["text"], r.message);
    EXPECT_NE(d["fullDescription"]["text"].get<std::string>().find(r.message), std::string::npos);
    EXPECT_NE(d["help"]["text"].get<std::string>().find(r.advice), std::string::npos);
    EXPECT_NE(d["help"]["markdown"].get<std::string>().find(r.link), std::string::npos);
    EXPECT_EQ(d["helpUri"], r.link);
    const auto& tags = d["properties"]["tags"];
    EXPECT_NE(std::find(tags.begin(), tags.end(), r.feature), tags.end()) << r.full_id;
  }
  const json& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), fixture_result().findings.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Finding& f = fixture_result().findings[i];
    EXPECT_EQ(results[i]["ruleId"], f.rule);
    EXPECT_EQ(results[i]["level"], severity_name(f.severity));
    EXPECT_EQ(results[i]["partialFingerprints"]["mcpLint/v1"], f.fingerprint);
    const json& region = results[i]["locations"][0]["physicalLocation"]["region"];
    EXPECT_EQ(region["startLine"], f.line);
    EXPECT_EQ(region["startColumn"], f.column);
    EXPECT_EQ(results[i]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "SRCROOT");
  }
}

LintResult one_finding(Severity s = Severity::warning) {
  LintResult r;
  Finding f;
  f.rule = "test/sampling-method-string";
  f.feature = "sampling";
  f.severity = s;
  f.file = "src/a b.cpp";
  f.abs_file = "/x/src/a b.cpp";
  f.line = 12;
  f.column = 5;
  f.message = "uses sampling/createMessage";
  f.advice = "Call the LLM <provider> directly.";
  f.link = "https://modelcontextprotocol.io/specification/2026-07-28/client/sampling";
  f.snippet = "\tx(\"sampling/createMessage\");";
  f.fingerprint = compute_fingerprint(f.rule, f.file, f.snippet);
  r.findings.push_back(f);
  r.units = 1;
  return r;
}

TEST(Sarif, PathsArePercentEncoded) {
  const json sarif = make_sarif(one_finding(), real_rules(), "/x");
  EXPECT_EQ(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "src/a%20b.cpp");
  EXPECT_EQ(sarif["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"], "file:///x/");
}

TEST(TextReport, ClangDiagnosticStyleWithCaret) {
  std::ostringstream os;
  write_text(os, one_finding(), false);
  EXPECT_EQ(os.str(),
            "src/a b.cpp:12:5: warning: uses sampling/createMessage [test/sampling-method-string]\n"
            " 12 | \tx(\"sampling/createMessage\");\n"
            "    | \t   ^\n");
  std::ostringstream colored;
  write_text(colored, one_finding(Severity::error), true);
  EXPECT_NE(colored.str().find("\033[1;31merror: "), std::string::npos);
  EXPECT_NE(colored.str().find("\033[1;32m^"), std::string::npos);
}

TEST(JsonReport, FindingShapeIsTheContract) {
  const json j = make_json_report(one_finding(), RunSummary{3});
  const json& f = j["findings"][0];
  for (const char* k : {"rule", "feature", "severity", "file", "line", "column", "message", "advice", "link", "snippet",
                        "fingerprint", "confidence", "confidence_band"})
    EXPECT_TRUE(f.contains(k)) << k;
  EXPECT_EQ(f.size(), 13u);  // rule hits: no "why"/"chain" (inferred findings add them)
  EXPECT_EQ(f["confidence"], 100);
  EXPECT_EQ(f["confidence_band"], "high");
  EXPECT_EQ(j["summary"]["baseline_matched"], 3);
  EXPECT_EQ(j["summary"]["by_feature"]["sampling"], 1);
}

TEST(PlanReport, MarkdownGroupsByFeatureThenFileWithDeadlinesAndAdvice) {
  std::ostringstream os;
  write_plan_markdown(os, fixture_result(), real_rules());
  const std::string md = os.str();
  EXPECT_NE(md.find("# MCP 2026-07-28 migration plan"), std::string::npos);
  EXPECT_NE(md.find("| Feature | Sites | Files | Deadline |"), std::string::npos);
  EXPECT_NE(md.find("first specification revision released on or after 2027-07-28"), std::string::npos);
  EXPECT_NE(md.find("Already removed in 2026-07-28"), std::string::npos);
  // Features in order, each followed by its files.
  const auto roots = md.find("\n## Roots"), sampling = md.find("\n## Sampling"), logging = md.find("\n## Logging"),
             removed = md.find("\n## Removed in 2026-07-28");
  ASSERT_NE(roots, std::string::npos);
  ASSERT_NE(sampling, std::string::npos);
  ASSERT_NE(logging, std::string::npos);
  ASSERT_NE(removed, std::string::npos);
  EXPECT_LT(roots, sampling);
  EXPECT_LT(sampling, logging);
  EXPECT_LT(logging, removed);
  EXPECT_NE(md.find("### `", roots), std::string::npos);
  for (const auto& f : fixture_result().findings) {
    EXPECT_NE(md.find(f.file + ":" + std::to_string(f.line) + ":" + std::to_string(f.column)), std::string::npos);
  }
  EXPECT_NE(md.find("*Advice:* " + fixture_result().findings[0].advice), std::string::npos);
}

TEST(PlanReport, HtmlIsSelfContainedWithChartsAndEscaping) {
  std::ostringstream os;
  write_plan_html(os, one_finding(), real_rules());
  const std::string html = os.str();
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("Findings per feature"), std::string::npos);
  EXPECT_NE(html.find("Findings per directory"), std::string::npos);
  EXPECT_NE(html.find(">src<"), std::string::npos);  // the directory bar label
  EXPECT_NE(html.find("Call the LLM &lt;provider&gt; directly."), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src=\""), std::string::npos);
  EXPECT_NE(html.find("2027-07-28"), std::string::npos);
}

// Deadlines follow specification/2026-07-28/deprecated.mdx.
TEST(Deadlines, MatchTheDeprecatedFeaturesRegistry) {
  const auto rules = load_rule_dir(rules_dir());
  const auto feature_deadline = [&](const std::string& f) { return mcp_lint::feature_deadline(rules, f); };
  const auto feature_rank = [&](const std::string& f) { return mcp_lint::feature_rank(rules, f); };
  for (const char* f : {"roots", "sampling", "logging"}) {
    EXPECT_NE(feature_deadline(f).find("Deprecated in 2026-07-28 (SEP-2577)"), std::string::npos) << f;
    EXPECT_NE(feature_deadline(f).find("on or after 2027-07-28"), std::string::npos) << f;
  }
  EXPECT_NE(feature_deadline("http-sse-transport").find("three months after SEP-2596 reaches Final"), std::string::npos);
  EXPECT_EQ(feature_deadline("http-sse-transport").find("2027-07-28"), std::string::npos);
  EXPECT_NE(feature_deadline("removed-2026").find("removed in 2026-07-28"), std::string::npos);
  // includeContext "thisServer"/"allServers" is filed under sampling: its removal follows Sampling.
  for (const auto& r : rules.rules) {
    bool include_context = false;
    for (const auto& c : r.clauses)
      for (const auto& v : c.values) include_context = include_context || v == "thisServer" || v == "allServers";
    if (include_context || r.id.find("include-context") != std::string::npos) EXPECT_EQ(r.feature, "sampling") << r.full_id;
    if (r.id.rfind("http-sse-transport-", 0) == 0) EXPECT_EQ(r.feature, "http-sse-transport") << r.full_id;
  }
  // Feature order in reports: deprecated ones first, then what is already removed.
  EXPECT_LT(feature_rank("logging"), feature_rank("http-sse-transport"));
  EXPECT_LT(feature_rank("http-sse-transport"), feature_rank("removed-2026"));
}

}  // namespace

namespace {

// Inferred findings carry their evidence: SARIF rank (the confidence), the
// chain as relatedLocations and a codeFlow, and a driver rule of their own.
TEST(Sarif, InferredFindingsCarryRankRelatedLocationsAndCodeFlows) {
  const LintResult result = lint_dir(test_dir() + "/data/inference", real_rules());
  const RuleSet described = with_inferred_rules(real_rules(), result);
  const json sarif = make_sarif(result, described, test_dir() + "/data/inference");
  SarifChecker check;
  check.log(sarif);
  std::string all;
  for (const auto& e : check.errors) all += "\n  " + e;
  EXPECT_TRUE(check.errors.empty()) << all;
  std::size_t inferred = 0;
  for (const auto& res : sarif["runs"][0]["results"]) {
    if (res["ruleId"].get<std::string>().rfind("inferred/", 0) != 0) {
      EXPECT_EQ(res["rank"], 100.0);
      continue;
    }
    ++inferred;
    EXPECT_TRUE(res.contains("ruleIndex")) << res["ruleId"];
    EXPECT_LT(res["rank"].get<double>(), 100.0);
    ASSERT_TRUE(res.contains("relatedLocations"));
    ASSERT_FALSE(res["relatedLocations"].empty());
    EXPECT_GE(res["relatedLocations"][0]["physicalLocation"]["region"]["startLine"].get<int>(), 1);
    const json& flow = res["codeFlows"][0]["threadFlows"][0]["locations"];
    EXPECT_EQ(flow.size(), res["relatedLocations"].size() + 1);
  }
  EXPECT_GT(inferred, 5u);
  // The chain in text form names the seed: a call of create_message leads to the method string.
  bool found = false;
  for (const auto& f : result.findings)
    if (f.file == "app.cpp" && f.line == 9) {
      found = true;
      EXPECT_EQ(f.why, "calls app::Client::create_message, which sends or handles sampling/createMessage at client.cpp:10");
      EXPECT_GE(f.confidence, kConfidenceHigh);
    }
  EXPECT_TRUE(found);
}

}  // namespace
