// The extension points as data: features come from a rules directory's
// features.yaml (validated like packs, every problem with file:line) and
// matcher kinds from one table (engine/matchers/matcher.hpp).
#include <gtest/gtest.h>

#include <set>

#include "engine/matchers/matcher.hpp"
#include "engine/rule_pack.hpp"
#include "lint_test_support.hpp"
#include "report/reporters.hpp"

using namespace lint_test;
using namespace mcp_lint;

namespace {

std::string catalog_error(const std::string& content) {
  TempDir tmp;
  const std::string path = tmp.write("features.yaml", content);
  try {
    load_feature_file(path);
  } catch (const RulePackError& e) {
    return e.what();
  }
  return "";
}

const char* kRule = R"(pack: p
description: d
rules:
  - id: tasks-poll
    feature: tasks
    severity: warning
    message: m
    advice: a
    link: https://example.org/spec
    match:
      - kind: string-literal
        values: ["tasks/get"]
)";

TEST(FeatureCatalog, RealCatalogDefinesEveryFeatureInReportOrder) {
  const auto rules = load_rule_dir(rules_dir());
  std::vector<std::string> ids;
  for (const auto& f : rules.features.features) ids.push_back(f.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"roots", "sampling", "logging", "http-sse-transport", "removed-2026"}));
  EXPECT_EQ(rules.features.rule_prefix("removed-2026"), "removed-");
  EXPECT_EQ(rules.features.rule_prefix("sampling"), "sampling-");
  EXPECT_EQ(feature_title(rules, "http-sse-transport"), "HTTP+SSE transport (deprecated)");
  EXPECT_EQ(feature_title(rules, "unknown"), "unknown");
  EXPECT_EQ(feature_rank(rules, "unknown"), rules.features.features.size());
  // Every feature a rule names is in the catalog (validation would have refused the pack otherwise).
  for (const auto& r : rules.rules) EXPECT_NE(rules.features.find(r.feature), nullptr) << r.full_id;
}

// The inference's vocabulary is data too: the deprecated features carry one,
// the others (rules' hits only) do not.
TEST(FeatureCatalog, RealCatalogCarriesTheInferenceVocabulary) {
  const auto rules = load_rule_dir(rules_dir());
  for (const char* id : {"roots", "sampling", "logging"}) {
    const Feature* f = rules.features.find(id);
    ASSERT_TRUE(f && f->inference) << id;
    EXPECT_EQ(f->inference->feature, id);
    EXPECT_FALSE(f->inference->words.empty()) << id;
    EXPECT_FALSE(f->inference->strong_types.empty()) << id;
  }
  EXPECT_EQ(rules.features.find("logging")->inference->levels.size(), 8u);
  EXPECT_EQ(rules.features.find("removed-2026")->inference, std::nullopt);
  EXPECT_EQ(rules.features.capability_words, (std::vector<std::string>{"capabilit"}));
}

TEST(FeatureCatalog, InferenceVocabularyProblemsAreReported) {
  const auto e = catalog_error(R"(capability_words: [Caps]
features:
  - id: roots
    title: Roots
    deadline: d
    link: https://example.org/roots
    inference:
      schema_types: [Root]
      colour: blue
  - id: sampling
    title: Sampling
    deadline: d
    link: https://example.org/sampling
    inference:
      words: [createMessage]
      levels: []
  - id: logging
    title: Logging
    deadline: d
    link: https://example.org/logging
    inference: [logging]
)");
  EXPECT_NE(e.find("features.yaml:1: 'capability_words' entries must be lower-case letters and digits (got 'Caps')"),
            std::string::npos) << e;
  EXPECT_NE(e.find("feature 'roots': inference: unknown field 'colour'"), std::string::npos) << e;
  EXPECT_NE(e.find("feature 'roots': inference: missing required field 'words'"), std::string::npos) << e;
  EXPECT_NE(e.find("feature 'sampling': inference: 'words' entries must be lower-case letters and digits (got 'createMessage')"),
            std::string::npos) << e;
  EXPECT_NE(e.find("feature 'sampling': inference: 'levels' must not be empty"), std::string::npos) << e;
  EXPECT_NE(e.find("feature 'logging': 'inference' must be a mapping with 'words'"), std::string::npos) << e;
}

