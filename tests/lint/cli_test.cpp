// The mcp-lint executable: the three usage forms of the issue, exit codes and
// error messages for bad input.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "lint_test_support.hpp"

using namespace lint_test;
using nlohmann::json;

namespace {

std::string engine_dir() { return test_dir() + "/data/engine"; }
const std::string kPack = "--rules=" LINT_TEST_DIR "/packs";

std::string write_database(const TempDir& tmp) {
  json db = json::array();
  for (const char* f : {"uses.cpp", "suppress.cpp"})
    db.push_back({{"directory", engine_dir()}, {"command", std::string("c++ -I. -std=c++20 -c ") + f}, {"file", f}});
  tmp.write("build/compile_commands.json", db.dump());
  return tmp.path() + "/build";
}

TEST(Cli, HelpExplainsOptionsAndExitCodes) {
  const auto r = run_mcp_lint({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* s : {"--format", "--report", "--baseline", "--fail-on", "--rules", "--color", "-j", "-p", "Exit codes",
                        "mcp-lint: ignore", "libclang"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
}

TEST(Cli, VersionNamesTheLibclangInUse) {
  // Cache keys and findings depend on the libclang that parsed the code, so a bug report must be able to name it.
  const auto r = run_mcp_lint({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("mcp-lint "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(libclang: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("clang version"), std::string::npos) << r.out;
}

TEST(Cli, UsageFormOneCompileDatabaseAndPath) {
  TempDir tmp;
  const auto build = write_database(tmp);
  const auto r = run_mcp_lint({"-p", build, engine_dir(), kPack, "--color=never"});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // warnings and errors found; default --fail-on warning
  EXPECT_NE(r.out.find("uses.cpp:33:19: warning: uses sampling/createMessage [test/sampling-method-string]"), std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("2 translation units"), std::string::npos) << r.err;
}

TEST(Cli, CompileDatabaseKeepsRelativePathsRelativeToTheStartDirectory) {
  // The database's directory differs from the start directory: displayed
  // paths, SARIF base and relative -o/--report paths stay relative to the start.
  TempDir tmp;
  tmp.write("a.cpp", "const char* m = \"sampling/createMessage\";\n");
  tmp.write("build/compile_commands.json",
            json::array({{{"directory", tmp.path() + "/build"}, {"command", "c++ -std=c++20 -c ../a.cpp -o a.o"}, {"file", "../a.cpp"}}})
                .dump());
  const auto r = run_mcp_lint({"-p", "build", kPack, "--format", "sarif", "-o", "out.sarif", "--report", "plan.md", "-q"}, tmp.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json sarif = json::parse(read_file(tmp.path() + "/out.sarif"));
  EXPECT_EQ(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "a.cpp");
  EXPECT_EQ(sarif["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"], "file://" + tmp.path() + "/");
  EXPECT_NE(read_file(tmp.path() + "/plan.md").find("a.cpp:1:"), std::string::npos);
}

TEST(Cli, UsageFormTwoInferredFlagsSarifToFile) {
  TempDir tmp;
  const auto out = tmp.path() + "/mcp-lint.sarif";
  const auto r = run_mcp_lint({engine_dir(), "--format", "sarif", "-o", out, kPack, "-q"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(r.err.empty()) << r.err;  // --quiet
  const json sarif = json::parse(read_file(out));
  EXPECT_EQ(sarif["version"], "2.1.0");
  EXPECT_FALSE(sarif["runs"][0]["results"].empty());
}

TEST(Cli, UsageFormThreeMigrationReport) {
  TempDir tmp;
  const auto build = write_database(tmp);
  for (const char* name : {"migration.html", "migration.md"}) {
    const auto report = tmp.path() + "/" + name;
    const auto r = run_mcp_lint({"-p", build, "--report", report, kPack, "-q"}, tmp.path());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto text = read_file(report);
    EXPECT_NE(text.find("migration plan"), std::string::npos) << name;
    EXPECT_NE(text.find("uses.cpp"), std::string::npos) << name;
  }
  const auto bad = run_mcp_lint({"-p", build, "--report", tmp.path() + "/plan.pdf", kPack});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(Cli, PrintFlagsShowsTheInferredFlags) {
  const auto r = run_mcp_lint({"--print-flags", engine_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("-std=c++20\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-I" + engine_dir() + "/sdk\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-resource-dir\n"), std::string::npos) << r.out;
  EXPECT_EQ(run_mcp_lint({"--print-flags", "/no/such/dir"}).exit_code, 2);
}

TEST(Cli, FailOnThresholds) {
  // data/dedupe has exactly one warning.
  const std::string dir = test_dir() + "/data/dedupe";
  EXPECT_EQ(run_mcp_lint({dir, kPack, "-q"}).exit_code, 1);
  EXPECT_EQ(run_mcp_lint({dir, kPack, "-q", "--fail-on", "note"}).exit_code, 1);
  EXPECT_EQ(run_mcp_lint({dir, kPack, "-q", "--fail-on", "error"}).exit_code, 0);
  EXPECT_EQ(run_mcp_lint({dir, kPack, "-q", "--fail-on", "none"}).exit_code, 0);
  EXPECT_EQ(run_mcp_lint({dir, kPack, "-q", "--fail-on", "loud"}).exit_code, 2);
}

TEST(Cli, BaselineMakesKnownFindingsPass) {
  TempDir tmp;
  const auto first = run_mcp_lint({engine_dir(), kPack, "-q", "--format", "json", "-o", tmp.path() + "/base.json"});
  EXPECT_EQ(first.exit_code, 1);
  const auto second = run_mcp_lint({engine_dir(), kPack, "--format", "json", "--baseline", tmp.path() + "/base.json"});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  const json j = json::parse(second.out);
  EXPECT_TRUE(j["findings"].empty());
  EXPECT_GT(j["summary"]["baseline_matched"].get<int>(), 0);
  EXPECT_NE(second.err.find("known from the baseline"), std::string::npos);
}

TEST(Cli, BadInputHasClearMessagesAndExitCode2) {
  TempDir tmp;
  auto r = run_mcp_lint({tmp.path() + "/no/such/dir", kPack});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no/such/dir: no such file or directory"), std::string::npos) << r.err;

  r = run_mcp_lint({"-p", tmp.path(), kPack});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no compile_commands.json"), std::string::npos) << r.err;

  tmp.write("broken/compile_commands.json", "[{\"file\": ");
  r = run_mcp_lint({"-p", tmp.path() + "/broken", kPack});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("broken compile database"), std::string::npos) << r.err;

  r = run_mcp_lint({engine_dir(), kPack, "--baseline", tmp.path()});  // a directory is not a readable baseline
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("baseline"), std::string::npos) << r.err;

  r = run_mcp_lint({engine_dir(), kPack, "-o", tmp.path() + "/missing-dir/out.txt"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot write output file"), std::string::npos) << r.err;

  r = run_mcp_lint({"--no-such-option"});
  EXPECT_EQ(r.exit_code, 2);

  tmp.write("empty/readme.txt", "no sources");
  r = run_mcp_lint({tmp.path() + "/empty", kPack});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no C++ source files"), std::string::npos) << r.err;
}

TEST(Cli, UnreadableFileIsBadInput) {
  TempDir tmp;
  const auto f = tmp.write("secret.cpp", "int x;");
  chmod(f.c_str(), 0);
  // Root reads any file, so as root (CI) run mcp-lint as `nobody`: the file
  // stays unreadable, its folder (mode 0755) and everything else stay readable.
  std::string runner;
  if (geteuid() == 0) {
    chmod(tmp.path().c_str(), 0755);
    runner = "setpriv --reuid=65534 --regid=65534 --clear-groups --";
    // The check needs `nobody` to reach mcp-lint and the packs (a checkout under
    // a private home folder would not allow it).
    const std::string probe = runner + " test -x '" MCP_LINT_EXE "' -a -r '" LINT_TEST_DIR "/packs/test.yaml'";
    if (std::system(probe.c_str()) != 0)
      GTEST_SKIP() << "running as root and user nobody cannot reach " MCP_LINT_EXE;
  }
  const auto r = run_mcp_lint({f, kPack}, "", runner);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot read file"), std::string::npos) << r.err;
}

TEST(Cli, InvalidRulePacksExitWith3AndNameTheProblem) {
  TempDir tmp;
  tmp.write("rules/p.yaml", "pack: p\ndescription: d\nrules:\n  - id: x\n    feature: roots\n");
  const auto r = run_mcp_lint({engine_dir(), "--rules", tmp.path() + "/rules"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("p.yaml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rule 'x'"), std::string::npos) << r.err;
}

TEST(Cli, DefaultRulesAreFoundWithoutRulesOption) {
  const auto r = run_mcp_lint({test_dir() + "/fixtures", "--format", "json", "--fail-on", "none"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(json::parse(r.out)["findings"].empty());
}

TEST(Cli, ColorOnlyWhenAskedOrOnATerminal) {
  const std::string dir = test_dir() + "/data/dedupe";
  EXPECT_EQ(run_mcp_lint({dir, kPack, "-q"}).out.find("\033["), std::string::npos);  // stdout is a file
  EXPECT_NE(run_mcp_lint({dir, kPack, "-q", "--color", "always"}).out.find("\033["), std::string::npos);
}

}  // namespace
