#include "translate/jsonrpc.hpp"

namespace mcp::translate {

bool is_valid_request_id(const json& id) {
  return id.is_string() || id.is_number_integer();  // number_unsigned counts as integer too
}

Classified classify_message(const json& message) {
  Classified c;
  if (!message.is_object()) {
    c.problem = "a JSON-RPC message must be a JSON object";
    return c;
  }
  if (auto it = message.find("id"); it != message.end() && is_valid_request_id(*it)) c.id = *it;

  auto version = message.find("jsonrpc");
  if (version == message.end() || !version->is_string() || *version != "2.0") {
    c.problem = "\"jsonrpc\" must be \"2.0\"";
    return c;
  }
  const bool has_method = message.contains("method");
  const bool has_id = message.contains("id");
  const bool has_result = message.contains("result");
  const bool has_error = message.contains("error");

  if (has_method) {
    if (!message["method"].is_string() || message["method"].get_ref<const std::string&>().empty()) {
      c.problem = "\"method\" must be a non-empty string";
      return c;
    }
    if (has_result || has_error) {
      c.problem = "a request must not carry \"result\" or \"error\"";
      return c;
    }
    if (auto p = message.find("params"); p != message.end() && !p->is_object()) {
      c.problem = "\"params\" must be an object";
      return c;
    }
    if (!has_id) {
      c.kind = MessageKind::Notification;
      return c;
    }
    if (!is_valid_request_id(message["id"])) {
      c.problem = "\"id\" must be a string or an integer (not null)";
      return c;
    }
    c.kind = MessageKind::Request;
    return c;
  }
  if (has_result != has_error && has_id) {
    c.kind = MessageKind::Response;
    return c;
  }
  c.problem = "message is neither a request, a notification nor a response";
  return c;
}

json make_error_response(const json& id, int code, std::string_view message, const json& data) {
  json error = {{"code", code}, {"message", std::string(message)}};
  if (!data.is_null()) error["data"] = data;
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

json make_result_response(const json& id, json result) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

}  // namespace mcp::translate
