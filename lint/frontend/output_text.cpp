#include "frontend/output_text.hpp"

#include "translate/wire_text.hpp"

namespace mcp_lint {

void make_valid_utf8(LintResult& result) {
  auto fix = [](std::string& s) { s = mcp::translate::valid_utf8(s); };
  for (auto& f : result.findings) {
    for (auto* s : {&f.file, &f.message, &f.snippet, &f.why, &f.advice, &f.link})
      fix(*s);
    for (auto& step : f.chain) {
      fix(step.file);
      fix(step.text);
    }
  }
  for (auto& p : result.problems) {
    fix(p.file);
    fix(p.message);
  }
  for (auto& w : result.warnings) fix(w);
}

}  // namespace mcp_lint
