#include "report/reporters.hpp"

namespace mcp_lint {

std::string tool_version() { return MCP_LINT_VERSION; }

std::string feature_title(const std::string& feature) {
  if (feature == "roots") return "Roots";
  if (feature == "sampling") return "Sampling";
  if (feature == "logging") return "Logging";
  if (feature == "removed-2026") return "Removed in 2026-07-28";
  if (feature == "http-sse-transport") return "HTTP+SSE transport (deprecated)";
  return feature;
}

std::string feature_deadline(const std::string& feature) {
  // deprecated.mdx: Roots, Sampling and Logging are Deprecated in 2026-07-28
  // (SEP-2577); earliest removal: first revision released on or after 2027-07-28.
  if (feature == "roots" || feature == "sampling" || feature == "logging")
    return "Deprecated in 2026-07-28 (SEP-2577). Earliest removal: the first specification revision released on or "
           "after 2027-07-28. Migrate before then.";
  // includeContext "thisServer"/"allServers" is filed under sampling: its
  // earliest removal "follows Sampling (SEP-2577)".
  if (feature == "removed-2026")
    return "Already removed in 2026-07-28: clients and servers speaking 2026-07-28 no longer use it. Migrate now.";
  // deprecated.mdx: HTTP+SSE transport, deprecated in 2025-03-26, reclassified
  // as Deprecated by SEP-2596; earliest removal: three months after SEP-2596
  // reaches Final.
  if (feature == "http-sse-transport")
    return "Deprecated since 2025-03-26 (reclassified as Deprecated by SEP-2596). Earliest removal: three months after "
           "SEP-2596 reaches Final. Migrate to Streamable HTTP before then.";
  return "See the rule's link.";
}

int feature_rank(const std::string& feature) {
  if (feature == "roots") return 0;
  if (feature == "sampling") return 1;
  if (feature == "logging") return 2;
  if (feature == "http-sse-transport") return 3;
  if (feature == "removed-2026") return 4;
  return 5;
}

}  // namespace mcp_lint
