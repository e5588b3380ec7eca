// Resource-server mode, opaque tokens: OAuth 2.0 Token Introspection
// (RFC 7662). A token that is not a compact JWS is POSTed to the authorization
// server's introspection endpoint (client_secret_basic, RFC 7662 §2.1); an
// active answer's members (iss, sub, client_id, aud, exp, nbf, scope) are the
// claims token_policy.hpp judges like a JWT's. The I/O is thin; the reading
// of the answer is the pure introspection_claims().
//   - Answers are cached by the token's SHA-256 (never the token), until the
//     token's exp or cache_ttl, whichever comes first; inactive answers too,
//     so a replayed bad token costs one POST per cache_ttl. At most
//     max_cache_entries (expired ones are dropped first; a full cache
//     caches nothing more).
//   - At most max_in_flight POSTs at a time: more callers get "unavailable"
//     (503) instead of a queue, so a flood of made-up tokens cannot make the
//     bridge hammer the authorization server.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
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

#include "auth/document_fetcher.hpp"

namespace mcp::auth {

struct IntrospectionOptions {
  std::string url;            // the introspection endpoint, absolute http(s)
  FetchOptions fetch;
  std::string client_id;      // the bridge's credentials at the authorization server
  std::string client_secret;  // never logged
  std::string default_issuer; // `iss` for answers without one (the endpoint's issuer)
  std::size_t max_in_flight = 8;
  std::chrono::milliseconds cache_ttl{30'000};
  std::size_t max_cache_entries = 10'000;
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

// The claims of an introspection answer (untrusted bytes): nullopt when it is
// not a JSON object, or `active` is not true (RFC 7662 §2.2). A missing `iss`
// becomes `default_issuer`.
std::optional<nlohmann::json> introspection_claims(std::string_view body, const std::string& default_issuer);

class Introspector {
 public:
  // Throws std::invalid_argument for an unusable URL or CA file.
  Introspector(boost::asio::any_io_executor ex, IntrospectionOptions opts);
  ~Introspector();

  struct Inactive {};      // the AS says the token is not active (or answered garbage)
  struct Unavailable {     // no answer: the endpoint failed, or too many in flight
    std::string reason;
  };
  using Result = std::variant<nlohmann::json, Inactive, Unavailable>;

  // Never throws. `token` is never logged.
  boost::asio::awaitable<Result> introspect(std::string token);

  std::uint64_t posts() const { return posts_.load(); }  // for tests and logs

 private:
  struct Entry {
    std::optional<nlohmann::json> claims;  // nullopt: inactive
    std::chrono::system_clock::time_point until;
  };
  std::optional<Entry> cached(const std::string& digest);
  void remember(const std::string& digest, Entry entry);

  IntrospectionOptions opts_;
  std::unique_ptr<DocumentFetcher> fetcher_;
  std::string basic_;  // "Basic base64(id:secret)"
  std::mutex mu_;
  std::map<std::string, Entry> cache_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::uint64_t> posts_{0};
};

}  // namespace mcp::auth
