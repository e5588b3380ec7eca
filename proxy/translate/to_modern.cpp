#include "translate/to_modern.hpp"

#include <algorithm>

#include "translate/protocol.hpp"

namespace mcp::translate {

namespace err = protocol::error;

void finish_result(json& result, json server_info, bool cacheable, const CacheHint& hint) {
  // A legacy server cannot produce an interim (input_required) result.
  result["resultType"] = "complete";
  auto meta = result.find("_meta");
  if (meta == result.end() || !meta->is_object()) result["_meta"] = json::object();
  result["_meta"][std::string(protocol::kMetaServerInfo)] = std::move(server_info);
  if (cacheable) {
    result["ttlMs"] = std::max<std::int64_t>(0, hint.ttl_ms);
    result["cacheScope"] = std::string(to_string(hint.scope));
  }
}

json to_modern_error(const json& legacy_error, const ResponseContext& ctx) {
  if (!legacy_error.is_object() || !legacy_error.contains("code") || !legacy_error["code"].is_number_integer())
    return json{{"code", err::kInternalError},
                {"message", "Upstream server returned a malformed error object"},
                {"data", {{"upstreamError", legacy_error}}}};
  json out = legacy_error;
  const int code = legacy_error["code"].get<int>();
  if (!out.contains("message") || !out["message"].is_string()) out["message"] = "Upstream error";

  if (code == err::kLegacyResourceNotFound) {
    out["code"] = err::kInvalidParams;
    json data = out.value("data", json(nullptr));
    if (data.is_null()) data = json::object();
    if (data.is_object() && !data.contains("uri") && !ctx.request_uri.is_null()) data["uri"] = ctx.request_uri;
    out["data"] = std::move(data);
    return out;
  }
  // -32020..-32099 is reserved for codes this revision defines; a legacy server
  // using it (e.g. -32042 URL elicitation required) means something else.
  const bool reserved = code <= -32020 && code >= -32099;
  const bool defined_and_meaningful = code == err::kMissingRequiredClientCapability;
  if (reserved && !defined_and_meaningful) {
    return json{
        {"code", err::kInternalError},
        {"message", "Upstream error (code " + std::to_string(code) +
                        " has no meaning in protocol version 2026-07-28): " + out["message"].get<std::string>()},
        {"data", {{"upstreamError", legacy_error}}}};
  }
  return out;
}

json to_modern_response(json legacy_response, ResponseContext ctx) {
  json out{{"jsonrpc", "2.0"}, {"id", ctx.client_id}};
  if (!legacy_response.is_object()) {
    out["error"] = {{"code", err::kInternalError}, {"message", "Upstream server returned a non-object response"}};
    return out;
  }
  if (auto e = legacy_response.find("error"); e != legacy_response.end()) {
    out["error"] = to_modern_error(*e, ctx);
    return out;
  }
  auto r = legacy_response.find("result");
  if (r == legacy_response.end() || !r->is_object()) {
    out["error"] = {{"code", err::kInternalError},
                    {"message", "Upstream server returned a response without a result object"}};
    return out;
  }
  json result = std::move(*r);
  finish_result(result, std::move(ctx.server_info), ctx.cacheable, ctx.cache_hint);
  out["result"] = std::move(result);
  return out;
}

unsigned http_status_for_forwarded_error(int code) {
  switch (code) {
    case err::kMethodNotFound:
      return 404;
    case err::kHeaderMismatch:
    case err::kMissingRequiredClientCapability:
    case err::kUnsupportedProtocolVersion:
      return 400;
    default:
      return 200;
  }
}

std::optional<json> to_modern_notification(const json& n, const RequestMeta& meta) {
  if (!n.is_object() || !n.contains("method") || !n["method"].is_string()) return std::nullopt;
  const std::string& method = n["method"].get_ref<const std::string&>();
  if (method == "notifications/progress") {
    if (meta.progress_token.is_null()) return std::nullopt;
    json out = n;
    if (!out.contains("params") || !out["params"].is_object()) return std::nullopt;
    out["params"]["progressToken"] = meta.progress_token;
    return out;
  }
  if (method == "notifications/message") {
    if (!meta.log_level) return std::nullopt;  // MUST NOT emit without logLevel
    const json& params = n.value("params", json::object());
    const int level = params.is_object() && params.contains("level") && params["level"].is_string()
                          ? log_level_rank(params["level"].get<std::string>())
                          : -1;
    if (level < 0 || level < log_level_rank(*meta.log_level)) return std::nullopt;
    return n;
  }
  return std::nullopt;
}

json server_info_from_initialize(const json& initialize_result) {
  if (initialize_result.is_object()) {
    auto it = initialize_result.find("serverInfo");
    if (it != initialize_result.end() && it->is_object() && it->contains("name") && (*it)["name"].is_string() &&
        it->contains("version") && (*it)["version"].is_string())
      return *it;
  }
  return json{{"name", "unknown-legacy-server"}, {"version", "unknown"}};
}

}  // namespace mcp::translate
