// Resource-server mode (--auth-mode resource-server): the bridge is the
// OAuth protected resource (authorization/index.mdx "Roles"). Per request:
//   1. the bearer token from the Authorization header (RFC 6750 §2.1;
//      bearer_token(), bearer_token.hpp); none -> 401 without an error code;
//   2. its signature against the issuer's keys (jwt_verify.hpp, keys from
//      jwks_cache.hpp, at --auth-jwks-url or at the jwks_uri discovered from
//      the issuer's metadata, jwks_discovery.hpp; an unknown kid fetches them
//      again, rate-limited); or,
//      for a token that is not a compact JWS, RFC 7662 introspection
//      (introspection.hpp) when configured;
//   3. its claims against the policy (token_policy.hpp: iss, aud, exp/nbf,
//      subject, the scopes this method/tool needs).
// Accepted: the principal's key (Principal::key()), which the HTTP transport
// puts where passthrough mode keeps the Authorization header, so upstream
// sessions, requestState and task handles follow the principal and never the
// token string. Refused: the 401/403 with the challenge (challenge.hpp).
// The token itself is never logged, stored or sent anywhere; the upstream
// gets only the bridge's own credentials (--upstream-header or
// --upstream-token-url; client_credentials_free_factory).
// Also serves the bridge's own Protected Resource Metadata (RFC 9728).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "auth/bearer_token.hpp"
#include "auth/introspection.hpp"
#include "auth/jwks_cache.hpp"
#include "auth/jwks_discovery.hpp"
#include "auth/token_policy.hpp"
#include "bridge/bridge.hpp"

namespace mcp::upstream {
class SessionFactory;
}

namespace mcp::auth {

struct ResourceServerOptions {
  TokenPolicy policy;  // policy.audience empty: the public URL (set_public_url)
  // jwks.url: one JWK Set for every issuer (--auth-jwks-url). Empty: each
  // issuer's jwks_uri from its metadata when discover_jwks (jwks_discovery.hpp;
  // a JWT's unverified `iss` picks the configured issuer whose keys verify it),
  // else no JWT validation (introspection only).
  JwksCacheOptions jwks;
  bool discover_jwks = false;
  // Set: tokens that are not a compact JWS go to RFC 7662 introspection.
  std::optional<IntrospectionOptions> introspection;
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

class ResourceServer {
 public:
  // Throws std::invalid_argument for an unusable JWKS/introspection/issuer URL or CA file.
  ResourceServer(boost::asio::any_io_executor ex, ResourceServerOptions opts);

  // The canonical public URL, once the listener is bound and before requests
  // are served; also the audience unless one was configured. Thread-safe.
  void set_public_url(std::string url);
  std::string metadata_url() const;
  std::string audience() const;

  // GET /.well-known/oauth-protected-resource[/mcp]: 200 and own_prm_document.
  bridge::Reply metadata() const;
  boost::asio::awaitable<bridge::Reply> serve_metadata() const { co_return metadata(); }

  // The principal key of an accepted request, or the Reply refusing it (JSON-RPC
  // error for `message`'s id, WWW-Authenticate set). Never throws.
  using Verdict = std::variant<std::string, bridge::Reply>;
  boost::asio::awaitable<Verdict> authenticate(std::string_view authorization, const nlohmann::json& message);

 private:
  bridge::Reply refuse(const Refusal& r, const nlohmann::json& message) const;

  ResourceServerOptions opts_;
  std::shared_ptr<JwksCache> jwks_;                // null without a JWKS URL
  // discover_jwks: issuer -> its discovered keys; empty otherwise.
  std::map<std::string, std::shared_ptr<JwksDiscovery>, std::less<>> discovered_jwks_;
  std::shared_ptr<Introspector> introspector_;    // null without introspection
  mutable std::mutex mu_;
  std::string public_url_;
  std::shared_ptr<const TokenPolicy> policy_;  // opts_.policy with the audience resolved
};

// Resource-server mode's upstream session factory: `inner` with every
// session's SessionContext emptied, so the principal key the pool passes (and
// any client credential) never becomes an upstream Authorization header; the
// upstream sees only the configured --upstream-header values, or the bridge's
// own token (--upstream-token-url, upstream_token_source.hpp).
std::shared_ptr<upstream::SessionFactory> client_credentials_free_factory(
    std::shared_ptr<upstream::SessionFactory> inner);

}  // namespace mcp::auth
