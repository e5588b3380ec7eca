// mcp-lint's incremental options end to end (the executable): --cache-dir
// prints byte-identical output to an uncached run; --changed-since on a real
// git repository reports what a diff affects, and fails clearly outside one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "lint_test_support.hpp"

using namespace lint_test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kTestPack = "--rules=" LINT_TEST_DIR "/packs";
const std::string kRealRules = "--rules=" LINT_RULES_DIR;
constexpr const char* kSampling = "const char* m = \"sampling/createMessage\";\n";

std::string quote(const std::string& s) { return "'" + s + "'"; }

// A git work tree in a temporary directory (git is a test dependency).
struct GitRepo {
  TempDir dir;
  void git(const std::string& args) const {
    const std::string cmd = "git -C " + quote(dir.path()) + " -c user.name=test -c user.email=test@example.invalid " + args +
                            " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  void commit_all() const {
    git("add -A");
    git("commit -q -m snapshot");
  }
};

std::set<std::string> reported_files(const Command& r) {
  std::set<std::string> out;
  const json doc = json::parse(r.out);
  for (const auto& f : doc["findings"]) out.insert(f["file"].get<std::string>());
  return out;
}

TEST(IncrementalCli, CachedRunsPrintByteIdenticalJsonAndSarif) {
  TempDir tmp;
  const std::string data = test_dir() + "/data/inference";
  const std::string cache = "--cache-dir=" + tmp.path() + "/cache";
  for (const char* format : {"json", "sarif"}) {
    const std::vector<std::string> base{data, kRealRules, "--format", format, "-j", "2"};
    auto with = [&](std::vector<std::string> extra) {
      auto args = base;
      args.insert(args.end(), extra.begin(), extra.end());
      return run_mcp_lint(args, tmp.path());
    };
    const auto first = with({cache});
    const auto second = with({cache});
    const auto uncached = with({cache, "--no-cache"});
    EXPECT_EQ(first.exit_code, 1) << first.err;
    EXPECT_NE(first.out.find("inferred/sampling-use"), std::string::npos);  // the cached facts feed the inference
    EXPECT_EQ(first.out, second.out);
    EXPECT_EQ(first.out, uncached.out);
    EXPECT_EQ(first.exit_code, second.exit_code);
    EXPECT_NE(second.err.find(": 2 hits, 0 misses"), std::string::npos) << second.err;
    EXPECT_EQ(uncached.err.find("hits"), std::string::npos) << uncached.err;
  }
  EXPECT_TRUE(fs::exists(tmp.path() + "/cache/CACHEDIR.TAG"));
}

TEST(IncrementalCli, ChangedSinceReportsTheUnitsADiffAffects) {
  GitRepo repo;
  repo.dir.write("h.hpp", "#pragma once\ninline int helper() { return 1; }\n");
  repo.dir.write("a.cpp", std::string("#include \"h.hpp\"\n") + kSampling);
  repo.dir.write("b.cpp", kSampling);
  repo.dir.write("c.cpp", kSampling);
  repo.git("init -q");
  repo.commit_all();
  TempDir cache_dir;
  auto lint = [&](const std::string& ref, bool cached) {
    std::vector<std::string> args{".", kTestPack, "--format", "json", "--changed-since", ref};
    if (cached) args.push_back("--cache-dir=" + cache_dir.path());
    return run_mcp_lint(args, repo.dir.path());
  };

  auto r = lint("HEAD", true);
  EXPECT_EQ(r.exit_code, 0) << r.err;  // nothing changed: nothing to report
  EXPECT_TRUE(reported_files(r).empty());
  EXPECT_NE(r.err.find("0 changed files affect 0 of 3 units; 3 findings outside them not reported"), std::string::npos) << r.err;

  repo.dir.write("b.cpp", std::string("// edited\n") + kSampling);
  r = lint("HEAD", true);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(reported_files(r), (std::set<std::string>{"b.cpp"})) << r.err;
  EXPECT_NE(r.err.find("affect 1 of 3 units"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 hits, 1 misses"), std::string::npos) << r.err;  // index facts of a and c from the cache

  repo.commit_all();  // the change is now in HEAD; HEAD~1 still sees it
  repo.dir.write("h.hpp", "#pragma once\n// edited header\ninline int helper() { return 1; }\n");
  r = lint("HEAD~1", true);
  EXPECT_EQ(reported_files(r), (std::set<std::string>{"a.cpp", "b.cpp"}));  // a.cpp includes h.hpp
  EXPECT_EQ(r.out, lint("HEAD~1", false).out);  // the cache changes nothing

  repo.dir.write("d.cpp", kSampling);  // untracked files count as changed
  r = lint("HEAD", true);
  EXPECT_EQ(reported_files(r), (std::set<std::string>{"a.cpp", "d.cpp"}));
}

TEST(IncrementalCli, ChangedSinceKeepsInferenceChainsThroughChangedFiles) {
  GitRepo repo;
  const std::string data = test_dir() + "/data/inference";
  for (const char* f : {"app.cpp", "client.cpp", "client.hpp"}) repo.dir.write(f, read_file(data + "/" + f));
  repo.git("init -q");
  repo.commit_all();
  repo.dir.write("client.cpp", read_file(data + "/client.cpp") + "// edited\n");
  const auto r = run_mcp_lint({".", kRealRules, "--format", "json", "--changed-since", "HEAD"}, repo.dir.path());
  std::size_t app_findings = 0;
  const json doc = json::parse(r.out);
  for (const auto& f : doc["findings"]) {
    const std::string file = f["file"];
    if (file == "client.cpp" || file == "client.hpp") continue;  // the affected unit's own files
    ++app_findings;
    bool through_client = false;
    for (const auto& step : f.value("chain", json::array())) through_client |= step["file"] == "client.cpp";
    EXPECT_TRUE(through_client) << f.dump();
  }
  EXPECT_GT(app_findings, 0u) << "app.cpp's calls of the API changed in client.cpp are reported";
}

TEST(IncrementalCli, ChangedSinceFailsClearlyOutsideGitOrForAnUnknownRevision) {
  TempDir plain;
  plain.write("a.cpp", kSampling);
  auto r = run_mcp_lint({".", kTestPack, "--changed-since", "HEAD"}, plain.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not inside a git work tree"), std::string::npos) << r.err;

  GitRepo repo;
  repo.dir.write("a.cpp", kSampling);
  repo.git("init -q");
  repo.commit_all();
  r = run_mcp_lint({".", kTestPack, "--changed-since", "no-such-branch"}, repo.dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown git revision 'no-such-branch'"), std::string::npos) << r.err;
  r = run_mcp_lint({".", kTestPack, "--changed-since=--output=/tmp/x"}, repo.dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not a git revision"), std::string::npos) << r.err;
}

}  // namespace
