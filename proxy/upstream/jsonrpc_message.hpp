// Small JSON-RPC helpers for the upstream side. Classification is
// translate::classify_message (translate/jsonrpc.hpp); routing is
// upstream/legacy_session_core.hpp.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mcp::upstream {

inline nlohmann::json make_cancelled_notification(const nlohmann::json& request_id, std::string reason) {
  return {{"jsonrpc", "2.0"},
          {"method", "notifications/cancelled"},
          {"params", {{"requestId", request_id}, {"reason", std::move(reason)}}}};
}

// For log lines: a message cut to a readable length.
inline std::string abbreviate(const std::string& s, std::size_t max = 300) {
  return s.size() <= max ? s : s.substr(0, max) + "...(" + std::to_string(s.size()) + " bytes)";
}

}  // namespace mcp::upstream
