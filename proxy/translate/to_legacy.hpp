// 2026-07-28 request -> 2025-11-25 request for one upstream session.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "translate/request_meta.hpp"

namespace mcp::translate {

using json = nlohmann::json;

// `modern_request` rewritten in place: id := upstream_id (ids from many
// clients then never collide on one session); io.modelcontextprotocol/* keys
// removed from params._meta (legacy servers learned them from initialize); a
// present progressToken := upstream_id (so progress maps back by call,
// whatever the client chose); an emptied _meta removed. Other _meta keys
// (traceparent, vendor keys) pass through. By value: the bridge moves the
// parsed request in, so no document is copied between parse and forward; a
// caller that keeps its request passes a copy.
json to_legacy_request(json modern_request, std::int64_t upstream_id);

struct InitializeOptions {
  std::string_view protocol_version = "2025-11-25";
  // Used when the request has no (valid) clientInfo: legacy requires one.
  json default_client_info = {{"name", "mcp-bridge"}, {"version", "0.1.0"}};
  // sampling/elicitation/roots are server-to-client requests the bridge cannot
  // relay until multi round-trip request (MRTR) support lands; declaring them
  // upstream would invite requests that can only fail. False strips them.
  bool forward_client_request_capabilities = false;
};

// ClientCapabilities in 2025-11-25 vocabulary: keeps the client's
// `extensions` (e.g. io.modelcontextprotocol/ui for MCP Apps) except
// io.modelcontextprotocol/tasks (the bridge's own), drops
// sampling/elicitation/roots unless opts.forward_client_request_capabilities.
json to_legacy_client_capabilities(const json& modern_capabilities, const InitializeOptions& opts);

// InitializeRequest params replayed for a pooled session:
// {protocolVersion, capabilities, clientInfo}.
json make_initialize_params(const RequestMeta& meta, const InitializeOptions& opts);

}  // namespace mcp::translate
