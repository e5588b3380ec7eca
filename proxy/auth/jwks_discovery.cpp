#include "auth/jwks_discovery.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

#include "auth/authorization_server_metadata.hpp"
#include "auth/fetch_flight.hpp"

namespace mcp::auth {

namespace asio = boost::asio;

namespace {

std::string first_metadata_url(const std::string& issuer) {
  auto urls = authorization_server_metadata_urls(issuer);
  if (urls.empty())
    throw std::invalid_argument("issuer '" + issuer +
                                "' has no metadata URL (RFC 8414 §2: http(s), no query, no fragment)");
  return urls.front();
}

}  // namespace

JwksDiscovery::JwksDiscovery(asio::any_io_executor ex, std::string issuer, JwksCacheOptions jwks)
    : ex_(ex),
      issuer_(std::move(issuer)),
      jwks_(std::move(jwks)),
      strand_(asio::make_strand(ex)),
      fetcher_(std::make_unique<DocumentFetcher>(ex, first_metadata_url(issuer_), jwks_.fetch)) {}

JwksDiscovery::~JwksDiscovery() = default;

std::uint64_t JwksDiscovery::discovery_attempts() const { return attempts_.load(); }

std::string JwksDiscovery::jwks_uri() const {
  std::lock_guard lock(mu_);
  return discovered_;
}

asio::awaitable<std::shared_ptr<const KeySet>> JwksDiscovery::keys(bool unknown_kid) {
  auto cache = co_await asio::co_spawn(strand_, cache_on_strand(shared_from_this()), asio::use_awaitable);
  if (!cache) co_return nullptr;
  co_return co_await cache->keys(unknown_kid);
}

asio::awaitable<std::shared_ptr<JwksCache>> JwksDiscovery::cache_on_strand(std::shared_ptr<JwksDiscovery> self) {
  if (self->cache_) co_return self->cache_;
  // fetched_at stays empty: "never succeeded, try again once the interval passed".
  if (!self->flight_ && should_fetch(self->freshness_, self->jwks_.clock(), false, self->jwks_)) {
    self->freshness_.last_attempt = self->jwks_.clock();
    self->flight_ = std::make_shared<FetchFlight>(self->strand_);
    asio::co_spawn(self->strand_, run_flight(self, self->flight_), asio::detached);
  }
  if (auto flight = self->flight_) co_await flight->wait();
  co_return self->cache_;
}

asio::awaitable<void> JwksDiscovery::run_flight(std::shared_ptr<JwksDiscovery> self, std::shared_ptr<FetchFlight> flight) {
  ++self->attempts_;
  std::vector<std::string> problems;
  for (const auto& url : authorization_server_metadata_urls(self->issuer_)) {
    std::string problem;
    try {
      auto [status, body] = co_await self->fetcher_->get(target_of(url));
      if (status != 200) {
        problem = "HTTP " + std::to_string(status);
      } else {
        auto checked = jwks_uri_from_metadata(body, self->issuer_);
        if (auto* found = std::get_if<DiscoveredJwksUri>(&checked)) {
          JwksCacheOptions opts = self->jwks_;
          opts.url = found->url;
          self->cache_ = std::make_shared<JwksCache>(self->ex_, std::move(opts));  // throws for an unusable URL
          {
            std::lock_guard lock(self->mu_);
            self->discovered_ = found->url;
          }
          spdlog::info("auth: issuer {}: jwks_uri {} discovered from {}", self->issuer_, found->url, url);
          break;
        }
        problem = std::get<std::string>(checked);
      }
    } catch (const std::exception& e) {
      problem = e.what();
    }
    problems.push_back(url + ": " + problem);
  }
  if (!self->cache_) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    spdlog::warn("auth: issuer {}: no usable authorization server metadata, so no signing keys yet ({})",
                 self->issuer_, all);
  }
  self->flight_.reset();
  flight->finish();
}

}  // namespace mcp::auth
