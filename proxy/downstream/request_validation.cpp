#include "downstream/request_validation.hpp"

#include <algorithm>
#include <cctype>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

#include "translate/header_value.hpp"
#include "translate/json_input.hpp"
#include "translate/protocol.hpp"
#include "translate/wire_text.hpp"

namespace mcp::downstream {
namespace http = boost::beast::http;
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

// A client's header value quoted back in an error message: bounded and valid
// UTF-8 (header values may carry any obs-text byte).
std::string quoted(std::string_view header_value) { return translate::abbreviate(header_value, 200); }

// "host", "host:port", "[v6]", "[v6]:port" -> lower-case host without brackets.
// nullopt when malformed.
std::optional<std::string> host_name(std::string_view authority) {
  authority = trim(authority);
  if (authority.empty()) return std::nullopt;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    auto rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    return lower(authority.substr(1, close - 1));
  }
  auto colon = authority.find(':');
  if (colon != std::string_view::npos && authority.find(':', colon + 1) != std::string_view::npos)
    return std::nullopt;  // a bare IPv6 address is not a valid Host
  return lower(authority.substr(0, colon));
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Rejection forbidden(std::string message) {
  // streamable-http.mdx: 403, MAY carry a JSON-RPC error response without id.
  json body = {{"jsonrpc", "2.0"}, {"error", {{"code", -32000}, {"message", std::move(message)}}}};
  return Rejection{403, std::move(body), {}};
}

Rejection mismatch(const json& message, std::string text) {
  json id = message.is_object() && message.contains("id") ? message["id"] : json(nullptr);
  return Rejection{400, jsonrpc_error(id, protocol::error::kHeaderMismatch, "Header mismatch: " + std::move(text)), {}};
}

// Media-range list check: does `accept` admit `type/subtype`?
// `range` is type "/" subtype, ignoring case.
bool is_media_range(std::string_view range, std::string_view type, std::string_view subtype) {
  return range.size() == type.size() + 1 + subtype.size() && boost::beast::iequals(range.substr(0, type.size()), type) &&
         range[type.size()] == '/' && boost::beast::iequals(range.substr(type.size() + 1), subtype);
}

// Compared in place, ignoring case (no lower-cased copies: every POST checks Accept twice).
bool accepts(std::string_view accept, std::string_view type, std::string_view subtype) {
  std::size_t pos = 0;
  while (pos <= accept.size()) {
    auto comma = accept.find(',', pos);
    auto item = accept.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    const auto semicolon = item.find(';');
    const auto range = trim(item.substr(0, semicolon));
    // q=0 means "not acceptable"
    const auto params = semicolon == std::string_view::npos ? std::string_view() : item.substr(semicolon);
    bool q_zero = false;
    for (std::size_t q = 0; q + 1 < params.size(); ++q) {
      if ((params[q] != 'q' && params[q] != 'Q') || params[q + 1] != '=') continue;
      auto v = trim(params.substr(q + 2));
      q_zero = !v.empty() && v.front() == '0' && v.find_first_of("123456789") == std::string_view::npos;
      break;
    }
    if (!q_zero && (range == "*/*" || is_media_range(range, type, "*") || is_media_range(range, type, subtype)))
      return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

// The single value of a header, trimmed; error text when it is repeated.
struct HeaderValue {
  std::optional<std::string_view> value;
  bool repeated = false;
};
HeaderValue single_header(const HttpRequest& req, std::string_view name) {
  HeaderValue out;
  auto range = req.equal_range(name);  // case-insensitive in Beast
  for (auto it = range.first; it != range.second; ++it) {
    if (out.value) out.repeated = true;
    out.value = trim(it->value());
  }
  return out;
}

}  // namespace

json jsonrpc_error(const json& id, int code, std::string message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", std::move(message)}}}};
}

bool is_request(const json& message) {
  return message.is_object() && message.contains("id") && message.contains("method");
}

std::variant<Endpoint, Rejection> route(const HttpRequest& req) {
  auto path = path_of(req.target());
  if (path == "/mcp") {
    if (req.method() == http::verb::post) return Endpoint::Mcp;
    return Rejection{405,
                     jsonrpc_error(nullptr, -32000,
                                   "Method Not Allowed: the 2026-07-28 MCP endpoint accepts only POST (no GET "
                                   "stream, no DELETE: sessions do not exist in this revision)"),
                     "POST"};
  }
  if (path == "/healthz") {
    if (req.method() == http::verb::get || req.method() == http::verb::head) return Endpoint::Healthz;
    return Rejection{405, json(nullptr), "GET, HEAD"};
  }
  if (path == "/.well-known/oauth-protected-resource" || path == "/.well-known/oauth-protected-resource/mcp") {
    if (req.method() == http::verb::get || req.method() == http::verb::head) return Endpoint::ResourceMetadata;
    return Rejection{405, json(nullptr), "GET, HEAD"};
  }
  return Rejection{404, jsonrpc_error(nullptr, -32000, "Not Found: the MCP endpoint is /mcp"), {}};
}

AccessPolicy make_access_policy(std::string_view listen_host, const std::vector<std::string>& extra_hosts,
                                const std::vector<std::string>& extra_origins) {
  AccessPolicy p;
  p.allowed_hosts = {"localhost", "127.0.0.1", "::1"};
  auto add_host = [&](std::string_view h) {
    std::string name = h == "*" ? std::string("*") : host_name(h).value_or(lower(h));
    if (!name.empty() && name != "0.0.0.0" && name != "::" && !contains(p.allowed_hosts, name))
      p.allowed_hosts.push_back(std::move(name));
  };
  add_host(listen_host.find(':') != std::string_view::npos && listen_host.front() != '['
               ? std::string("[") + std::string(listen_host) + "]"
               : std::string(listen_host));
  for (const auto& h : extra_hosts) add_host(h);
  for (const auto& o : extra_origins) {
    auto origin = lower(trim(o));
    while (!origin.empty() && origin.back() == '/') origin.pop_back();
    if (!origin.empty()) p.allowed_origins.push_back(std::move(origin));
  }
  return p;
}

std::optional<Rejection> check_origin_and_host(const HttpRequest& req, const AccessPolicy& policy) {
  const bool any_host = contains(policy.allowed_hosts, "*");
  if (!any_host) {
    auto host = single_header(req, "Host");
    if (!host.value || host.repeated) return forbidden("Forbidden: missing or repeated Host header");
    auto name = host_name(*host.value);
    if (!name || !contains(policy.allowed_hosts, *name))
      return forbidden("Forbidden: Host '" + quoted(*host.value) +
                       "' is not allowed (DNS-rebinding protection; see --allowed-host)");
  }
  auto origin = single_header(req, "Origin");
  if (origin.value) {
    auto value = lower(*origin.value);
    while (!value.empty() && value.back() == '/') value.pop_back();
    if (contains(policy.allowed_origins, value)) return std::nullopt;
    auto scheme_end = value.find("://");
    std::optional<std::string> name;
    if (scheme_end != std::string::npos) name = host_name(std::string_view(value).substr(scheme_end + 3));
    if (origin.repeated || !name || any_host || !contains(policy.allowed_hosts, *name))
      return forbidden("Forbidden: Origin '" + quoted(*origin.value) +
                       "' is not allowed (DNS-rebinding protection; see --allowed-origin)");
  }
  return std::nullopt;
}

std::optional<Rejection> check_content_negotiation(const HttpRequest& req) {
  const auto content_type = trim(req[http::field::content_type]);
  if (!is_media_range(trim(content_type.substr(0, content_type.find(';'))), "application", "json"))
    return Rejection{415,
                     jsonrpc_error(nullptr, -32000,
                                   "Unsupported Media Type: Content-Type must be application/json, got '" +
                                       quoted(req[http::field::content_type]) + "'"),
                     {}};
  auto accept = req.find(http::field::accept);
  if (accept != req.end() && !(accepts(accept->value(), "application", "json") &&
                               accepts(accept->value(), "text", "event-stream")))
    return Rejection{406,
                     jsonrpc_error(nullptr, -32000,
                                   "Not Acceptable: Accept must list both application/json and text/event-stream, "
                                   "got '" + quoted(accept->value()) + "'"),
                     {}};
  return std::nullopt;
}

std::variant<json, Rejection> parse_body(std::string_view body) {
  auto parsed = translate::parse_json(body);
  if (!parsed.ok())
    return Rejection{400, jsonrpc_error(nullptr, protocol::error::kParseError, "Parse error: body is " + parsed.error),
                     {}};
  return std::move(parsed.value);
}

std::optional<Rejection> check_standard_headers(const HttpRequest& req, const json& message) {
  if (!message.is_object() || !message.contains("method") || !message["method"].is_string())
    return std::nullopt;  // not a request or notification: the bridge answers -32600
  const bool request = is_request(message);
  const std::string& method = message["method"].get_ref<const std::string&>();
  const json* params = message.contains("params") && message["params"].is_object() ? &message["params"] : nullptr;

  // MCP-Protocol-Version vs _meta protocolVersion.
  auto version = single_header(req, "MCP-Protocol-Version");
  if (version.repeated) return mismatch(message, "MCP-Protocol-Version header is repeated");
  if (!version.value) {
    if (request) return mismatch(message, "required MCP-Protocol-Version header is missing");
  } else if (params && params->contains("_meta") && (*params)["_meta"].is_object()) {
    const json& meta = (*params)["_meta"];
    auto it = meta.find(std::string(protocol::kMetaProtocolVersion));
    if (it != meta.end() && it->is_string() && it->get_ref<const std::string&>() != *version.value)
      return mismatch(message, "MCP-Protocol-Version header value '" + quoted(*version.value) +
                                   "' does not match body _meta protocolVersion '" +
                                   it->get_ref<const std::string&>() + "'");
  }

  // Mcp-Method vs method.
  auto method_header = single_header(req, "Mcp-Method");
  if (method_header.repeated) return mismatch(message, "Mcp-Method header is repeated");
  if (!method_header.value) {
    if (request) return mismatch(message, "required Mcp-Method header is missing");
  } else if (*method_header.value != method) {
    return mismatch(message, "Mcp-Method header value '" + quoted(*method_header.value) +
                                 "' does not match body method '" + method + "'");
  }

  // Mcp-Name vs params.name / params.uri / params.taskId (SEP-2663 "Routing Headers").
  const char* name_field = method == "tools/call" || method == "prompts/get" ? "name"
                           : method == "resources/read"                     ? "uri"
                           : method == "tasks/get" || method == "tasks/update" || method == "tasks/cancel" ? "taskId"
                                                                            : nullptr;
  if (name_field) {
    auto name_header = single_header(req, "Mcp-Name");
    if (name_header.repeated) return mismatch(message, "Mcp-Name header is repeated");
    const json* body_value = params && params->contains(name_field) ? &(*params)[name_field] : nullptr;
    if (!name_header.value) {
      if (request || body_value)
        return mismatch(message, std::string("required Mcp-Name header is missing (body params.") + name_field + ")");
    } else {
      auto decoded = translate::decode_header_value(*name_header.value);
      if (!decoded) return mismatch(message, "Mcp-Name header value has invalid characters or invalid Base64");
      if (!body_value || !body_value->is_string() || body_value->get_ref<const std::string&>() != *decoded)
        return mismatch(message, "Mcp-Name header value '" + quoted(*name_header.value) +
                                     "' does not match body params." + name_field +
                                     (body_value && body_value->is_string()
                                          ? " '" + body_value->get_ref<const std::string&>() + "'"
                                          : std::string(" (absent)")));
    }
  }
  return std::nullopt;
}

bridge::DownstreamRequest collect_request(const HttpRequest& req, json message) {
  bridge::DownstreamRequest out;
  out.message = std::move(message);
  out.via_http = true;
  for (const auto& field : req) {
    auto name = lower(field.name_string());
    auto value = std::string(trim(field.value()));
    if (name == "authorization") {
      out.authorization = std::move(value);
    } else if (name == "traceparent" || name == "tracestate" || name == "baggage") {
      auto& slot = out.trace_headers[name];
      slot = slot.empty() ? value : slot + "," + value;  // repeated fields combine (RFC 9110 5.3)
    } else if (name.rfind("mcp-param-", 0) == 0 && name.size() > 10) {
      out.param_headers[name.substr(10)] = std::move(value);
    }
    if (boost::beast::iequals(name, bridge::kForwardedHeader)) out.from_peer = true;
  }
  return out;
}

std::optional<Rejection> rejection_for_read_error(const boost::system::error_code& ec, bool got_some_bytes) {
  if (ec == http::error::body_limit)
    return Rejection{413, jsonrpc_error(nullptr, -32000, "Payload Too Large: request body exceeds the limit "
                                                         "(--max-body-bytes)"),
                     {}};
  if (ec == http::error::header_limit)
    return Rejection{431, jsonrpc_error(nullptr, -32000, "Request Header Fields Too Large: headers exceed the limit "
                                                         "(--max-header-bytes)"),
                     {}};
  if (ec == boost::beast::error::timeout)
    return got_some_bytes ? std::optional<Rejection>(Rejection{
                                408,
                                jsonrpc_error(nullptr, -32000, "Request Timeout: the request was not received in time "
                                                               "(--request-timeout-ms)"),
                                {}})
                          : std::nullopt;
  if (ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
      ec == boost::asio::error::connection_reset || ec == boost::asio::error::operation_aborted ||
      ec == http::error::partial_message || !got_some_bytes)
    return std::nullopt;
  return Rejection{400, jsonrpc_error(nullptr, -32000, "Bad Request: malformed HTTP request (" + ec.message() + ")"), {}};
}

}  // namespace mcp::downstream
