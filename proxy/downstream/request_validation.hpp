// The HTTP-level checks of a 2026-07-28 Streamable HTTP request
// (basic/transports/streamable-http.mdx), as pure functions over a parsed
// Beast request so each rule is unit-tested without sockets. The order the
// connection applies them: route -> Origin/Host -> Content-Type/Accept ->
// parse body -> standard header checks -> collect into a DownstreamRequest.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <nlohmann/json.hpp>

#include "bridge/bridge.hpp"

namespace mcp::downstream {

using json = nlohmann::json;
using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

// An HTTP answer that ends the request before the bridge sees it.
struct Rejection {
  unsigned status = 400;
  json body;          // JSON-RPC error response; null: no body
  std::string allow;  // `Allow` header for 405
};

enum class Endpoint { Mcp, Healthz, ResourceMetadata };

// Which endpoint hosts the target (query string ignored), and whether the
// method is allowed there: /mcp takes POST only (GET/DELETE of the legacy
// transport get 405 + Allow: POST), /healthz takes GET/HEAD, so do the
// Protected Resource Metadata URLs (RFC 9728 §3.1: the root form and the one
// suffixed with /mcp; answered 404 when the upstream is not an HTTP one);
// other paths 404.
std::variant<Endpoint, Rejection> route(const HttpRequest& req);

// DNS-rebinding protection (streamable-http.mdx "Security"): the Host name
// (port ignored) must be an allowed host; an Origin, when present, must be an
// allowed origin or have an allowed host. `*` in allowed_hosts disables the
// Host check (and origin hosts then match only allowed_origins).
struct AccessPolicy {
  std::vector<std::string> allowed_hosts;    // lower-case host names / IP literals, IPv6 without brackets
  std::vector<std::string> allowed_origins;  // scheme://host[:port], compared case-insensitively
};
// localhost, 127.0.0.1, ::1, plus the listen host and the extra entries.
AccessPolicy make_access_policy(std::string_view listen_host, const std::vector<std::string>& extra_hosts,
                                const std::vector<std::string>& extra_origins);
std::optional<Rejection> check_origin_and_host(const HttpRequest& req, const AccessPolicy& policy);

// Content-Type must be application/json (parameters allowed) -> else 415.
// Accept, when present, must admit both application/json and
// text/event-stream (wildcards count) -> else 406. An absent Accept is
// treated as */* (RFC 9110) so plain tools like curl work.
std::optional<Rejection> check_content_negotiation(const HttpRequest& req);

// Body -> JSON; invalid JSON -> 400 with a -32700 error (id null).
std::variant<json, Rejection> parse_body(std::string_view body);

// Standard header checks (streamable-http.mdx "Server Validation"): for a
// request, MCP-Protocol-Version and Mcp-Method are required, and Mcp-Name for
// tools/call, prompts/get (params.name) and resources/read (params.uri);
// every present header must equal its body value (Mcp-Name after Base64
// sentinel decoding; surrounding whitespace ignored, values case-sensitive).
// A missing body protocolVersion is left to the bridge (-32602). Failure:
// 400 with -32020 HeaderMismatch, the request id preserved. Notifications
// are only checked for headers they carry.
std::optional<Rejection> check_standard_headers(const HttpRequest& req, const json& message);

// Authorization, traceparent/tracestate/baggage and Mcp-Param-* (name
// lower-cased, value trimmed, still encoded) into a DownstreamRequest.
bridge::DownstreamRequest collect_request(const HttpRequest& req, json message);

// A JSON-RPC request (has an id and a method) as opposed to a notification.
bool is_request(const json& message);

// Read failures of the Beast parser -> an answer (body too large 413,
// header too large 431, timed out 408, malformed 400); nullopt when the peer
// just went away (nothing to answer).
std::optional<Rejection> rejection_for_read_error(const boost::system::error_code& ec, bool got_some_bytes);

// A JSON-RPC error response body. `id` null when the request id is unknown.
json jsonrpc_error(const json& id, int code, std::string message);

}  // namespace mcp::downstream
