#include "bridge/server_requests.hpp"

#include "translate/jsonrpc.hpp"
#include "translate/protocol.hpp"

namespace mcp::bridge {

nlohmann::json answer_server_request_locally(const nlohmann::json& request) {
  const nlohmann::json id = request.is_object() ? request.value("id", nlohmann::json(nullptr)) : nlohmann::json();
  const std::string method = request.is_object() && request.contains("method") && request["method"].is_string()
                                 ? request["method"].get<std::string>()
                                 : "";
  if (method == "ping") return translate::make_result_response(id, nlohmann::json::object());
  return translate::make_error_response(
      id, protocol::error::kMethodNotFound,
      "mcp-bridge cannot relay the server-to-client request '" + method +
          "' to a 2026-07-28 client until multi round-trip request (MRTR) support is implemented");
}

}  // namespace mcp::bridge
