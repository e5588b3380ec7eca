#include "translate/request_meta.hpp"

#include <array>
#include <string_view>

#include "translate/protocol.hpp"

namespace mcp::translate {
namespace {

MetaError invalid_params(std::string message) {
  return MetaError{400, protocol::error::kInvalidParams, "Invalid params: " + std::move(message), nullptr};
}

constexpr std::array<std::string_view, 8> kLogLevels{"debug", "info",     "notice", "warning",
                                                     "error", "critical", "alert",  "emergency"};

}  // namespace

MetaResult read_request_meta(const json& params) {
  // Keys looked up as string_views (object_t compares transparently): every
  // request reads them, and each is too long for a std::string's inline buffer.
  constexpr std::string_view pv_key = protocol::kMetaProtocolVersion;
  constexpr std::string_view caps_key = protocol::kMetaClientCapabilities;
  constexpr std::string_view info_key = protocol::kMetaClientInfo;
  if (!params.is_object() || !params.contains("_meta"))
    return invalid_params("missing _meta keys: " + std::string(pv_key) + ", " + std::string(caps_key));
  const json& meta = params["_meta"];
  if (!meta.is_object()) return invalid_params("params._meta must be an object");

  const auto pv = meta.find(pv_key);
  const auto caps = meta.find(caps_key);
  std::string missing;
  if (pv == meta.end()) missing = pv_key;
  if (caps == meta.end()) missing += (missing.empty() ? "" : ", ") + std::string(caps_key);
  if (!missing.empty()) return invalid_params("missing _meta keys: " + missing);

  if (!pv->is_string() || pv->get_ref<const std::string&>().empty())
    return invalid_params(std::string(pv_key) + " must be a non-empty string");
  if (!caps->is_object()) return invalid_params(std::string(caps_key) + " must be an object");
  // Built with the capabilities, not assigned over the default empty object.
  RequestMeta out{.protocol_version = pv->get<std::string>(),
                  .client_capabilities = *caps,
                  .client_info = nullptr,
                  .log_level = std::nullopt,
                  .progress_token = nullptr};

  if (auto it = meta.find(info_key); it != meta.end() && !it->is_null()) {
    if (!it->is_object()) return invalid_params(std::string(info_key) + " must be an object");
    out.client_info = *it;
  }
  if (auto it = meta.find("io.modelcontextprotocol/logLevel"); it != meta.end() && !it->is_null()) {
    if (!it->is_string() || log_level_rank(it->get<std::string>()) < 0)
      return invalid_params("io.modelcontextprotocol/logLevel must be a LoggingLevel (debug ... emergency)");
    out.log_level = it->get<std::string>();
  }
  if (auto it = meta.find("progressToken"); it != meta.end() && !it->is_null()) {
    if (!it->is_string() && !it->is_number_integer())
      return invalid_params("_meta.progressToken must be a string or an integer");
    out.progress_token = *it;
  }
  return out;
}

std::optional<MetaError> check_protocol_version(const std::string& requested) {
  json supported = json::array();
  for (auto v : protocol::kSupportedModernVersions) {
    if (v == requested) return std::nullopt;
    supported.push_back(std::string(v));
  }
  return MetaError{400, protocol::error::kUnsupportedProtocolVersion, "Unsupported protocol version",
                   json{{"supported", supported}, {"requested", requested}}};
}

int log_level_rank(const std::string& level) {
  for (std::size_t i = 0; i < kLogLevels.size(); ++i)
    if (kLogLevels[i] == level) return static_cast<int>(i);
  return -1;
}

}  // namespace mcp::translate
