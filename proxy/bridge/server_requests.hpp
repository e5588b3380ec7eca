// Answers to requests a legacy upstream sends to its client (the bridge).
// 2026-07-28 has no server-to-client requests: sampling, elicitation and roots
// become multi round-trip requests (MRTR), a later piece of work that plugs in
// through BridgeOptions::server_request_handler.
#pragma once

#include <nlohmann/json.hpp>

namespace mcp::bridge {

// `ping` -> empty result; anything else -> -32601 with a message that says why.
nlohmann::json answer_server_request_locally(const nlohmann::json& request);

}  // namespace mcp::bridge
