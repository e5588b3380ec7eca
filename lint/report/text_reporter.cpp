#include "report/reporters.hpp"

namespace mcp_lint {

namespace {
constexpr const char* kBold = "\033[1m";
constexpr const char* kReset = "\033[0m";
constexpr const char* kGreen = "\033[1;32m";

const char* severity_color(Severity s) {
  switch (s) {
    case Severity::error: return "\033[1;31m";
    case Severity::warning: return "\033[1;35m";
    case Severity::note: return "\033[1;36m";
  }
  return "";
}
}  // namespace

void write_text(std::ostream& os, const LintResult& result, bool color) {
  auto c = [color](const char* code) { return color ? code : ""; };
  for (const auto& f : result.findings) {
    os << c(kBold) << f.file << ':' << f.line << ':' << f.column << ": " << c(kReset) << c(severity_color(f.severity))
       << severity_name(f.severity) << ": " << c(kReset) << c(kBold) << f.message << " [" << f.rule;
    if (f.confidence < 100) os << ", confidence " << f.confidence << " (" << confidence_band(f.confidence) << ")";
    os << "]" << c(kReset) << '\n';
    const std::string number = std::to_string(f.line);
    const std::string gutter(number.size() + 1, ' ');
    os << ' ' << number << " | " << f.snippet << '\n';
    // The caret under the column: keep tabs so it lines up with the source.
    std::string pad;
    for (std::size_t i = 0; i + 1 < f.column && i < f.snippet.size(); ++i) pad += f.snippet[i] == '\t' ? '\t' : ' ';
    os << gutter << " | " << pad << c(kGreen) << '^' << c(kReset) << '\n';
  }
}

}  // namespace mcp_lint
