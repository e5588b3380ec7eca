#include "bridge/mrtr_forward.hpp"

#include <array>

#include <boost/beast/core/string.hpp>

#include "bridge/bridge.hpp"
#include "translate/jsonrpc.hpp"
#include "translate/protocol.hpp"

namespace mcp::bridge {

RetryRoute route_retry(std::string_view owner, std::string_view self, bool from_peer) {
  if (owner == self) return RetryRoute::Local;
  if (from_peer) return RetryRoute::Misrouted;
  if (!owner.starts_with("http://")) return RetryRoute::Misrouted;
  return RetryRoute::Forward;
}

bool forwarded_request_header(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kDropped = {
      "connection", "keep-alive", "te",     "trailer", "transfer-encoding",
      "upgrade",    "content-length", "expect", "proxy-connection", kForwardedHeader};
  for (auto dropped : kDropped)
    if (boost::beast::iequals(name, dropped)) return false;
  if (name.size() >= 6 && boost::beast::iequals(name.substr(0, 6), "proxy-")) return false;
  return !name.empty();
}

json exchange_lost_error(const json& id) {
  return translate::make_error_response(
      id, protocol::error::kInvalidParams,
      "Invalid params: the bridge replica holding this multi round-trip exchange is gone or unreachable; the "
      "exchange is lost. Send the original request again, without inputResponses and requestState",
      json{{"reason", "exchange_lost"}});
}

}  // namespace mcp::bridge
