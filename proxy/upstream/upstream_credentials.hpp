// The bridge's own credential toward an HTTP upstream when it changes over
// time: an OAuth access token the bridge obtains and refreshes itself
// (--upstream-token-url, auth/upstream_token_source.hpp). HttpUpstreamOptions
// holds one; every upstream HTTP request of a session whose SessionContext
// carries no client credential asks it for the current Authorization value
// (initialize and its replays, calls, notifications, the GET stream, DELETE),
// so the health probe's session carries it too. Defined here, implemented in
// auth/, so the upstream library does not depend on the OAuth code.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "upstream/upstream_session.hpp"

namespace mcp::upstream {

// No credential can be had now (the authorization server refused the
// bridge's client, cannot be reached, or answered garbage). The bridge's own
// configuration problem: the client gets an error naming it, and it never
// counts as an upstream failure (/healthz), like an upstream 401 to the
// bridge's credential.
struct UpstreamCredentialsError : UpstreamError {
  using UpstreamError::UpstreamError;
};

class UpstreamCredentials {
 public:
  virtual ~UpstreamCredentials() = default;
  // The Authorization header value for the next request ("Bearer ..."),
  // obtained first if there is none or it expired; never blocks a thread.
  // `refused`: the value the upstream just answered 401 to (empty if none):
  // if it is still the current one it is dropped and a new one obtained.
  // Throws UpstreamCredentialsError.
  virtual boost::asio::awaitable<std::string> authorization(std::string refused) = 0;
};

}  // namespace mcp::upstream
