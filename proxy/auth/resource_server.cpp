#include "auth/resource_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/challenge.hpp"
#include "auth/jwt_verify.hpp"
#include "auth/resource_metadata.hpp"
#include "translate/jsonrpc.hpp"
#include "translate/protocol.hpp"
#include "upstream/session_factory.hpp"

namespace mcp::auth {

namespace asio = boost::asio;
using json = nlohmann::json;

ResourceServer::ResourceServer(asio::any_io_executor ex, ResourceServerOptions opts)
    : opts_(std::move(opts)),
      jwks_(opts_.jwks.url.empty() ? nullptr : std::make_shared<JwksCache>(ex, opts_.jwks)),
      introspector_(opts_.introspection ? std::make_shared<Introspector>(ex, *opts_.introspection) : nullptr),
      policy_(std::make_shared<const TokenPolicy>(opts_.policy)) {
  if (opts_.jwks.url.empty() && opts_.discover_jwks)
    for (const auto& issuer : opts_.policy.issuers)
      discovered_jwks_.emplace(issuer, std::make_shared<JwksDiscovery>(ex, issuer, opts_.jwks));
}

void ResourceServer::set_public_url(std::string url) {
  auto policy = std::make_shared<TokenPolicy>(opts_.policy);
  if (policy->audience.empty()) policy->audience = url;
  std::lock_guard lock(mu_);
  public_url_ = std::move(url);
  policy_ = std::move(policy);
}

std::string ResourceServer::metadata_url() const {
  std::lock_guard lock(mu_);
  return metadata_url_for(public_url_);
}

std::string ResourceServer::audience() const {
  std::lock_guard lock(mu_);
  return policy_->audience;
}

bridge::Reply ResourceServer::metadata() const {
  std::lock_guard lock(mu_);
  return bridge::Reply{200, own_prm_document(public_url_, opts_.policy.issuers, opts_.policy.scopes_supported)};
}

bridge::Reply ResourceServer::refuse(const Refusal& r, const json& message) const {
  const json id = message.is_object() && message.contains("id") ? message["id"] : json(nullptr);
  const std::string text = (r.http_status == 403 ? "Forbidden: " : "Unauthorized: ") + r.description;
  bridge::Reply reply{r.http_status, authorization_error_response(id, r.http_status, text)};
  // No error code or description when no token was sent (RFC 6750 §3.1).
  reply.www_authenticate =
      bearer_challenge(metadata_url(), r.scopes, r.error, r.error.empty() ? std::string_view() : r.description);
  spdlog::debug("auth: {} {}: {}", r.http_status, r.error.empty() ? "no token" : r.error, r.description);
  return reply;
}

asio::awaitable<ResourceServer::Verdict> ResourceServer::authenticate(std::string_view authorization,
                                                                    const json& message) {
  std::shared_ptr<const TokenPolicy> policy;
  {
    std::lock_guard lock(mu_);
    policy = policy_;
  }
  const auto needed = required_scopes(*policy, message);
  const auto bearer = bearer_token(authorization);
  if (bearer.kind == BearerToken::Kind::None)
    co_return refuse(Refusal{401, "", challenge_scopes(*policy, needed),
                             "this resource needs an access token (Authorization: Bearer)"},
                     message);
  if (bearer.kind == BearerToken::Kind::Malformed)
    co_return refuse(Refusal{401, "invalid_token", challenge_scopes(*policy, needed),
                             "the Authorization header holds no bearer token"},
                     message);
  const std::string token(bearer.token);  // the header's storage need not outlive a suspension
  const json id = message.is_object() && message.contains("id") ? message["id"] : json(nullptr);
  auto unavailable = [&](std::string why) {
    return bridge::Reply{503, translate::make_error_response(id, protocol::error::kInternalError,
                                                             "Service unavailable: " + why + "; try again later")};
  };

  const bool jws_shaped = std::count(token.begin(), token.end(), '.') == 2;
  if (!jws_shaped && introspector_) {  // an opaque token: ask the authorization server (RFC 7662)
    auto answer = co_await introspector_->introspect(token);
    if (auto* down = std::get_if<Introspector::Unavailable>(&answer)) co_return unavailable(down->reason);
    if (std::holds_alternative<Introspector::Inactive>(answer))
      co_return refuse(Refusal{401, "invalid_token", challenge_scopes(*policy, needed),
                               "the authorization server says the token is not active"},
                       message);
    auto decision = decide(std::get<json>(answer), *policy, needed, opts_.now());
    if (auto* refusal = std::get_if<Refusal>(&decision)) co_return refuse(*refusal, message);
    co_return std::get<Principal>(decision).key();
  }
  if (!jwks_ && discovered_jwks_.empty())
    co_return refuse(Refusal{401, "invalid_token", challenge_scopes(*policy, needed),
                             "the token is not one this resource can validate"},
                     message);
  std::shared_ptr<JwksDiscovery> discovered;  // the keys of the issuer the token names, when discovering
  if (!jwks_) {
    // The unverified `iss` only selects which configured issuer's keys to try;
    // decide() checks the verified claim again.
    auto iss = unverified_issuer(token);
    auto it = iss ? discovered_jwks_.find(*iss) : discovered_jwks_.end();
    if (it == discovered_jwks_.end())
      co_return refuse(Refusal{401, "invalid_token", challenge_scopes(*policy, needed),
                               iss ? "the token was not issued by an authorization server this resource trusts"
                                   : "the token is not a JWT naming its issuer (iss)"},
                       message);
    discovered = it->second;
  }
  auto keys_of = [this, &discovered](bool unknown_kid) {
    return discovered ? discovered->keys(unknown_kid) : jwks_->keys(unknown_kid);
  };

  auto keys = co_await keys_of(false);
  std::variant<json, JwsRejection> verified =
      keys ? verify_jws(token, *keys) : std::variant<json, JwsRejection>(JwsRejection{JwsFailure::UnknownKey, ""});
  if (auto* r = std::get_if<JwsRejection>(&verified); r && r->kind == JwsFailure::UnknownKey) {
    if (auto fresh = co_await keys_of(/*unknown_kid=*/true)) {
      keys = fresh;
      verified = verify_jws(token, *keys);
    }
  }
  if (!keys) {
    spdlog::warn("auth: no signing keys from the authorization server yet; refusing the request with 503");
    co_return unavailable("the authorization server's signing keys cannot be fetched");
  }
  if (auto* r = std::get_if<JwsRejection>(&verified))
    co_return refuse(Refusal{401, "invalid_token", challenge_scopes(*policy, needed), r->detail}, message);

  auto decision = decide(std::get<json>(verified), *policy, needed, opts_.now());
  if (auto* refusal = std::get_if<Refusal>(&decision)) co_return refuse(*refusal, message);
  co_return std::get<Principal>(decision).key();
}

namespace {

class CredentialsFreeFactory : public upstream::SessionFactory {
 public:
  explicit CredentialsFreeFactory(std::shared_ptr<upstream::SessionFactory> inner) : inner_(std::move(inner)) {}
  std::shared_ptr<upstream::UpstreamSession> create(const upstream::SessionContext&) override {
    return inner_->create(upstream::SessionContext{});
  }
  std::string describe() const override { return inner_->describe(); }

 private:
  std::shared_ptr<upstream::SessionFactory> inner_;
};

}  // namespace

std::shared_ptr<upstream::SessionFactory> client_credentials_free_factory(
    std::shared_ptr<upstream::SessionFactory> inner) {
  return std::make_shared<CredentialsFreeFactory>(std::move(inner));
}

}  // namespace mcp::auth