TEST(FeatureCatalog, EveryProblemIsReportedWithFileAndLine) {
  const auto e = catalog_error(R"(features:
  - id: roots
    title: Roots
    deadline: soon
    link: https://example.org/roots
  - id: Bad Id
    title: x
    deadline: d
    link: https://example.org
  - id: roots
    deadline: d
    link: ftp://example.org
    colour: blue
  - id: tasks
    title: Tasks
    deadline: d
    link: https://example.org
    rule_prefix: task
  - just a string
)");
  EXPECT_NE(e.find("features.yaml:6: feature 'Bad Id': id must be lower-case"), std::string::npos) << e;
  EXPECT_NE(e.find("features.yaml:10: feature 'roots': duplicate feature id"), std::string::npos) << e;
  EXPECT_NE(e.find("features.yaml:10: feature 'roots': missing required field 'title'"), std::string::npos) << e;
  EXPECT_NE(e.find("features.yaml:12: feature 'roots': link must be an http(s) URL"), std::string::npos) << e;
  EXPECT_NE(e.find("features.yaml:13: feature 'roots': unknown field 'colour'"), std::string::npos) << e;
  EXPECT_NE(e.find("features.yaml:18: feature 'tasks': rule_prefix must be a valid id ending with '-'"), std::string::npos) << e;
  EXPECT_NE(e.find("features.yaml:19: feature #5: a feature must be a mapping"), std::string::npos) << e;
}

TEST(FeatureCatalog, StructuralProblems) {
  EXPECT_NE(catalog_error("features: []\n").find("'features' must be a non-empty list"), std::string::npos);
  EXPECT_NE(catalog_error("- a\n").find("must be a mapping with 'features'"), std::string::npos);
  EXPECT_NE(catalog_error("features: [\n").find("invalid YAML"), std::string::npos);
  EXPECT_NE(catalog_error("features:\n  - {id: a, title: A, deadline: d, link: https://x}\nextra: 1\n").find("features.yaml:3: unknown field 'extra'"),
            std::string::npos);
  // A key that is a sequence is valid YAML but no field name (found by fuzz_lint_inputs: it escaped as
  // YAML::TypedBadConversion instead of a RulePackError).
  EXPECT_NE(catalog_error("features:\n  - {id: a, title: A, deadline: d, link: https://x}\n? [x, y]\n: 1\n")
                .find("features.yaml:3: a field name must be a plain string"),
            std::string::npos);
  // A prefix that begins another feature's would let one rule id name two features.
  const auto e = catalog_error(R"(features:
  - {id: removed, title: R, deadline: d, link: "https://x"}
  - {id: removed-2026, title: R2, deadline: d, link: "https://x"}
)");
  EXPECT_NE(e.find("rule_prefix 'removed-2026-' begins with feature 'removed''s prefix 'removed-'"), std::string::npos) << e;
}

TEST(FeatureCatalog, ADirectoryMayDefineItsOwnFeatures) {
  TempDir tmp;
  tmp.write("p.yaml", kRule);
  // Without its own catalog the project's applies: 'tasks' is unknown there.
  try {
    load_rule_dir(tmp.path());
    ADD_FAILURE() << "feature 'tasks' accepted without a catalog defining it";
  } catch (const RulePackError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown feature 'tasks' (expected one of: roots, sampling, logging"), std::string::npos)
        << e.what();
  }
  // features.yaml is the catalog, not a pack.
  tmp.write("features.yaml", "features:\n  - {id: tasks, title: Tasks, deadline: later, link: \"https://example.org/tasks\"}\n");
  const auto rules = load_rule_dir(tmp.path());
  ASSERT_EQ(rules.packs.size(), 1u);
  EXPECT_EQ(rules.packs[0].id, "p");
  ASSERT_EQ(rules.features.features.size(), 1u);
  EXPECT_EQ(feature_deadline(rules, "tasks"), "later");
}

TEST(FeatureCatalog, ABrokenCatalogFailsTheDirectory) {
  TempDir tmp;
  tmp.write("p.yaml", kRule);
  tmp.write("features.yaml", "features:\n  - id: tasks\n");
  try {
    load_rule_dir(tmp.path());
    ADD_FAILURE() << "a catalog without title/deadline/link was accepted";
  } catch (const RulePackError& e) {
    EXPECT_NE(std::string(e.what()).find("features.yaml:2: feature 'tasks': missing required field 'title'"), std::string::npos)
        << e.what();
  }
}

TEST(MatcherKinds, OneRowPerKindWithAFactory) {
  std::set<std::string> seen;
  for (const auto& k : matcher_kinds()) {
    EXPECT_TRUE(seen.insert(k.kind).second) << "kind listed twice: " << k.kind;
    EXPECT_NE(k.make, nullptr) << k.kind;
    EXPECT_EQ(find_matcher_kind(k.kind), &k);
  }
  EXPECT_EQ(find_matcher_kind("calls"), nullptr);
  // rules/README.md documents every kind (a new row needs its section there).
  const std::string readme = read_file(rules_dir() + "/README.md");
  for (const auto& k : matcher_kinds()) EXPECT_NE(readme.find(std::string("### `") + k.kind + "`"), std::string::npos) << k.kind;
}

TEST(MatcherKinds, BuildMatchersMakesOneMatcherPerKindUsed) {
  const auto rules = load_rule_dir(rules_dir());
  std::set<std::string> used;
  for (const auto& r : rules.rules)
    for (const auto& c : r.clauses) used.insert(c.kind);
  EXPECT_EQ(build_matchers(rules).size(), used.size());
}

}  // namespace
