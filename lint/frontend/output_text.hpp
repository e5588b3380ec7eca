#pragma once
// Everything a run reports is valid UTF-8, whatever bytes the sources hold.
//
// Findings quote source lines (snippets), inferred findings quote the
// project's identifiers, unit problems quote libclang's diagnostics, and file
// names are bytes too: a Latin-1 comment or a stray byte in a string literal
// would otherwise reach the text output as is and make nlohmann's dump()
// throw in the JSON and SARIF reporters. The repair is the bridge's
// (proxy/translate/wire_text.hpp): U+FFFD per maximal invalid subpart.
#include "frontend/lint_run.hpp"

namespace mcp_lint {

// Repairs every text field of `result` the reporters print. Fingerprints are
// left alone: they are hashes of the real bytes, so baselines stay valid.
void make_valid_utf8(LintResult& result);

}  // namespace mcp_lint
