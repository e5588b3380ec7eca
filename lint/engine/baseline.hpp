#pragma once
// --baseline FILE: a previous mcp-lint JSON (or SARIF) output. Findings whose
// fingerprint appears in it are known, not new: they are neither printed nor
// counted for --fail-on.
#include <set>
#include <stdexcept>
#include <string>

namespace mcp_lint {

struct BaselineError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Accepts mcp-lint JSON ({"findings": [...]} or a bare array) and SARIF
// (runs[].results[].partialFingerprints["mcpLint/v1"]).
std::set<std::string> load_baseline(const std::string& path);

}  // namespace mcp_lint
