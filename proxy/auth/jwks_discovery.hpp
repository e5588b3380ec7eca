// Resource-server mode without --auth-jwks-url: one issuer's signing keys,
// found through its authorization server metadata. Lazily, on the first token
// to verify: GET the well-known metadata URLs in the spec's order
// (authorization_server_metadata.hpp) until one answers 200 with a document
// that names this issuer and a usable jwks_uri; then a JwksCache on that
// jwks_uri does the rest (caching, rotation, rate limits). The discovered URL
// is kept for the life of the process.
//
// A failed discovery yields no keys (the caller answers 503, as for an
// unreachable JWK Set) and is retried no more often than the JWK Set's
// min_refetch_interval (jwks_cache.hpp's should_fetch, with nothing ever
// fetched). One discovery at a time; concurrent callers wait for it. Nothing
// blocks an io thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include "auth/document_fetcher.hpp"
#include "auth/jwks_cache.hpp"

namespace mcp::auth {

class FetchFlight;  // fetch_flight.hpp


class JwksDiscovery : public std::enable_shared_from_this<JwksDiscovery> {
 public:
  // `jwks`: the options of the JwksCache to create (its url is ignored; the
  // fetch options, clock and intervals also govern the metadata requests).
  // Throws std::invalid_argument for an issuer without metadata URLs, or an
  // unusable CA file.
  JwksDiscovery(boost::asio::any_io_executor ex, std::string issuer, JwksCacheOptions jwks);
  ~JwksDiscovery();

  // As JwksCache::keys: the keys, discovering their URL first when needed.
  // Null while no set was ever fetched. Never throws for fetch failures.
  boost::asio::awaitable<std::shared_ptr<const KeySet>> keys(bool unknown_kid = false);

  std::uint64_t discovery_attempts() const;  // for tests and logs
  std::string jwks_uri() const;              // empty until discovered (for tests)

 private:
  static boost::asio::awaitable<std::shared_ptr<JwksCache>> cache_on_strand(std::shared_ptr<JwksDiscovery> self);
  static boost::asio::awaitable<void> run_flight(std::shared_ptr<JwksDiscovery> self, std::shared_ptr<FetchFlight> flight);

  boost::asio::any_io_executor ex_;
  std::string issuer_;
  JwksCacheOptions jwks_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::unique_ptr<DocumentFetcher> fetcher_;  // the issuer's origin: every well-known URL is on it
  // On the strand:
  std::shared_ptr<FetchFlight> flight_;
  std::shared_ptr<JwksCache> cache_;  // set once discovered
  JwksFreshness freshness_;           // last_attempt only: fetched_at stays empty
  std::atomic<std::uint64_t> attempts_{0};
  mutable std::mutex mu_;
  std::string discovered_;  // under mu_: read by jwks_uri() from any thread
};

}  // namespace mcp::auth
