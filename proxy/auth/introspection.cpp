#include "auth/introspection.hpp"

#include <spdlog/spdlog.h>

#include "auth/client_authentication.hpp"
#include "bridge/request_state.hpp"
#include "translate/json_input.hpp"

namespace mcp::auth {

namespace asio = boost::asio;
using json = nlohmann::json;

namespace {

std::optional<std::chrono::system_clock::time_point> exp_of(const json& claims) {
  auto it = claims.find("exp");
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(it->get<double>())));
}

}  // namespace

std::optional<json> introspection_claims(std::string_view body, const std::string& default_issuer) {
  auto parsed = translate::parse_json(body, translate::InvalidUtf8::Reject);
  if (!parsed.ok() || !parsed.value.is_object()) return std::nullopt;
  json claims = std::move(parsed.value);
  auto active = claims.find("active");
  if (active == claims.end() || !active->is_boolean() || !active->get<bool>()) return std::nullopt;
  if (!claims.contains("iss") && !default_issuer.empty()) claims["iss"] = default_issuer;
  return claims;
}

Introspector::Introspector(asio::any_io_executor ex, IntrospectionOptions opts)
    : opts_(std::move(opts)),
      fetcher_(std::make_unique<DocumentFetcher>(ex, opts_.url, opts_.fetch)),
      basic_(client_secret_basic(opts_.client_id, opts_.client_secret)) {}

Introspector::~Introspector() = default;

std::optional<Introspector::Entry> Introspector::cached(const std::string& digest) {
  std::lock_guard lock(mu_);
  auto it = cache_.find(digest);
  if (it == cache_.end()) return std::nullopt;
  if (opts_.now() >= it->second.until) {
    cache_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void Introspector::remember(const std::string& digest, Entry entry) {
  std::lock_guard lock(mu_);
  if (cache_.size() >= opts_.max_cache_entries) {
    const auto now = opts_.now();
    std::erase_if(cache_, [&](const auto& kv) { return now >= kv.second.until; });
    if (cache_.size() >= opts_.max_cache_entries) return;
  }
  cache_[digest] = std::move(entry);
}

asio::awaitable<Introspector::Result> Introspector::introspect(std::string token) {
  const std::string digest = bridge::sha256_hex(token);
  if (auto hit = cached(digest)) {
    if (hit->claims) co_return *hit->claims;
    co_return Inactive{};
  }
  if (in_flight_.fetch_add(1) >= opts_.max_in_flight) {
    --in_flight_;
    co_return Unavailable{"too many token introspections in flight"};
  }
  struct Release {
    std::atomic<std::size_t>& n;
    ~Release() { --n; }
  } release{in_flight_};
  ++posts_;
  std::pair<unsigned, std::string> answer;
  try {
    answer = co_await fetcher_->post_form(target_of(opts_.url), "token=" + form_encode(token) + "&token_type_hint=access_token",
                                          basic_);
  } catch (const std::exception& e) {
    spdlog::warn("auth: token introspection at {} failed: {}", opts_.url, e.what());
    co_return Unavailable{"the authorization server's introspection endpoint cannot be reached"};
  }
  if (answer.first != 200) {
    spdlog::warn("auth: token introspection at {} answered HTTP {}", opts_.url, answer.first);
    co_return Unavailable{"the authorization server's introspection endpoint failed"};
  }
  const auto now = opts_.now();
  auto claims = introspection_claims(answer.second, opts_.default_issuer);
  auto until = now + opts_.cache_ttl;
  if (claims) {
    if (auto exp = exp_of(*claims); exp && *exp < until) until = *exp;
  }
  remember(digest, Entry{claims, until});
  if (!claims) co_return Inactive{};
  co_return *claims;
}

}  // namespace mcp::auth
