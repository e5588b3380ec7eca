#include "upstream/legacy_handshake.hpp"

#include <string>

#include "translate/protocol.hpp"
#include "upstream/jsonrpc_message.hpp"

namespace mcp::upstream {

bool accepts_protocol_version(std::string_view version, LegacyTransport transport) {
  for (auto v : protocol::kLegacyVersions)
    if (v == version) return true;
  if (transport == LegacyTransport::Stdio)
    for (auto v : protocol::kLegacyStdioOnlyVersions)
      if (v == version) return true;
  return false;
}

bool sends_version_header(std::string_view version) { return !version.empty() && version != "2025-03-26"; }

json make_initialize_request(const json& id, json params) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", "initialize"}, {"params", std::move(params)}};
}

json make_initialized_notification() { return {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}; }

json accept_initialize_response(const json& response, LegacyTransport transport) {
  const auto result = response.find("result");
  if (response.contains("error") || result == response.end() || !result->is_object())
    throw UpstreamError("upstream rejected initialize: " + abbreviate(response.dump()));
  const auto version = result->find("protocolVersion");
  const std::string v = version != result->end() && version->is_string() ? version->get<std::string>() : "";
  if (!accepts_protocol_version(v, transport))
    throw UpstreamError("upstream negotiated unsupported protocol version '" + abbreviate(v, 64) + "'");
  return *result;
}

ExpiryAction on_post_status(unsigned status, bool sent_session_id, unsigned reinitializations_done) {
  if (status != 404 || !sent_session_id) return ExpiryAction::Proceed;
  return reinitializations_done == 0 ? ExpiryAction::Reinitialize : ExpiryAction::Fail;
}

}  // namespace mcp::upstream
