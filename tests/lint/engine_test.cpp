// Engine behaviour over the engine's own test pack (packs/test.yaml) and
// sources (data/): dedupe, determinism, error recovery, suppression,
// baseline, compile databases.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/baseline.hpp"
#include "engine/rule_pack.hpp"
#include "engine/suppression.hpp"
#include "frontend/compile_units.hpp"
#include "frontend/source_scan.hpp"
#include "lint_test_support.hpp"
#include "report/reporters.hpp"

using namespace lint_test;
using namespace mcp_lint;

namespace {

// The rule engine alone (the inference has its own tests: inference_test.cpp, data/inference/).
LintResult rule_hits(const std::string& dir, const RuleSet& rules, unsigned jobs = 2) {
  return lint_dir(dir, rules, jobs, /*infer=*/false);
}

// One line per finding: readable when two runs differ.
std::string compact(const LintResult& r) {
  std::string out;
  for (const auto& f : r.findings)
    out += f.file + ":" + std::to_string(f.line) + ":" + std::to_string(f.column) + " " + f.rule + " " + f.fingerprint + "\n";
  return out;
}

const RuleSet& test_rules() {
  static const RuleSet rules = load_rule_dir(test_pack_dir());
  return rules;
}

std::string engine_dir() { return test_dir() + "/data/engine"; }

TEST(Engine, FindingInAHeaderIncludedByManyUnitsIsReportedOnce) {
  auto result = rule_hits(test_dir() + "/data/dedupe", test_rules());
  EXPECT_EQ(result.units, 2u);  // a.cpp and b.cpp; shared.hpp is included, not parsed alone
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].file, "shared.hpp");
  EXPECT_EQ(result.findings[0].line, 2u);
}

TEST(Engine, OutputIsIdenticalWhateverTheNumberOfJobs) {
  // With the inference: the merged index and its propagation are deterministic too.
  const auto serial = lint_dir(engine_dir(), test_rules(), 1);
  const auto parallel = lint_dir(engine_dir(), test_rules(), 4);
  EXPECT_EQ(compact(serial), compact(parallel));
  EXPECT_EQ(make_json_report(serial, {}).dump(), make_json_report(parallel, {}).dump());
  EXPECT_FALSE(serial.findings.empty());
  EXPECT_TRUE(std::is_sorted(serial.findings.begin(), serial.findings.end(), finding_less));
}

TEST(Engine, RealRulesOnFixturesAreDeterministicToo) {
  const auto rules = load_rule_dir(rules_dir());
  EXPECT_EQ(compact(lint_dir(test_dir() + "/fixtures", rules, 1)), compact(lint_dir(test_dir() + "/fixtures", rules, 3)));
}

TEST(Engine, UnitWithMissingDependenciesIsCountedAndStillAnalysed) {
  const auto result = rule_hits(engine_dir(), test_rules());
  EXPECT_EQ(result.units_with_errors, 1u);
  EXPECT_EQ(result.units_failed, 0u);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_NE(result.problems[0].file.find("missing_dependency.cpp"), std::string::npos);
  EXPECT_NE(result.problems[0].message.find("not/installed/mcp_sdk.hpp"), std::string::npos);
  const auto found = findings_in(result, engine_dir() + "/missing_dependency.cpp");
  EXPECT_EQ(found, (Expectations{{5, "test/sampling-method-string"}}));
}

TEST(Engine, SuppressionCommentsRemoveFindingsAndAreCounted) {
  const auto result = rule_hits(engine_dir(), test_rules());
  // suppress.cpp: a (rule id), b (feature, line before), c (bare), e (pack).
  EXPECT_EQ(result.suppressed, 4u);
  const auto found = findings_in(result, engine_dir() + "/suppress.cpp");
  EXPECT_EQ(found, (Expectations{{9, "test/sampling-method-string"}, {12, "test/sampling-method-string"}}));
}

TEST(Suppression, MarkerMustBeInACommentAndNameTheRuleFeatureOrPack) {
  EXPECT_TRUE(line_suppresses("f(); // mcp-lint: ignore", "p/r", "roots"));
  EXPECT_TRUE(line_suppresses("f(); /* mcp-lint: ignore[p/r] */", "p/r", "roots"));
  EXPECT_TRUE(line_suppresses("f(); // mcp-lint: ignore[ other/x , roots ]", "p/r", "roots"));
  EXPECT_TRUE(line_suppresses("f(); // mcp-lint: ignore[p]", "p/r", "roots"));
  EXPECT_FALSE(line_suppresses("f(); // mcp-lint: ignore[p/other]", "p/r", "roots"));
  EXPECT_FALSE(line_suppresses("f(\"mcp-lint: ignore\");", "p/r", "roots"));
  EXPECT_FALSE(line_suppresses("f(); // nothing here", "p/r", "roots"));
}

TEST(Baseline, KnownFindingsAreNotNew) {
  auto result = rule_hits(engine_dir(), test_rules());
  const auto total = result.findings.size();
  ASSERT_GT(total, 3u);
  // Baseline = the run without its first finding: exactly that one stays new.
  auto json = make_json_report(result, {});
  const auto first = json["findings"][0];
  json["findings"].erase(0);
  TempDir tmp;
  const auto path = tmp.write("baseline.json", json.dump());
  const auto known = load_baseline(path);
  EXPECT_EQ(known.size() + 0, total - 1);
  EXPECT_EQ(apply_baseline(result, known), total - 1);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].fingerprint, first["fingerprint"].get<std::string>());
}

