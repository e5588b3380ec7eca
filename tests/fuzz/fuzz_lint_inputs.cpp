// mcp-lint's parsers of files a user (or a pull request) controls: a rule
// pack, the feature catalog, a baseline file, suppression comments and the
// preprocessor branches libclang skipped (variant_defines.hpp). The
// documented failure is a RulePackError / BaselineError with a message;
// anything else escaping (YAML or JSON exceptions, crashes) is a finding.
// The first byte picks the parser; the rest is the file's content.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "engine/baseline.hpp"
#include "engine/rule_pack.hpp"
#include "engine/suppression.hpp"
#include "frontend/variant_defines.hpp"
#include "fuzz_support.hpp"

using namespace mcp_lint;

namespace {

std::string scratch_file(std::string_view content) {
  static const std::string path = "/tmp/mcp-lint-fuzz-" + std::to_string(::getpid()) + ".yaml";
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(content.data(), std::streamsize(content.size()));
  return path;
}

const FeatureCatalog& project_features() {
  static const FeatureCatalog catalog = load_feature_file(MCP_FUZZ_RULES_DIR "/features.yaml");
  return catalog;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto content = mcp::fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      try {
        Pack pack;
        (void)load_pack_file(scratch_file(content), project_features(), pack);
      } catch (const RulePackError&) {
      }
      break;
    case 1:
      try {
        (void)load_feature_file(scratch_file(content));
      } catch (const RulePackError&) {
      }
      break;
    case 3: {
      // Source text whose every line may open a skipped branch: the scanner
      // and the feature test never throw, and name only definable macros.
      const unsigned lines = 1 + static_cast<unsigned>(std::count(content.begin(), content.end(), '\n'));
      std::vector<LineRange> skipped;
      for (unsigned l = 1; l <= lines && l <= 64; l += 1 + l % 3) skipped.emplace_back(l, l + l % 5);
      for (const auto& m : variant_defines(content, skipped, [](std::string_view t) {
             return names_a_feature(t, project_features());
           }))
        if (m.empty() || m.size() > content.size()) __builtin_trap();
      break;
    }
    case 2:
      try {
        (void)load_baseline(scratch_file(content));
      } catch (const BaselineError&) {
      }
      break;
    default: {
      auto nl = content.find('\n');
      std::string line(content.substr(0, nl));
      std::string rule = nl == std::string_view::npos ? "" : std::string(content.substr(nl + 1));
      (void)line_suppresses(line, rule, "sampling");
      break;
    }
  }
  return 0;
}
