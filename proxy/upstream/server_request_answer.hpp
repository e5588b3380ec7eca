// The answer to a server-to-client request (ping, sampling/createMessage,
// elicitation/create, roots/list), shared by both session kinds: they differ
// only in how the answer travels back (a POST, or a line on the child's stdin).
#pragma once

#include <exception>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "translate/jsonrpc.hpp"
#include "translate/protocol.hpp"
#include "upstream/jsonrpc_message.hpp"
#include "upstream/upstream_session.hpp"

namespace mcp::upstream {

// Never throws: no handler, or a handler that fails, becomes a JSON-RPC error.
// The result always carries the request's id and "jsonrpc": "2.0".
inline boost::asio::awaitable<nlohmann::json> answer_server_request(const ServerRequestHandler& handler,
                                                                    nlohmann::json request,
                                                                    nlohmann::json related_call_id) {
  nlohmann::json response;
  if (!handler) {
    response = translate::make_error_response(request["id"], protocol::error::kMethodNotFound,
                                   "the bridge does not handle " + request["method"].get<std::string>());
  } else {
    try {
      response = co_await handler(request, std::move(related_call_id));
    } catch (const std::exception& e) {
      response = translate::make_error_response(request["id"], protocol::error::kInternalError, e.what());
    }
  }
  response["jsonrpc"] = "2.0";
  response["id"] = request["id"];
  co_return response;
}

}  // namespace mcp::upstream
