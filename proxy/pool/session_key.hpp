// Identity of a pooled upstream session. Two requests share a session only if
// they carry the same Authorization value (never across authorization contexts),
// the same client capabilities (the upstream tailors behaviour to those
// declared in `initialize`) and the same log level: 2026-07-28 sets the level
// per request (io.modelcontextprotocol/logLevel), a legacy upstream per session
// (logging/setLevel), so each level gets its own sessions and concurrent
// requests with different levels never change each other's.
#pragma once

#include <compare>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "translate/canonical.hpp"
#include "translate/wire_text.hpp"

namespace mcp::pool {

struct SessionKey {
  std::string authorization;           // "Authorization" header value, "" if none
  std::string capabilities_canonical;  // translate::canonical_json(clientCapabilities)
  std::string log_level;               // LoggingLevel sent with logging/setLevel; "" = never set

  static SessionKey make(std::string authorization, const nlohmann::json& client_capabilities,
                         std::string log_level = {}) {
    return SessionKey{std::move(authorization), translate::canonical_json(client_capabilities), std::move(log_level)};
  }

  auto operator<=>(const SessionKey&) const = default;

  // For logs: never prints the credential itself, only a short fingerprint.
  std::string describe() const {
    auto h = std::hash<std::string>{}(authorization);
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016zx", h);
    return std::string(authorization.empty() ? "auth=none" : std::string("auth#") + (buf + 8)) +
           " caps=" + translate::abbreviate(capabilities_canonical, 120) + (log_level.empty() ? "" : " log=" + log_level);
  }
};

}  // namespace mcp::pool
