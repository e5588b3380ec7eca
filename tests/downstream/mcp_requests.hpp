// 2026-07-28 requests as a client sends them over HTTP, shared by the HTTP
// server tests (plain and TLS).
#pragma once

#include <cstdint>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

namespace mcp::test {

// The per-request _meta every 2026-07-28 request carries.
inline nlohmann::json request_meta() {
  return {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
          {"io.modelcontextprotocol/clientCapabilities", nlohmann::json::object()}};
}

inline nlohmann::json tools_call(const std::string& tool, nlohmann::json id = 1) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"method", "tools/call"},
          {"params", {{"name", tool}, {"arguments", nlohmann::json::object()}, {"_meta", request_meta()}}}};
}

// POST /mcp with the standard headers (Mcp-Method, Mcp-Name) matching `body`.
inline boost::beast::http::request<boost::beast::http::string_body> mcp_post(std::uint16_t port,
                                                                             const nlohmann::json& body) {
  namespace http = boost::beast::http;
  http::request<http::string_body> req{http::verb::post, "/mcp", 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "application/json, text/event-stream");
  req.set("MCP-Protocol-Version", "2026-07-28");
  if (body.contains("method")) req.set("Mcp-Method", body["method"].get<std::string>());
  if (body.value("method", "") == "tools/call") req.set("Mcp-Name", body["params"]["name"].get<std::string>());
  req.body() = body.dump();
  req.prepare_payload();
  return req;
}

}  // namespace mcp::test
