// The bridge's own access token toward an OAuth-protected upstream: the
// client-credentials grant (RFC 6749 §4.4) at the upstream's authorization
// server (--upstream-token-url), with client_secret_basic (§2.3.1) and the
// upstream's URL as `resource` (RFC 8707; basic/authorization "Resource
// Parameter Implementation": MUST be in every token request).
//   - The token is cached and refreshed before it expires: once less than
//     min(60 s, 10% of its lifetime) remains, the next request starts a fetch
//     in the background and keeps using the current token meanwhile.
//   - One fetch at a time (fetch_flight.hpp): callers without a usable token
//     wait for it, bounded by the fetch timeout.
//   - A failed fetch is retried with exponential backoff (1 s .. 60 s);
//     meanwhile callers without a usable token fail at once with the reason
//     (UpstreamCredentialsError), never queue. Whatever the reason, fetches
//     are at least 1 s apart, so neither the upstream (401s) nor clients can
//     make the bridge hammer the authorization server.
//   - An upstream 401 to the current token drops it (authorization(refused));
//     the HTTP upstream retries that request once with a fresh one.
// The token and the secret are never logged. When to fetch is the pure
// next_step(); what an answer means is the pure read_token_response()
// (token_response.hpp); the class only moves bytes (through DocumentFetcher,
// the upstream library's connection pool: https verified, nothing blocks an
// io thread).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include "auth/document_fetcher.hpp"
#include "auth/token_response.hpp"
#include "upstream/upstream_credentials.hpp"

namespace mcp::auth {

class FetchFlight;  // fetch_flight.hpp

struct UpstreamTokenOptions {
  std::string token_url;       // absolute https, or http on a loopback host
  std::string client_id;
  std::string client_secret;   // never logged
  std::vector<std::string> scopes;  // `scope`, space-separated; none: not sent
  std::string resource;        // RFC 8707: the upstream's URL
  FetchOptions fetch;          // ca_file, timeout, body bound of the token request
  TokenTiming timing;
  std::function<std::chrono::steady_clock::time_point()> clock = [] { return std::chrono::steady_clock::now(); };
};

struct TokenState {
  std::optional<std::string> authorization;  // "Bearer <token>"; nullopt: none (or dropped)
  std::chrono::steady_clock::time_point obtained_at{}, expires_at{};
  std::optional<std::chrono::steady_clock::time_point> last_attempt;  // the last fetch start
  std::uint32_t failures = 0;  // fetches failed in a row
  std::string last_error;      // why the last fetch failed
};

// When the token should be refreshed: min(max_refresh_margin, lifetime/10)
// before it expires.
std::chrono::steady_clock::time_point refresh_time(const TokenState& s, const TokenTiming& timing);
// The earliest time a new fetch may start: last_attempt + the larger of
// min_fetch_interval and the backoff for `failures`.
std::chrono::steady_clock::time_point next_fetch_allowed(const TokenState& s, const TokenTiming& timing);

enum class TokenStep {
  Use,            // the token is good and not due: use it
  UseAndRefresh,  // the token is good but due: use it, fetch a new one in the background
  Fetch,          // no usable token: fetch one and wait for it
  Fail,           // no usable token and no fetch allowed yet (backoff): fail now
};
// What a caller at `now` does when no fetch is in flight.
TokenStep next_step(const TokenState& s, std::chrono::steady_clock::time_point now, const TokenTiming& timing);

class UpstreamTokenSource final : public upstream::UpstreamCredentials,
                                  public std::enable_shared_from_this<UpstreamTokenSource> {
 public:
  // Throws std::invalid_argument for a token URL that is not https (or http
  // on loopback), an empty client id or secret, or an unusable CA file.
  UpstreamTokenSource(boost::asio::any_io_executor ex, UpstreamTokenOptions opts);
  ~UpstreamTokenSource() override;

  // "Bearer <token>"; throws upstream::UpstreamCredentialsError (see the header comment).
  boost::asio::awaitable<std::string> authorization(std::string refused) override;

  std::uint64_t fetch_attempts() const { return attempts_.load(); }  // for tests and logs

 private:
  static boost::asio::awaitable<std::string> on_strand(std::shared_ptr<UpstreamTokenSource> self,
                                                       std::string refused);
  static boost::asio::awaitable<void> run_flight(std::shared_ptr<UpstreamTokenSource> self,
                                                 std::shared_ptr<FetchFlight> flight);
  std::string failure_message(std::chrono::steady_clock::time_point now) const;

  UpstreamTokenOptions opts_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::unique_ptr<DocumentFetcher> fetcher_;
  const std::string basic_;         // client_secret_basic; never logged
  const std::string request_body_;  // the token request's form body
  // On the strand:
  std::shared_ptr<FetchFlight> flight_;
  TokenState state_;
  std::atomic<std::uint64_t> attempts_{0};
};

}  // namespace mcp::auth
