// Rule pack validation: every problem is reported with the file, the line
// and the rule it concerns.
#include <gtest/gtest.h>

#include "engine/rule_pack.hpp"
#include "lint_test_support.hpp"

using namespace lint_test;
using namespace mcp_lint;

namespace {

const char* kGoodRule = R"(
  - id: roots-good
    feature: roots
    severity: warning
    message: m
    advice: a
    link: https://example.org/spec
    match:
      - kind: string-literal
        values: ["roots/list"]
)";

std::string load_error(const std::string& file_name, const std::string& content) {
  TempDir tmp;
  tmp.write(file_name, content);
  try {
    load_rule_dir(tmp.path());
  } catch (const RulePackError& e) {
    return e.what();
  }
  return "";
}

std::string pack(const std::string& rules, const std::string& id = "p") {
  return "pack: " + id + "\ndescription: d\nrules:" + rules;
}

TEST(PackValidation, RealRulePacksAreValid) {
  const auto rules = load_rule_dir(rules_dir());
  EXPECT_GE(rules.packs.size(), 5u);  // protocol, removed-2026 and at least three SDK packs
  EXPECT_FALSE(rules.rules.empty());
}

TEST(PackValidation, TestPackIsValid) { EXPECT_NO_THROW(load_rule_dir(test_pack_dir())); }

TEST(PackValidation, UnknownMatcherKindNamesFileLineAndRule) {
  const auto e = load_error("p.yaml", pack(R"(
  - id: roots-bad-kind
    feature: roots
    severity: warning
    message: m
    advice: a
    link: https://example.org
    match:
      - kind: calls
        names: ["x::y"]
)"));
  EXPECT_NE(e.find("p.yaml:11"), std::string::npos) << e;
  EXPECT_NE(e.find("rule 'roots-bad-kind'"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown matcher kind 'calls'"), std::string::npos) << e;
}

TEST(PackValidation, EveryProblemIsListed) {
  const auto e = load_error("p.yaml", pack(R"(
  - id: r1
    feature: audio
    severity: loud
    message: m
    link: ftp://x
    mesage: typo
    match:
      - kind: json-key
        values: []
)"));
  EXPECT_NE(e.find("unknown feature 'audio'"), std::string::npos) << e;
  EXPECT_NE(e.find("severity must be note, warning or error"), std::string::npos) << e;
  EXPECT_NE(e.find("missing required field 'advice'"), std::string::npos) << e;
  EXPECT_NE(e.find("link must be an http(s) URL"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown field 'mesage'"), std::string::npos) << e;
  EXPECT_NE(e.find("'values' must not be empty"), std::string::npos) << e;
  EXPECT_NE(e.find("rule 'r1'"), std::string::npos) << e;
}

TEST(PackValidation, PackIdMustMatchFileName) {
  const auto e = load_error("protocol.yaml", pack(kGoodRule, "other"));
  EXPECT_NE(e.find("must equal the file name"), std::string::npos) << e;
}

TEST(PackValidation, DuplicateIdsAndBadIds) {
  const auto e = load_error("p.yaml", pack(std::string(kGoodRule) + kGoodRule));
  EXPECT_NE(e.find("duplicate rule id"), std::string::npos) << e;
  std::string upper = kGoodRule;
  upper.replace(upper.find("id: roots-good"), 14, "id: Roots Good");
  const auto e2 = load_error("p.yaml", pack(upper));
  EXPECT_NE(e2.find("id must be lower-case"), std::string::npos) << e2;
}

TEST(PackValidation, RuleIdMustBeginWithItsFeature) {
  auto rule = [](const std::string& id, const std::string& feature) {
    std::string r = kGoodRule;
    r.replace(r.find("roots-good"), 10, id);
    r.replace(r.find("feature: roots"), 14, "feature: " + feature);
    return r;
  };
  const auto e = load_error("p.yaml", pack(rule("list-roots", "roots")));
  EXPECT_NE(e.find("rule 'list-roots'"), std::string::npos) << e;
  EXPECT_NE(e.find("id must begin with 'roots-'"), std::string::npos) << e;
  EXPECT_NE(e.find("its feature is 'roots'"), std::string::npos) << e;
  // Removed features use "removed-"; a bare prefix is not a name.
  EXPECT_NE(load_error("p.yaml", pack(rule("ping", "removed-2026"))).find("id must begin with 'removed-'"), std::string::npos);
  EXPECT_NE(load_error("p.yaml", pack(rule("sampling-", "sampling"))).find("id must begin with 'sampling-'"), std::string::npos);
  EXPECT_NE(load_error("p.yaml", pack(rule("roots-ping", "logging"))).find("id must begin with 'logging-'"), std::string::npos);
  EXPECT_EQ(load_error("p.yaml", pack(rule("removed-ping", "removed-2026"))), "");
  EXPECT_EQ(load_error("p.yaml", pack(rule("http-sse-transport-endpoint", "http-sse-transport"))), "");
  EXPECT_EQ(load_error("p.yaml", pack(rule("logging-set-level", "logging"))), "");
}

TEST(PackValidation, InvalidYamlReportsTheLine) {
  const auto e = load_error("p.yaml", "pack: p\nrules: [\n  {id: x\n");
  EXPECT_NE(e.find("p.yaml:"), std::string::npos) << e;
  EXPECT_NE(e.find("invalid YAML"), std::string::npos) << e;
}

TEST(PackValidation, KindSpecificChecks) {
  const std::string clause = "kind: string-literal\n        values: [\"roots/list\"]";
  auto with = [&](const std::string& replacement) {
    std::string rule = kGoodRule;
    rule.replace(rule.find(clause), clause.size(), replacement);
    return load_error("p.yaml", pack(rule));
  };
  EXPECT_NE(with("kind: call\n        values: [\"x\"]").find("kind 'call' requires 'names'"), std::string::npos);
  EXPECT_NE(with("kind: type\n        names: [\"std::vector<int>\"]").find("no template arguments"), std::string::npos);
  EXPECT_NE(with("kind: int-literal\n        values: [\"abc\"]").find("is not an integer"), std::string::npos);
  EXPECT_EQ(with("kind: int-literal\n        values: [-32002, 0x10]"), "");
}

TEST(PackValidation, EmptyOrMissingDirectory) {
  TempDir tmp;
  EXPECT_THROW(load_rule_dir(tmp.path()), RulePackError);
  EXPECT_THROW(load_rule_dir(tmp.path() + "/absent"), RulePackError);
}

TEST(PackValidation, OptionalFieldsAreAccepted) {
  std::string rule = kGoodRule;
  rule += "    deadline: \"custom deadline\"\n";
  TempDir tmp;
  tmp.write("p.yaml", pack(rule));
  const auto set = load_rule_dir(tmp.path());
  ASSERT_EQ(set.rules.size(), 1u);
  EXPECT_EQ(set.rules[0].full_id, "p/roots-good");
  EXPECT_EQ(set.rules[0].deadline, "custom deadline");
}

}  // namespace
