#include "lint_test_support.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "frontend/source_scan.hpp"

namespace fs = std::filesystem;

namespace lint_test {

std::string test_dir() { return LINT_TEST_DIR; }
std::string rules_dir() { return LINT_RULES_DIR; }
std::string test_pack_dir() { return test_dir() + "/packs"; }

std::set<std::string> parse_expectation_line(const std::string& line) {
  static const std::regex marker(
      R"(//\s*expect:\s*([a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*(\s*,\s*[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*)*)\s*$)");
  std::smatch m;
  std::set<std::string> out;
  if (!std::regex_search(line, m, marker)) return out;
  std::stringstream ids(m[1].str());
  std::string id;
  while (std::getline(ids, id, ',')) {
    id.erase(0, id.find_first_not_of(" \t"));
    id.erase(id.find_last_not_of(" \t") + 1);
    out.insert(id);
  }
  return out;
}

Expectations parse_expectations(const std::string& file_path) {
  Expectations out;
  std::ifstream in(file_path);
  std::string line;
  unsigned n = 0;
  while (std::getline(in, line)) {
    ++n;
    for (const auto& id : parse_expectation_line(line)) out.emplace(n, id);
  }
  return out;
}

mcp_lint::LintResult lint_dir(const std::string& dir, const mcp_lint::RuleSet& rules, unsigned jobs, bool infer) {
  mcp_lint::LintOptions opts;
  opts.paths = {dir};
  opts.jobs = jobs;
  opts.infer = infer;
  opts.display_base = dir;
  return mcp_lint::run_lint(opts, rules);
}

Expectations findings_in(const mcp_lint::LintResult& result, const std::string& abs_file) {
  Expectations out;
  const std::string want = mcp_lint::normalize_path(abs_file);
  for (const auto& f : result.findings)
    if (f.abs_file == want) out.emplace(f.line, f.rule);
  return out;
}

namespace {
std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}
}  // namespace

Command run_mcp_lint(const std::vector<std::string>& args, const std::string& cwd, const std::string& runner) {
  TempDir tmp;
  std::string cmd;
  if (!cwd.empty()) cmd += "cd " + quote(cwd) + " && ";
  if (!runner.empty()) cmd += runner + " ";
  cmd += quote(MCP_LINT_EXE);
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " >" + quote(tmp.path() + "/out") + " 2>" + quote(tmp.path() + "/err") + " </dev/null";
  const int status = std::system(cmd.c_str());
  Command c{};
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  c.out = read_file(tmp.path() + "/out");
  c.err = read_file(tmp.path() + "/err");
  return c;
}

TempDir::TempDir() {
  std::string templ = (fs::temp_directory_path() / "mcp-lint-test-XXXXXX").string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& rel, const std::string& content) const {
  fs::path p = fs::path(path_) / rel;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

}  // namespace lint_test
