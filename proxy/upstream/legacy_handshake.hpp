// Initialize and re-initialize rules of a legacy session (2025-11-25
// basic/lifecycle.mdx, basic/transports.mdx "Session Management"), pure, shared
// by the HTTP and stdio transports.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "upstream/upstream_session.hpp"

namespace mcp::upstream {

enum class LegacyTransport { StreamableHttp, Stdio };

// The negotiated version must be one the bridge speaks over that transport
// (translate/protocol.hpp holds the lists).
bool accepts_protocol_version(std::string_view version, LegacyTransport transport);

// 2025-03-26 predates the MCP-Protocol-Version header (added in 2025-06-18);
// a server that negotiated it is not expecting one.
bool sends_version_header(std::string_view version);

json make_initialize_request(const json& id, json params);
json make_initialized_notification();

// The InitializeResult in `response`, or UpstreamError when the upstream
// rejected initialize, answered something malformed, or negotiated a version
// not accepted for `transport`.
json accept_initialize_response(const json& response, LegacyTransport transport);

// What a call does with the HTTP status of its POST (basic/transports.mdx
// "Session Management" 4.: 404 to a request carrying Mcp-Session-Id means the
// session expired; the client MUST start a new one). One re-initialize and
// one retry per call; a second 404 right after is a failure, not a loop.
enum class ExpiryAction { Proceed, Reinitialize, Fail };
ExpiryAction on_post_status(unsigned status, bool sent_session_id, unsigned reinitializations_done);

}  // namespace mcp::upstream
