#include "protocol.hpp"

#include <algorithm>

namespace legacy {

bool is_supported_protocol_version(std::string_view version) {
  return std::find(kSupportedProtocolVersions.begin(), kSupportedProtocolVersions.end(),
                   version) != kSupportedProtocolVersions.end();
}

json make_result_response(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json make_error_response(const json& id, int code, std::string_view message, const json& data) {
  json error = {{"code", code}, {"message", std::string(message)}};
  if (!data.is_null()) error["data"] = data;
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

json make_notification(std::string_view method, json params) {
  json message = {{"jsonrpc", "2.0"}, {"method", std::string(method)}};
  if (!params.is_null()) message["params"] = std::move(params);
  return message;
}

json make_request(const json& id, std::string_view method, json params) {
  json message = make_notification(method, std::move(params));
  message["id"] = id;
  return message;
}

MessageKind classify_message(const json& message) {
  if (!message.is_object()) return MessageKind::kInvalid;
  auto version = message.find("jsonrpc");
  if (version == message.end() || *version != "2.0") return MessageKind::kInvalid;
  auto id = message.find("id");
  bool has_valid_id = id != message.end() && (id->is_string() || id->is_number_integer());
  auto method_field = message.find("method");
  if (method_field != message.end()) {
    if (!method_field->is_string()) return MessageKind::kInvalid;
    if (auto params = message.find("params");
        params != message.end() && !params->is_object() && !params->is_array())
      return MessageKind::kInvalid;
    if (id == message.end()) return MessageKind::kNotification;
    return has_valid_id ? MessageKind::kRequest : MessageKind::kInvalid;
  }
  if (has_valid_id && (message.contains("result") || message.contains("error")))
    return MessageKind::kResponse;
  return MessageKind::kInvalid;
}

std::optional<json> parse_message(std::string_view bytes, int max_depth) {
  // Bound nesting before handing the bytes to the recursive parser.
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : bytes) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) return std::nullopt;
    } else if (c == ']' || c == '}') --depth;
  }
  json message = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (message.is_discarded()) return std::nullopt;
  return message;
}

std::string to_wire(const json& message) {
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace legacy
