#pragma once
// Shared helpers: lint a directory in-process, read `// expect:` markers,
// run the mcp-lint executable.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/rule_pack.hpp"
#include "frontend/lint_run.hpp"

namespace lint_test {

// (line, full rule id)
using Expectations = std::set<std::pair<unsigned, std::string>>;

// Parses `// expect: <pack>/<id>[, <pack>/<id>...]` at the end of each line.
// A line whose text after `expect:` is not such a list (documentation) has none.
Expectations parse_expectations(const std::string& file_path);
std::set<std::string> parse_expectation_line(const std::string& line);

// `infer`: also the cross-unit inference (inferred/... findings), as mcp-lint does by default.
mcp_lint::LintResult lint_dir(const std::string& dir, const mcp_lint::RuleSet& rules, unsigned jobs = 2, bool infer = true);

// Findings of `result` in `abs_file` as (line, rule).
Expectations findings_in(const mcp_lint::LintResult& result, const std::string& abs_file);

std::string test_dir();
std::string rules_dir();
std::string test_pack_dir();

struct Command {
  int exit_code;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs mcp-lint with `args` (shell-quoted here) from `cwd`.
// `runner` prefixes the command (e.g. a privilege drop); empty runs it directly.
Command run_mcp_lint(const std::vector<std::string>& args, const std::string& cwd = "",
                     const std::string& runner = "");

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string write(const std::string& rel, const std::string& content) const;

 private:
  std::string path_;
};

std::string read_file(const std::string& path);

}  // namespace lint_test
