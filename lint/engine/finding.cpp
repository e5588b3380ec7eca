#include "engine/finding.hpp"

#include <cstdint>
#include <cstdio>
#include <tuple>

namespace mcp_lint {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::note: return "note";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "warning";
}

bool parse_severity(const std::string& text, Severity& out) {
  if (text == "note") { out = Severity::note; return true; }
  if (text == "warning") { out = Severity::warning; return true; }
  if (text == "error") { out = Severity::error; return true; }
  return false;
}

std::string compute_fingerprint(const std::string& rule, const std::string& file, const std::string& line_text) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  for (unsigned char c : rule) mix(c);
  mix(0);
  for (unsigned char c : file) mix(c);
  mix(0);
  bool pending_space = false;
  bool started = false;
  for (unsigned char c : line_text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = started;
      continue;
    }
    if (pending_space) mix(' ');
    pending_space = false;
    started = true;
    mix(c);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

bool finding_less(const Finding& a, const Finding& b) {
  return std::tie(a.file, a.line, a.column, a.rule) < std::tie(b.file, b.line, b.column, b.rule);
}

nlohmann::json finding_to_json(const Finding& f) {
  return nlohmann::json{{"rule", f.rule},       {"feature", f.feature}, {"severity", severity_name(f.severity)},
                        {"file", f.file},       {"line", f.line},       {"column", f.column},
                        {"message", f.message}, {"advice", f.advice},   {"link", f.link},
                        {"snippet", f.snippet}, {"fingerprint", f.fingerprint}};
}

}  // namespace mcp_lint
