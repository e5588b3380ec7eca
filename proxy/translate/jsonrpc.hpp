// JSON-RPC 2.0 message shape checks and builders (basic/index.mdx "Messages").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace mcp::translate {

using json = nlohmann::json;

enum class MessageKind { Request, Notification, Response, Invalid };

struct Classified {
  MessageKind kind = MessageKind::Invalid;
  // Why the message is Invalid (for a -32600 message); empty otherwise.
  std::string problem;
  // The id if one could be read (string or integer), else null. Set for
  // Request, Response and, when readable, Invalid messages.
  json id;
};

// A request id MUST be a string or an integer; never null (2026-07-28).
bool is_valid_request_id(const json& id);

// Classifies one decoded message. Never throws.
Classified classify_message(const json& message);

// {"jsonrpc":"2.0","id":id,"error":{"code","message"[,"data"]}}; data omitted when null.
json make_error_response(const json& id, int code, std::string_view message, const json& data = nullptr);

// {"jsonrpc":"2.0","id":id,"result":result}
json make_result_response(const json& id, json result);

}  // namespace mcp::translate
