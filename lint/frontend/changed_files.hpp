#pragma once
// --changed-since GIT_REF: the files a pull request changes, asked of git
// (a child process, no shell: the ref is never interpreted by anything but git).
#include <set>
#include <string>
#include <vector>

namespace mcp_lint {

struct ProcessResult {
  int exit_code = -1;  // 127: the program could not be started
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up on PATH) with `argv`, no shell, stdin from
// /dev/null; returns its exit code and output (each stream bounded at 64 MiB).
ProcessResult run_process(const std::vector<std::string>& argv);

// Absolute, normalised paths of every file that differs between GIT_REF and
// the work tree of the git repository holding `dir`: committed since REF,
// staged, unstaged (`git diff --name-only --no-renames REF`, so a rename lists
// both names, a deletion the deleted path) and untracked but not ignored
// (`git ls-files --others --exclude-standard`). Throws InputError with a
// clear message when git is missing, `dir` is not in a git work tree, or REF
// names no commit.
std::set<std::string> changed_since(const std::string& ref, const std::string& dir);

}  // namespace mcp_lint
