#include "engine/baseline.hpp"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

namespace mcp_lint {

std::set<std::string> load_baseline(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw BaselineError(path + ": baseline is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw BaselineError(path + ": cannot read baseline file");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const std::exception& e) {  // parse errors and stream failures
    throw BaselineError(path + ": baseline is not valid JSON: " + e.what());
  }
  std::set<std::string> out;
  auto take_findings = [&](const nlohmann::json& arr) {
    for (const auto& f : arr)
      if (f.is_object() && f.contains("fingerprint") && f["fingerprint"].is_string()) out.insert(f["fingerprint"].get<std::string>());
  };
  if (j.is_array()) {
    take_findings(j);
  } else if (j.is_object() && j.contains("findings") && j["findings"].is_array()) {
    take_findings(j["findings"]);
  } else if (j.is_object() && j.contains("runs") && j["runs"].is_array()) {
    for (const auto& run : j["runs"])
      for (const auto& r : run.value("results", nlohmann::json::array()))
        if (r.contains("partialFingerprints") && r["partialFingerprints"].contains("mcpLint/v1"))
          out.insert(r["partialFingerprints"]["mcpLint/v1"].get<std::string>());
  } else {
    throw BaselineError(path + ": not an mcp-lint JSON or SARIF output (no 'findings' or 'runs')");
  }
  return out;
}

}  // namespace mcp_lint
