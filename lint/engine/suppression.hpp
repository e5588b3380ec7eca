#pragma once
// Inline suppressions: `// mcp-lint: ignore[<rule-id|feature|pack>, ...]` on
// the finding's line or on the line before (when that line is a comment of its
// own); `// mcp-lint: ignore` (no brackets) suppresses every rule there. The
// marker only counts inside a comment.
#include <map>
#include <string>
#include <vector>

#include "engine/finding.hpp"

namespace mcp_lint {

// Reads each source file once and serves its lines.
class SourceCache {
 public:
  // Empty vector when the file cannot be read.
  const std::vector<std::string>& lines(const std::string& abs_path);
  std::string line(const std::string& abs_path, unsigned line_no);

 private:
  std::map<std::string, std::vector<std::string>> files_;
};

// True when `line_text` carries a suppression that covers the rule.
bool line_suppresses(const std::string& line_text, const std::string& rule_id, const std::string& feature);

bool is_suppressed(SourceCache& sources, const Finding& f);

}  // namespace mcp_lint