TEST(Baseline, AcceptsSarifAndRejectsGarbage) {
  auto result = rule_hits(test_dir() + "/data/dedupe", test_rules());
  TempDir tmp;
  const auto sarif = tmp.write("b.sarif", make_sarif(result, test_rules(), tmp.path()).dump());
  EXPECT_EQ(load_baseline(sarif).size(), 1u);
  EXPECT_THROW(load_baseline(tmp.write("bad.json", "{not json")), BaselineError);
  EXPECT_THROW(load_baseline(tmp.write("other.json", "{\"x\": 1}")), BaselineError);
  EXPECT_THROW(load_baseline(tmp.path() + "/absent.json"), BaselineError);
}

TEST(Fingerprint, StableAcrossWhitespaceAndDistinctAcrossRulesAndFiles) {
  const auto a = compute_fingerprint("p/r", "src/a.cpp", "  send(\"x\");");
  EXPECT_EQ(a, compute_fingerprint("p/r", "src/a.cpp", "send(\"x\");   "));
  EXPECT_EQ(a, compute_fingerprint("p/r", "src/a.cpp", "\tsend(\"x\");"));
  EXPECT_NE(a, compute_fingerprint("p/s", "src/a.cpp", "send(\"x\");"));
  EXPECT_NE(a, compute_fingerprint("p/r", "src/b.cpp", "send(\"x\");"));
  EXPECT_EQ(a.size(), 16u);
}

TEST(CompileDatabase, ArgumentsAreRewrittenForLibclang) {
  const auto args = database_args_for_libclang({"/usr/bin/g++", "-Iinclude", "-std=c++20", "-o", "x.o", "-c", "src/a.cpp"},
                                               "src/a.cpp", "/proj/build");
  ASSERT_GE(args.size(), 4u);
  EXPECT_EQ(args[0], "-working-directory");
  EXPECT_EQ(args[1], "/proj/build");
  EXPECT_NE(std::find(args.begin(), args.end(), "-Iinclude"), args.end());
  EXPECT_EQ(std::find(args.begin(), args.end(), "-c"), args.end());
  EXPECT_EQ(std::find(args.begin(), args.end(), "x.o"), args.end());
  EXPECT_EQ(std::find(args.begin(), args.end(), "src/a.cpp"), args.end());
  EXPECT_NE(std::find(args.begin(), args.end(), "-resource-dir"), args.end());
}

// Writes a compile_commands.json for data/engine with relative -I paths.
std::string write_database(const TempDir& tmp) {
  nlohmann::json db = nlohmann::json::array();
  for (const char* f : {"uses.cpp", "suppress.cpp"}) {
    db.push_back({{"directory", engine_dir()},
                  {"command", std::string("/usr/bin/c++ -I. -std=c++20 -o ") + f + ".o -c " + f},
                  {"file", f}});
  }
  return tmp.write("build/compile_commands.json", db.dump(2));
}

TEST(CompileDatabase, UnitsComeFromTheDatabaseAndMatchInferredFlags) {
  TempDir tmp;
  write_database(tmp);
  LintOptions opts;
  opts.compile_db = tmp.path() + "/build";
  opts.paths = {engine_dir()};
  opts.display_base = engine_dir();
  opts.infer = false;  // the rule hits of both modes are compared
  const auto with_db = run_lint(opts, test_rules());
  EXPECT_EQ(with_db.units, 2u);
  EXPECT_EQ(with_db.units_with_errors, 0u);
  const auto inferred = rule_hits(engine_dir(), test_rules());
  EXPECT_EQ(findings_in(with_db, engine_dir() + "/uses.cpp"), findings_in(inferred, engine_dir() + "/uses.cpp"));
  EXPECT_FALSE(findings_in(with_db, engine_dir() + "/uses.cpp").empty());
}

TEST(CompileDatabase, BrokenOrMissingDatabaseIsBadInput) {
  TempDir tmp;
  EXPECT_THROW(load_compile_database(tmp.path()), InputError);
  tmp.write("compile_commands.json", "[{\"directory\": ");
  try {
    load_compile_database(tmp.path());
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("broken compile database"), std::string::npos) << e.what();
  }
  tmp.write("compile_commands.json", "[]");
  EXPECT_THROW(load_compile_database(tmp.path()), InputError);
}

TEST(Scan, MissingPathIsBadInputAndBuildTreesAreSkipped) {
  EXPECT_THROW(scan_paths({"/definitely/not/here"}), InputError);
  TempDir tmp;
  tmp.write("src/a.cpp", "int a;");
  tmp.write("include/lib/x.hpp", "int x;");
  tmp.write("build/gen.cpp", "int g;");
  tmp.write(".git/hook.cpp", "int h;");
  const auto tree = scan_paths({tmp.path()});
  ASSERT_EQ(tree.sources.size(), 1u);
  EXPECT_NE(tree.sources[0].find("src/a.cpp"), std::string::npos);
  // Both include/ and include/lib/ are include directories.
  const auto has = [&](const std::string& suffix) {
    return std::any_of(tree.include_dirs.begin(), tree.include_dirs.end(), [&](const std::string& d) {
      return d.size() >= suffix.size() && d.compare(d.size() - suffix.size(), suffix.size(), suffix) == 0;
    });
  };
  EXPECT_TRUE(has("/include"));
  EXPECT_TRUE(has("/include/lib"));
}

TEST(Frontend, ResourceDirHasTheBuiltinHeaders) {
  EXPECT_TRUE(std::filesystem::exists(clang_resource_dir() + "/include/stddef.h")) << clang_resource_dir();
  // A unit using a builtin header parses without errors.
  TempDir tmp;
  tmp.write("b.cpp", "#include <stddef.h>\n#include <stdarg.h>\nsize_t n = sizeof(va_list);\n");
  const auto result = rule_hits(tmp.path(), test_rules());
  EXPECT_EQ(result.units_with_errors, 0u);
}

}  // namespace
