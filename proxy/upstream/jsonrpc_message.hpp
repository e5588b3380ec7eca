// Small JSON-RPC helpers for the upstream side. Classification is
// translate::classify_message (translate/jsonrpc.hpp); routing is
// upstream/legacy_session_core.hpp.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "translate/wire_text.hpp"

namespace mcp::upstream {

inline nlohmann::json make_cancelled_notification(const nlohmann::json& request_id, std::string reason) {
  return {{"jsonrpc", "2.0"},
          {"method", "notifications/cancelled"},
          {"params", {{"requestId", request_id}, {"reason", std::move(reason)}}}};
}

// For log lines and error messages: cut at a character boundary, valid UTF-8.
using translate::abbreviate;

}  // namespace mcp::upstream
