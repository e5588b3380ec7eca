// mcp-lint on hostile or broken input (issue 9, "Linter robustness"): each
// case runs the real executable and checks the exit code, that stderr names
// the file and the cause, and that the other units' findings still appear.
// (Unreadable files and missing paths: cli_test.cpp.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "lint_test_support.hpp"

using namespace lint_test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kPack = "--rules=" LINT_TEST_DIR "/packs";
const std::string kGood = "const char* m = \"sampling/createMessage\";\n";  // one test/sampling-method-string

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// nlohmann's strict serialisation is the UTF-8 validator (it throws on any invalid sequence).
bool valid_utf8(const std::string& text) {
  try {
    (void)json(text).dump();
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

// (file name, line) of every finding of a JSON report.
std::set<std::pair<std::string, unsigned>> finding_sites(const json& report) {
  std::set<std::pair<std::string, unsigned>> out;
  for (const auto& f : report.at("findings"))
    out.emplace(fs::path(f.at("file").get<std::string>()).filename().string(), f.at("line").get<unsigned>());
  return out;
}

std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Robustness, InvalidUtf8InSourcesNeverReachesTheOutput) {
  TempDir tmp;
  tmp.write("good.cpp", kGood);
  // Invalid bytes in a string literal and a comment on a line with a finding,
  // in a comment, and in identifiers (clang: "source file is not valid UTF-8").
  tmp.write("bad.cpp",
            "const char* m = \"sampling/createMessage\"; const char* s = \"\xff\xfe\"; // caf\xe9 \x80\n"
            "// Latin-1 comment: r\xe9sum\xe9\n"
            "int caf\xe9 = 1;\n"
            "int \xc3\x28 = 2;\n");
  for (const std::string format : {"text", "json", "sarif"}) {
    const auto r = run_mcp_lint({tmp.path(), kPack, "--format", format});
    EXPECT_EQ(r.exit_code, 1) << format << ": " << r.err;
    EXPECT_TRUE(valid_utf8(r.out)) << format << ": " << r.out;
    EXPECT_TRUE(contains(r.err, "bad.cpp:3:")) << r.err;  // the unit with errors is named, with the cause
    EXPECT_TRUE(contains(r.err, "not valid UTF-8")) << r.err;
    if (format == "text") {
      EXPECT_TRUE(contains(r.out, "good.cpp:1:17: warning")) << r.out;
      // The snippet quotes the line with U+FFFD for each invalid sequence.
      EXPECT_TRUE(contains(r.out, "const char* s = \"\xEF\xBF\xBD\xEF\xBF\xBD\"; // caf\xEF\xBF\xBD \xEF\xBF\xBD")) << r.out;
    } else {
      const json report = json::parse(r.out);  // strict: throws on invalid UTF-8
      if (format == "json") {
        EXPECT_EQ(finding_sites(report), (std::set<std::pair<std::string, unsigned>>{{"bad.cpp", 1}, {"good.cpp", 1}}));
        EXPECT_EQ(report["summary"]["units_with_errors"], 1);
      } else {
        EXPECT_EQ(report["runs"][0]["results"].size(), 2u);
      }
    }
  }
  // The result cache stores units as JSON too: a unit it cannot store is linted, not fatal.
  for (int run = 0; run < 2; ++run) {
    const auto r = run_mcp_lint({tmp.path(), kPack, "--format", "json", "--cache-dir", tmp.path() + "/.cache"});
    EXPECT_EQ(r.exit_code, 1) << "run " << run << ": " << r.err;
    EXPECT_EQ(finding_sites(json::parse(r.out)).size(), 2u) << r.out;
  }
}

TEST(Robustness, HugeGeneratedFileIsSkippedWithAWarning) {
  TempDir tmp;
  tmp.write("good.cpp", kGood);
  // 9 MiB of embedded data (over the default 8 MiB), a finding at its end.
  {
    std::ofstream gen(tmp.path() + "/generated.cpp", std::ios::binary);
    gen << "const unsigned char blob[] = {\n";
    const std::string row = "0x01,0x02,0x03,0x04,0x05,0x06,0x07,0x08,0x09,0x0a,0x0b,0x0c,0x0d,0x0e,0x0f,0x10,\n";
    for (std::size_t written = 0; written < (std::size_t{9} << 20); written += row.size()) gen << row;
    gen << "};\n" << kGood;
  }
  const auto r = run_mcp_lint({tmp.path(), kPack, "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the findings decide; a skipped file is a warning
  EXPECT_TRUE(contains(r.err, "warning: " + tmp.path() + "/generated.cpp: skipped: ")) << r.err;
  EXPECT_TRUE(contains(r.err, "over --max-file-size (8388608 bytes")) << r.err;
  const json report = json::parse(r.out);
  EXPECT_EQ(finding_sites(report), (std::set<std::pair<std::string, unsigned>>{{"good.cpp", 1}}));
  EXPECT_EQ(report["summary"]["units_skipped"], 1);
  EXPECT_EQ(report["summary"]["units"], 1);
  EXPECT_TRUE(contains(report["warnings"].dump(), "generated.cpp: skipped")) << report["warnings"];

  // The limit is the only reason: a 100 KB file is skipped under 64KiB and linted under 1MiB.
  TempDir small;
  small.write("medium.cpp", std::string(100'000, '\n') + kGood);
  const auto skipped = run_mcp_lint({small.path(), kPack, "--max-file-size", "64KiB", "--format", "json"});
  EXPECT_EQ(skipped.exit_code, 0) << skipped.err;
  EXPECT_TRUE(contains(skipped.err, "medium.cpp: skipped: 100042 bytes, over --max-file-size (65536 bytes")) << skipped.err;
  const auto linted = run_mcp_lint({small.path(), kPack, "--max-file-size", "1MiB", "--format", "json"});
  EXPECT_EQ(linted.exit_code, 1) << linted.err;
  EXPECT_EQ(finding_sites(json::parse(linted.out)), (std::set<std::pair<std::string, unsigned>>{{"medium.cpp", 100'001}}));
  EXPECT_FALSE(contains(linted.err, "skipped")) << linted.err;
}

TEST(Robustness, SymlinkLoopsEndAndEachSourceIsLintedOnce) {
  TempDir tmp;
  tmp.write("src/a.cpp", kGood);
  fs::create_directory_symlink("..", tmp.path() + "/src/up");       // src/up/src/up/... : a loop
  fs::create_directory_symlink(".", tmp.path() + "/src/self_dir");  // src/self_dir/self_dir/...
  fs::create_symlink("a.cpp", tmp.path() + "/src/link.cpp");        // the same source twice
  fs::create_symlink(tmp.path() + "/missing/gone.cpp", tmp.path() + "/src/dangling.cpp");
  fs::create_symlink("loop.cpp", tmp.path() + "/src/loop.cpp");  // a link to itself
  const auto r = run_mcp_lint({tmp.path() + "/src", kPack, "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const json report = json::parse(r.out);
  EXPECT_EQ(report["summary"]["units"], 1) << r.err;  // a.cpp once: not again as link.cpp, up/src/a.cpp, ...
  EXPECT_EQ(finding_sites(report), (std::set<std::pair<std::string, unsigned>>{{"a.cpp", 1}}));
  EXPECT_TRUE(contains(r.err, "warning: " + tmp.path() + "/src/dangling.cpp: dangling symbolic link")) << r.err;
  EXPECT_TRUE(contains(r.err, "warning: " + tmp.path() + "/src/loop.cpp: symbolic link loop")) << r.err;

  // Named on the command line, they are bad input with the real cause.
  auto bad = run_mcp_lint({tmp.path() + "/src/loop.cpp", kPack});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(contains(bad.err, "src/loop.cpp: Too many levels of symbolic links")) << bad.err;
  bad = run_mcp_lint({tmp.path() + "/src/dangling.cpp", kPack});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(contains(bad.err, "src/dangling.cpp: dangling symbolic link")) << bad.err;
}

TEST(Robustness, BrokenCompileDatabaseNamesTheEntryAndExits2) {
  TempDir tmp;
  const std::string src = tmp.write("a.cpp", kGood);
  const json good = {{"directory", tmp.path()}, {"file", "a.cpp"}, {"command", "c++ -c a.cpp"}};
  const std::string huge = "c++ -c a.cpp " + std::string(3u << 20, 'x');
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"directory": "/", "file": "a.cpp"})", "compile database must be a JSON array"},
      {"[" + good.dump() + ", 7]", "entry [1]: a JSON number, not an object"},
      {R"([{"file": "a.cpp", "command": "c++ -c a.cpp"}])", "entry [0]: no \"directory\""},
      {"[" + good.dump() + R"(, {"directory": "/", "command": "c++ -c a.cpp"}])", "entry [1]: no \"file\""},
      {R"([{"directory": "/", "file": "a.cpp", "arguments": ["c++", 3, "a.cpp"]}])",
       "entry [0]: \"arguments\"[1] is a JSON number, not a string"},
      {R"([{"directory": "/", "file": "a.cpp", "arguments": "c++ a.cpp"}])", "entry [0]: \"arguments\" is not a non-empty array"},
      {R"([{"directory": "/", "file": "a.cpp"}])", "entry [0]: neither \"arguments\" nor \"command\""},
      {"[" + good.dump() + ", " + json{{"directory", tmp.path()}, {"file", "a.cpp"}, {"command", huge}}.dump() + "]",
       "entry [1]: a command line of 3145741 bytes, longer than any command a build can run"},
  };
  for (const auto& [content, message] : cases) {
    tmp.write("build/compile_commands.json", content);
    const auto r = run_mcp_lint({"-p", tmp.path() + "/build", kPack});
    EXPECT_EQ(r.exit_code, 2) << message << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, "mcp-lint: error: " + tmp.path() + "/build/compile_commands.json: ")) << r.err;
    EXPECT_TRUE(contains(r.err, message)) << message << "\n" << r.err;
  }
}

TEST(Robustness, StaleCompileDatabaseEntryIsSkippedWithAWarning) {
  // A file deleted since the build was configured: clang-tidy reports it and
  // goes on; so does mcp-lint, with a warning naming the entry.
  TempDir tmp;
  tmp.write("a.cpp", kGood);
  json db = json::array({{{"directory", tmp.path()}, {"file", "gone.cpp"}, {"command", "c++ -c gone.cpp"}},
                         {{"directory", tmp.path()}, {"file", "a.cpp"}, {"command", "c++ -c a.cpp"}}});
  tmp.write("build/compile_commands.json", db.dump());
  auto r = run_mcp_lint({"-p", tmp.path() + "/build", kPack, "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(contains(r.err, "warning: " + tmp.path() + "/build/compile_commands.json: entry [0]: " + tmp.path() +
                                  "/gone.cpp: no such file (stale database?), skipped"))
      << r.err;
  const json report = json::parse(r.out);
  EXPECT_EQ(finding_sites(report), (std::set<std::pair<std::string, unsigned>>{{"a.cpp", 1}}));
  EXPECT_EQ(report["summary"]["units"], 1);
  EXPECT_EQ(report["summary"]["units_failed"], 0);

  db.erase(1);  // nothing left to lint
  tmp.write("build/compile_commands.json", db.dump());
  r = run_mcp_lint({"-p", tmp.path() + "/build", kPack});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "compile_commands.json: no entry of the compile database names an existing file")) << r.err;
}

TEST(Robustness, HostileCompileDatabaseLoadsNothingAndWritesNothing) {
  TempDir tmp;
  tmp.write("src/a.cpp", "#include <stddef.h>\n" + kGood);  // a builtin header: -fmodules would build a module
  const std::string out = tmp.path() + "/out";  // where the flags ask for files
  fs::create_directory(out);
  tmp.write("evil.so", "not loaded");  // a real file, so that only the filter keeps it out
  const json args = {"c++", "-std=c++20", "-fplugin=/nonexistent/evil.so", "-fpass-plugin=" + tmp.path() + "/evil.so",
                     "-Xclang", "-load", "-Xclang", tmp.path() + "/evil.so", "-Xclang", "-add-plugin", "-Xclang", "evil",
                     "-MD", "-MF", out + "/deps.d", "-MJ", out + "/mj.json", "-Wp,-MMD," + out + "/deps2.d",
                     "--serialize-diagnostics", out + "/diag.dia", "-fmodules", "-fmodules-cache-path=" + out + "/modules",
                     "-save-temps", "-ftime-trace", "-c", "a.cpp", "-o", out + "/a.o"};
  tmp.write("build/compile_commands.json",
            json::array({{{"directory", tmp.path() + "/src"}, {"file", "a.cpp"}, {"arguments", args}}}).dump());
  const auto before = files_under(tmp.path());
  const auto r = run_mcp_lint({"-p", tmp.path() + "/build", kPack, "--format", "json"}, tmp.path() + "/src");
  EXPECT_EQ(r.exit_code, 1) << r.err;  // linted (unfiltered, -add-plugin or -save-temps fail the parse: exit 4)
  EXPECT_EQ(finding_sites(json::parse(r.out)), (std::set<std::pair<std::string, unsigned>>{{"a.cpp", 2}}));
  EXPECT_EQ(files_under(tmp.path()), before);  // no dependency file, no module cache, no temporaries
  // One warning per kind of flag, naming it and the entry; the routine -c -o -MD -MF are dropped silently.
  for (const std::string kind : {"-fplugin= (loads code", "-fpass-plugin= (loads code", "-Xclang -load (loads code",
                                 "-Xclang -add-plugin (loads code", "-MJ (writes files", "-Wp, (writes files",
                                 "--serialize-diagnostics (writes files", "-fmodules (builds clang modules",
                                 "-fmodules-cache-path= (builds clang modules", "-save-temps (writes files",
                                 "-ftime-trace (writes files"})
    EXPECT_TRUE(contains(r.err, "compile_commands.json: dropped " + kind)) << kind << "\n" << r.err;
  EXPECT_TRUE(contains(r.err, "first `-fplugin=/nonexistent/evil.so` in entry [0]")) << r.err;
  EXPECT_FALSE(contains(r.err, "dropped -MF")) << r.err;
  EXPECT_FALSE(contains(r.err, "dropped -o")) << r.err;
}

TEST(Robustness, LibclangCrashIsReportedAndTheRunGoesOn) {
  // Two real ways to crash clang inside libclang's crash recovery: a trap and
  // an LLVM fatal error. clang_parseTranslationUnit2 returns CXError_Crashed.
  TempDir tmp;
  tmp.write("good.cpp", kGood);
  tmp.write("trap.cpp", "#pragma clang __debug crash\nint x;\n");
  tmp.write("fatal.cpp", "#pragma clang __debug llvm_fatal_error\nint y;\n");
  for (const std::string format : {"json", "sarif"}) {
    const auto r = run_mcp_lint({tmp.path(), kPack, "--format", format, "--fail-on", "none"});
    EXPECT_EQ(r.exit_code, 5) << r.err;  // even with --fail-on none: the findings are incomplete
    for (const char* name : {"trap.cpp", "fatal.cpp"})
      EXPECT_TRUE(contains(r.err, "mcp-lint: error: libclang crashed while parsing " + tmp.path() + "/" + name)) << r.err;
    EXPECT_TRUE(contains(r.err, "2 of 3 translation units were not analysed (exit code 5)")) << r.err;
    const json report = json::parse(r.out);
    if (format == "json") {
      EXPECT_EQ(finding_sites(report), (std::set<std::pair<std::string, unsigned>>{{"good.cpp", 1}}));
      EXPECT_EQ(report["summary"]["units_failed"], 2);
      EXPECT_EQ(report["summary"]["units_crashed"], 2);
      ASSERT_EQ(report["unit_problems"].size(), 2u);
      EXPECT_EQ(report["unit_problems"][0]["failed"], true);
    } else {
      const json& run = report["runs"][0];
      EXPECT_EQ(run["results"].size(), 1u);
      EXPECT_EQ(run["invocations"][0]["executionSuccessful"], false);
      std::size_t errors = 0;
      for (const auto& n : run["invocations"][0]["toolExecutionNotifications"])
        if (n["level"] == "error" && contains(n["message"]["text"].get<std::string>(), "libclang crashed while parsing")) ++errors;
      EXPECT_EQ(errors, 2u) << run["invocations"];
    }
  }
  // Nothing parsed at all: exit 4, as before.
  fs::remove(tmp.path() + "/good.cpp");
  const auto none = run_mcp_lint({tmp.path(), kPack});
  EXPECT_EQ(none.exit_code, 4) << none.err;
  EXPECT_TRUE(contains(none.err, "libclang could not parse any translation unit")) << none.err;
}

}  // namespace
