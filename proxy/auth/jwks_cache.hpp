// Resource-server mode, the keys: the authorization server's JWK Set
// (--auth-jwks-url, or the jwks_uri jwks_discovery.hpp found in the issuer's
// metadata), fetched over HTTP(S) without blocking an io thread,
// cached, and fetched again
//   - when older than max_age (keys rotate),
//   - when a token names a kid the cached set lacks (a new key went live),
// but never more often than min_refetch_interval, whatever the reason: a
// flood of tokens with made-up kids costs the authorization server at most
// one GET per interval. A failed fetch keeps the previous keys. One fetch at
// a time; concurrent callers wait for it. When to fetch is the pure
// should_fetch() below; the class only moves bytes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include "auth/document_fetcher.hpp"
#include "auth/jwt_verify.hpp"

namespace mcp::auth {

class FetchFlight;  // fetch_flight.hpp


struct JwksCacheOptions {
  std::string url;                                       // absolute http(s)
  FetchOptions fetch{{}, false, 256 * 1024, std::chrono::milliseconds(10'000)};
  std::chrono::milliseconds max_age{600'000};
  std::chrono::milliseconds min_refetch_interval{30'000};
  std::function<std::chrono::steady_clock::time_point()> clock = [] { return std::chrono::steady_clock::now(); };
};

struct JwksFreshness {
  std::optional<std::chrono::steady_clock::time_point> last_attempt;  // any fetch, failed or not
  std::optional<std::chrono::steady_clock::time_point> fetched_at;    // the cached set's fetch
};

// Whether a caller at `now` should fetch the set (see the header comment).
bool should_fetch(const JwksFreshness& state, std::chrono::steady_clock::time_point now, bool unknown_kid,
                  const JwksCacheOptions& opts);

class JwksCache : public std::enable_shared_from_this<JwksCache> {
 public:
  // Throws std::invalid_argument for an unusable URL or CA file.
  JwksCache(boost::asio::any_io_executor ex, JwksCacheOptions opts);
  ~JwksCache();

  // The keys to verify with, fetched first when should_fetch() says so.
  // `unknown_kid`: the caller's token names a kid the last set lacked.
  // Null while no set was ever fetched. Never throws for fetch failures.
  boost::asio::awaitable<std::shared_ptr<const KeySet>> keys(bool unknown_kid = false);

  std::uint64_t fetch_attempts() const;  // for tests and logs

 private:
  static boost::asio::awaitable<std::shared_ptr<const KeySet>> keys_on_strand(std::shared_ptr<JwksCache> self,
                                                                              bool unknown_kid);
  static boost::asio::awaitable<void> run_flight(std::shared_ptr<JwksCache> self, std::shared_ptr<FetchFlight> flight);

  JwksCacheOptions opts_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::unique_ptr<DocumentFetcher> fetcher_;
  // On the strand:
  std::shared_ptr<FetchFlight> flight_;
  std::shared_ptr<const KeySet> keys_;
  JwksFreshness freshness_;
  std::atomic<std::uint64_t> attempts_{0};
};

}  // namespace mcp::auth
