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

const char* confidence_band(int confidence) {
  if (confidence >= kConfidenceHigh) return "high";
  if (confidence >= kConfidenceMedium) return "medium";
  return "low";
}

bool parse_confidence(const std::string& text, int& out) {
  if (text == "high") { out = kConfidenceHigh; return true; }
  if (text == "medium") { out = kConfidenceMedium; return true; }
  if (text == "low") { out = 0; return true; }
  if (text.empty() || text.size() > 3 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::stoi(text);
  return out <= 100;
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
  nlohmann::json j{{"rule", f.rule},       {"feature", f.feature}, {"severity", severity_name(f.severity)},
                   {"file", f.file},       {"line", f.line},       {"column", f.column},
                   {"message", f.message}, {"advice", f.advice},   {"link", f.link},
                   {"snippet", f.snippet}, {"fingerprint", f.fingerprint},
                   {"confidence", f.confidence}, {"confidence_band", confidence_band(f.confidence)}};
  if (!f.why.empty()) {
    j["why"] = f.why;
    nlohmann::json chain = nlohmann::json::array();
    for (const auto& s : f.chain) chain.push_back({{"file", s.file}, {"line", s.line}, {"text", s.text}});
    j["chain"] = std::move(chain);
  }
  return j;
}

}  // namespace mcp_lint
