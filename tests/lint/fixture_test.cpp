// The fixture harness: every file under a fixture root is linted (once per
// root, in one run, as a user would) and its findings must be exactly the
// `// expect: <rule-id>` markers written at the end of its lines; a line
// without a marker must have no finding.
//   fixtures/    — the real rules/ (written by the rules engineer)
//   data/engine, data/dedupe — the engine's own test pack (packs/test.yaml)
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <sstream>

#include "engine/rule_pack.hpp"
#include "frontend/source_scan.hpp"
#include "lint_test_support.hpp"

namespace fs = std::filesystem;
using namespace lint_test;

namespace {

struct FixtureFile {
  std::string root;   // fixture root directory
  std::string rules;  // rules directory
  std::string file;   // absolute path
  std::string name;   // test name
};

struct RootRun {
  mcp_lint::RuleSet rules;
  mcp_lint::LintResult result;
};

// One lint run per (root, rules), shared by the root's files.
const RootRun& run_for(const std::string& root, const std::string& rules_dir) {
  static std::map<std::string, std::unique_ptr<RootRun>> cache;
  auto& slot = cache[root + "|" + rules_dir];
  if (!slot) {
    slot = std::make_unique<RootRun>();
    slot->rules = mcp_lint::load_rule_dir(rules_dir);
    slot->result = lint_dir(root, slot->rules);
  }
  return *slot;
}

std::vector<FixtureFile> collect(const std::string& root, const std::string& rules, const std::string& prefix) {
  std::vector<FixtureFile> out;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const std::string p = e.path().string();
    if (!mcp_lint::is_source_file(p) && !mcp_lint::is_header_file(p)) continue;
    std::string name = prefix + "_" + fs::relative(e.path(), root).string();
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    out.push_back(FixtureFile{root, rules, mcp_lint::normalize_path(p), name});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

std::string describe(const Expectations& e) {
  std::ostringstream os;
  for (const auto& [line, rule] : e) os << "\n    line " << line << ": " << rule;
  return os.str();
}

// One test per fixture root (ctest runs every test in its own process, so a
// test per file would re-lint the whole root for each file); each file's
// mismatches are reported separately.
void check_root(const std::vector<FixtureFile>& files) {
  ASSERT_FALSE(files.empty());
  for (const FixtureFile& f : files) {
    SCOPED_TRACE(f.file);
    const RootRun& run = run_for(f.root, f.rules);
    const Expectations expected = parse_expectations(f.file);
    Expectations actual = findings_in(run.result, f.file);
    // Inferred findings (rule inferred/...) are checked in the files that
    // expect some (data/inference/); the rule fixtures test the packs alone.
    const bool expects_inferred = std::any_of(expected.begin(), expected.end(),
                                              [](const auto& e) { return e.second.rfind("inferred/", 0) == 0; });
    if (!expects_inferred) std::erase_if(actual, [](const auto& e) { return e.second.rfind("inferred/", 0) == 0; });
    Expectations missing, unexpected;
    std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(), std::inserter(missing, missing.end()));
    std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                        std::inserter(unexpected, unexpected.end()));
    EXPECT_TRUE(missing.empty()) << f.file << ": expected but not reported:" << describe(missing);
    EXPECT_TRUE(unexpected.empty()) << f.file << ": reported but not expected:" << describe(unexpected);
  }
}

TEST(FixtureHarness, FixturesWithRealRules) { check_root(collect(test_dir() + "/fixtures", rules_dir(), "fixtures")); }

TEST(FixtureHarness, EngineDataWithTestPack) {
  check_root(collect(test_dir() + "/data/engine", test_pack_dir(), "engine"));
}

// The cross-unit inference (engine/inference/) against the real rules: every
// file there marks both the rule hits and the inferred lines.
TEST(FixtureHarness, InferenceDataWithRealRules) {
  check_root(collect(test_dir() + "/data/inference", rules_dir(), "inference"));
}

TEST(FixtureHarness, DedupeDataWithTestPack) {
  check_root(collect(test_dir() + "/data/dedupe", test_pack_dir(), "dedupe"));
}

TEST(FixtureHarness, FixturesExistAndEveryRuleHasAPositive) {
  auto files = collect(test_dir() + "/fixtures", rules_dir(), "fixtures");
  ASSERT_FALSE(files.empty()) << "no fixture sources in tests/lint/fixtures";
  std::set<std::string> expected_rules;
  for (const auto& f : files)
    for (const auto& [line, rule] : parse_expectations(f.file)) expected_rules.insert(rule);
  const auto rules = mcp_lint::load_rule_dir(rules_dir());
  for (const auto& r : rules.rules)
    EXPECT_TRUE(expected_rules.count(r.full_id)) << "rule " << r.full_id << " has no `// expect:` positive in fixtures/";
  for (const auto& id : expected_rules)
    if (id.rfind("inferred/", 0) != 0) EXPECT_NE(rules.find(id), nullptr) << "fixtures expect unknown rule " << id;
}

TEST(FixtureHarness, MarkerParsing) {
  EXPECT_EQ(parse_expectation_line("x(); // expect: a/b"), (std::set<std::string>{"a/b"}));
  EXPECT_EQ(parse_expectation_line("x();  // expect: p/one, q/two-2"), (std::set<std::string>{"p/one", "q/two-2"}));
  EXPECT_TRUE(parse_expectation_line("// write `// expect: <pack>/<rule-id>`; at the end").empty());
  EXPECT_TRUE(parse_expectation_line("x(); // expected: a/b").empty());
  EXPECT_TRUE(parse_expectation_line("x();").empty());
}

TEST(FixtureHarness, MarkersThemselvesAreNotFindings) {
  // A marker names a rule id in a comment; comments are never findings, so a
  // file made only of markers has none.
  TempDir tmp;
  tmp.write("only_comments.cpp",
            "// expect: test/sampling-method-string\n/* \"sampling/createMessage\" */\n// sampling/createMessage\nint x;\n");
  const auto rules = mcp_lint::load_rule_dir(test_pack_dir());
  const auto result = lint_dir(tmp.path(), rules);
  EXPECT_TRUE(result.findings.empty());
}

}  // namespace
