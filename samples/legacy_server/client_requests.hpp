// Typed wrappers over the legacy server-to-client requests a tool or prompt
// may make mid-call: elicitation/create, sampling/createMessage, roots/list.
// Each checks the client declared the capability and validates the answer
// (the client is as untrusted as any other input).
//
// One at a time:        auto answer = co_await elicit(context, ...);
// Several at once:      auto a = start_elicitation(...); auto b = start_list_roots(...);
//                       auto answer = read_elicitation(co_await a.result()); ...
//
// input_key (optional) names the request for a 2026-07-28 client behind
// mcp-bridge: it goes out as params._meta["mcp-bridge/inputKey"] and becomes
// the request's key in the bridge's InputRequiredResult.inputRequests.
#pragma once

#include "session.hpp"

#include <utility>

namespace legacy {

// Throws McpError(-32021) with data.requiredCapabilities when the session's
// client did not declare `capability`.
void require_client_capability(const Session& session, std::string_view capability);

// A server-to-client request already sent; its answer is awaited with
// result(). Dropping it unanswered abandons the request.
class ClientCall {
 public:
  ClientCall(Session& session, std::int64_t id, std::string method)
      : session_(&session), id_(id), method_(std::move(method)) {}
  ClientCall(ClientCall&& other) noexcept
      : session_(other.session_), id_(std::exchange(other.id_, 0)), method_(std::move(other.method_)) {}
  ClientCall(const ClientCall&) = delete;
  ClientCall& operator=(const ClientCall&) = delete;
  ClientCall& operator=(ClientCall&&) = delete;
  ~ClientCall() {
    if (id_ != 0) session_->abandon_client_request(id_);
  }

  asio::awaitable<json> result() {
    std::int64_t id = std::exchange(id_, 0);
    co_return co_await session_->await_client_response(id, method_);
  }

 private:
  Session* session_;
  std::int64_t id_;
  std::string method_;
};

struct ElicitationAnswer {
  std::string action;  // accept | decline | cancel
  json content;        // object (empty unless accepted)
};

ClientCall start_elicitation(RequestContext& context, std::string message, json requested_schema,
                             std::string_view input_key = {});
ElicitationAnswer read_elicitation(const json& result);
asio::awaitable<ElicitationAnswer> elicit(RequestContext& context, std::string message, json requested_schema,
                                          std::string_view input_key = {});

// The text of the model's reply.
ClientCall start_create_message(RequestContext& context, std::string prompt, int max_tokens,
                                std::string_view input_key = {});
std::string read_create_message(const json& result);
asio::awaitable<std::string> create_message(RequestContext& context, std::string prompt, int max_tokens,
                                            std::string_view input_key = {});

// The client's roots (array of {uri, name?}).
ClientCall start_list_roots(RequestContext& context, std::string_view input_key = {});
json read_list_roots(const json& result);
asio::awaitable<json> list_roots(RequestContext& context, std::string_view input_key = {});

// params with _meta["mcp-bridge/inputKey"] = input_key (unchanged when empty).
json with_input_key(json params, std::string_view input_key);

}  // namespace legacy
