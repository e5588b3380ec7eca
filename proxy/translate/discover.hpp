// server/discover synthesized from a legacy InitializeResult (server/discover.mdx).
#pragma once

#include <nlohmann/json.hpp>

#include "translate/cache_policy.hpp"

namespace mcp::translate {

using json = nlohmann::json;

struct DiscoverOptions {
  // listChanged / subscribe describe notifications that 2026-07-28 delivers on
  // subscriptions/listen; advertise them only once the bridge serves it.
  bool advertise_subscriptions = false;
};

// Legacy ServerCapabilities -> 2026-07-28 ServerCapabilities. Keeps tools,
// prompts, resources, completions, logging (deprecated but defined),
// experimental, extensions; drops `tasks` and unknown keys. A legacy
// tasks.requests.tools.call becomes extensions["io.modelcontextprotocol/tasks"]
// (SEP-2663; the bridge serves it, bridge/tasks.hpp).
json to_modern_server_capabilities(const json& legacy_capabilities, const DiscoverOptions& opts);

// The complete DiscoverResult: supportedVersions, capabilities, instructions,
// resultType, _meta serverInfo, ttlMs/cacheScope.
json make_discover_result(const json& initialize_result, const DiscoverOptions& opts, const CacheHint& hint);

}  // namespace mcp::translate
