#pragma once
// A finding: one rule reported at one source position. The JSON shape is the
// contract shared by the JSON reporter and the --baseline reader.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcp_lint {

enum class Severity { note = 0, warning = 1, error = 2 };

const char* severity_name(Severity s);
// Parses "note" | "warning" | "error"; returns false on anything else.
bool parse_severity(const std::string& text, Severity& out);

// One step of the evidence behind an inferred finding ("calls X" at file:line).
struct ChainStep {
  std::string file;  // as displayed
  unsigned line = 0;
  std::string text;
};

// Confidence of a finding, 0..100 (SARIF rank): rule hits are 100; inferred
// findings carry the strength of their evidence (engine/inference/).
constexpr int kConfidenceHigh = 80;
constexpr int kConfidenceMedium = 50;
// "high" | "medium" | "low" for a confidence value.
const char* confidence_band(int confidence);
// Parses high | medium | low | 0..100; returns false on anything else.
bool parse_confidence(const std::string& text, int& out);

struct Finding {
  std::string rule;       // full id "<pack>/<id>"
  std::string feature;    // roots | sampling | logging | removed-2026 | http-sse-transport
  Severity severity = Severity::warning;
  std::string file;       // path as displayed (relative to the working directory when under it)
  std::string abs_file;   // absolute, normalised path (dedupe key)
  unsigned line = 0;      // 1-based
  unsigned column = 0;    // 1-based, in bytes
  std::string message;
  std::string advice;
  std::string link;
  std::string snippet;      // the source line, without its newline
  std::string fingerprint;  // stable hash of rule + file + normalised line text
  int confidence = 100;     // 0..100; 100 for a rule hit
  std::string why;          // inferred findings: the chain as one sentence
  std::vector<ChainStep> chain;  // inferred findings: the steps of `why`, from this site to the seed
};

// FNV-1a 64 over rule, display file and the line text with whitespace collapsed:
// survives edits elsewhere in the file and re-indentation.
std::string compute_fingerprint(const std::string& rule, const std::string& file, const std::string& line_text);

// Ordering used for every output: file, line, column, rule.
bool finding_less(const Finding& a, const Finding& b);

nlohmann::json finding_to_json(const Finding& f);

}  // namespace mcp_lint
