#include "client_requests.hpp"

namespace legacy {

void require_client_capability(const Session& session, std::string_view capability) {
  if (session.client_supports(capability)) return;
  throw McpError(error_code::kMissingClientCapability,
                 "The client did not declare the '" + std::string(capability) + "' capability",
                 {{"requiredCapabilities", {{std::string(capability), json::object()}}}});
}

ClientCall start_elicitation(RequestContext& context, std::string message, json requested_schema, std::string_view key) {
  require_client_capability(context.session, "elicitation");
  json params = {{"message", std::move(message)}, {"requestedSchema", std::move(requested_schema)}};
  auto id = context.session.send_client_request(method::kElicitationCreate, with_input_key(std::move(params), key), *context.stream);
  return ClientCall(context.session, id, std::string(method::kElicitationCreate));
}

ElicitationAnswer read_elicitation(const json& result) {
  if (!result.is_object() || !result.contains("action") || !result["action"].is_string())
    throw McpError(error_code::kInvalidParams, "Invalid elicitation result from the client");
  ElicitationAnswer answer{result["action"].get<std::string>(), json::object()};
  if (answer.action != "accept" && answer.action != "decline" && answer.action != "cancel")
    throw McpError(error_code::kInvalidParams, "Invalid elicitation action from the client");
  if (answer.action == "accept") {
    auto content = result.find("content");
    if (content != result.end() && !content->is_object())
      throw McpError(error_code::kInvalidParams, "Elicitation content must be an object");
    if (content != result.end()) answer.content = *content;
  }
  return answer;
}

asio::awaitable<ElicitationAnswer> elicit(RequestContext& context, std::string message, json schema, std::string_view key) {
  auto call = start_elicitation(context, std::move(message), std::move(schema), key);
  json result = co_await call.result();
  co_return read_elicitation(result);
}

ClientCall start_create_message(RequestContext& context, std::string prompt, int max_tokens, std::string_view key) {
  require_client_capability(context.session, "sampling");
  json user_message = {{"role", "user"}, {"content", {{"type", "text"}, {"text", std::move(prompt)}}}};
  json params = {{"messages", json::array({std::move(user_message)})}, {"maxTokens", max_tokens}};
  auto id = context.session.send_client_request(method::kSamplingCreateMessage, with_input_key(std::move(params), key), *context.stream);
  return ClientCall(context.session, id, std::string(method::kSamplingCreateMessage));
}

std::string read_create_message(const json& result) {
  if (!result.is_object() || !result.contains("content"))
    throw McpError(error_code::kInvalidParams, "Invalid sampling result from the client");
  // 2025-11-25 allows a single content block or an array of them.
  json blocks = result["content"].is_array() ? result["content"] : json::array({result["content"]});
  for (const auto& block : blocks) {
    if (block.is_object() && block.value("type", "") == "text" && block.contains("text") &&
        block["text"].is_string())
      return block["text"].get<std::string>().substr(0, 64 * 1024);
  }
  return "(non-text reply)";
}

asio::awaitable<std::string> create_message(RequestContext& context, std::string prompt, int max_tokens, std::string_view key) {
  auto call = start_create_message(context, std::move(prompt), max_tokens, key);
  json result = co_await call.result();
  co_return read_create_message(result);
}

ClientCall start_list_roots(RequestContext& context, std::string_view key) {
  require_client_capability(context.session, "roots");
  auto id = context.session.send_client_request(method::kRootsList, with_input_key(json::object(), key), *context.stream);
  return ClientCall(context.session, id, std::string(method::kRootsList));
}

json read_list_roots(const json& result) {
  if (!result.is_object() || !result.contains("roots") || !result["roots"].is_array())
    throw McpError(error_code::kInvalidParams, "Invalid roots/list result from the client");
  json roots = json::array();
  for (const auto& root : result["roots"]) {
    if (root.is_object() && root.contains("uri") && root["uri"].is_string()) roots.push_back(root);
    if (roots.size() >= 256) break;
  }
  return roots;
}

asio::awaitable<json> list_roots(RequestContext& context, std::string_view key) {
  auto call = start_list_roots(context, key);
  json result = co_await call.result();
  co_return read_list_roots(result);
}

json with_input_key(json params, std::string_view input_key) {
  if (!input_key.empty()) params["_meta"]["mcp-bridge/inputKey"] = std::string(input_key);
  return params;
}

}  // namespace legacy
