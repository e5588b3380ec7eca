// 2025-11-25 response/notification -> 2026-07-28, for one downstream request.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "translate/cache_policy.hpp"
#include "translate/request_meta.hpp"

namespace mcp::translate {

using json = nlohmann::json;

// What the translation needs to know about the downstream request.
struct ResponseContext {
  json client_id;          // the client's own request id, restored on the way back
  std::string method;      // e.g. "resources/read"
  json request_uri;        // the client's params.uri, null when absent (for data.uri on not-found)
  json server_info;        // Implementation of the upstream (from its InitializeResult)
  bool cacheable = false;  // attach ttlMs/cacheScope
  CacheHint cache_hint{};
};

// Adds what every 2026-07-28 result carries: resultType "complete",
// _meta["io.modelcontextprotocol/serverInfo"], and ttlMs/cacheScope when cacheable.
void finish_result(json& result, json server_info, bool cacheable, const CacheHint& hint);

// Translates a legacy error object to what 2026-07-28 allows: -32002 (resource
// not found) -> -32602 with data.uri; codes in the MCP-reserved sub-range that
// 2026-07-28 does not define (e.g. -32042) -> -32603 keeping the upstream error in data.
json to_modern_error(const json& legacy_error, const ResponseContext& ctx);

// The complete response for the client. A malformed upstream response becomes
// a -32603 error, never a crash. By value: the bridge moves the upstream's
// response and the context in; the result and serverInfo move on into the
// reply, uncopied.
json to_modern_response(json legacy_response, ResponseContext ctx);

// HTTP status for a JSON-RPC error sent to a Streamable HTTP client:
// -32601 -> 404, -32602 meta / -32020 / -32021 / -32022 -> 400, others 200.
unsigned http_status_for_forwarded_error(int code);

// Upstream notification related to a call -> the notification for the client,
// or nullopt to drop it: progress gets the client's own token (dropped when
// the client asked for none); notifications/message only when the request set
// io.modelcontextprotocol/logLevel and the message is at least that severe;
// anything else (list_changed, resources/updated ...) belongs to
// subscriptions/listen in 2026-07-28 and is dropped from request streams.
std::optional<json> to_modern_notification(const json& legacy_notification, const RequestMeta& meta);

// Implementation for _meta serverInfo, from a legacy InitializeResult.
json server_info_from_initialize(const json& initialize_result);

}  // namespace mcp::translate
