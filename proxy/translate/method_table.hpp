// Which 2026-07-28 client requests the bridge serves and how
// (basic/index.mdx, changelog.mdx "removed", schema ClientRequest).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace mcp::translate {

enum class MethodRoute {
  Synthesize,   // answered by the bridge itself (server/discover)
  Forward,      // translated and forwarded to the legacy upstream
  Listen,       // subscriptions/listen: a long-lived stream fed by upstream notifications
  Extension,    // tasks/get|update|cancel: io.modelcontextprotocol/tasks, when it applies (bridge/tasks.hpp)
  Removed,      // existed in 2025-11-25, removed in 2026-07-28 -> 404 -32601
  Unsupported,  // a 2026-07-28 method the bridge does not implement yet -> 404 -32601
  Unknown,      // not an MCP method at all -> 404 -32601
};

struct MethodInfo {
  MethodRoute route = MethodRoute::Unknown;
  // Results carry ttlMs/cacheScope (server/utilities/caching.mdx).
  bool cacheable = false;
  // The upstream ServerCapabilities key that must be declared for the method
  // to exist ("tools", "resources", "prompts", "completions"); empty if none.
  std::string_view required_capability;
};

MethodInfo lookup_method(std::string_view method);

// Every method name of the table, in table order (e.g. the bounded `method`
// label of observe/metrics.hpp).
std::span<const std::string_view> method_names();

// A one-line reason for the -32601 message of a non-served method.
std::string method_not_found_message(std::string_view method, MethodRoute route);

}  // namespace mcp::translate
