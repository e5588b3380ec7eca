// Classifying JSON-RPC 2.0 messages that arrive from an upstream (untrusted).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mcp::upstream {

enum class MessageKind { Request, Notification, Response, Invalid };

inline MessageKind classify_message(const nlohmann::json& m) {
  if (!m.is_object()) return MessageKind::Invalid;
  const auto method = m.find("method");
  const auto id = m.find("id");
  const bool valid_id = id != m.end() && (id->is_number_integer() || id->is_string());
  if (method != m.end()) {
    if (!method->is_string()) return MessageKind::Invalid;
    if (id == m.end()) return MessageKind::Notification;
    return valid_id ? MessageKind::Request : MessageKind::Invalid;
  }
  if (id != m.end() && (m.contains("result") || m.contains("error"))) return MessageKind::Response;
  return MessageKind::Invalid;
}

inline nlohmann::json make_cancelled_notification(const nlohmann::json& request_id, std::string reason) {
  return {{"jsonrpc", "2.0"},
          {"method", "notifications/cancelled"},
          {"params", {{"requestId", request_id}, {"reason", std::move(reason)}}}};
}

// notifications/progress whose progressToken equals `call_id` (the bridge uses
// the upstream request id as the progress token).
inline bool is_progress_for(const nlohmann::json& notification, const nlohmann::json& call_id) {
  if (notification.value("method", "") != "notifications/progress") return false;
  const auto params = notification.find("params");
  if (params == notification.end() || !params->is_object()) return false;
  const auto token = params->find("progressToken");
  return token != params->end() && *token == call_id;
}

// For log lines: a message cut to a readable length.
inline std::string abbreviate(const std::string& s, std::size_t max = 300) {
  return s.size() <= max ? s : s.substr(0, max) + "...(" + std::to_string(s.size()) + " bytes)";
}

}  // namespace mcp::upstream
