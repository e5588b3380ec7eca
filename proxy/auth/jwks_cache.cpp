#include "auth/jwks_cache.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "auth/fetch_flight.hpp"

namespace mcp::auth {

namespace asio = boost::asio;

bool should_fetch(const JwksFreshness& state, std::chrono::steady_clock::time_point now, bool unknown_kid,
                  const JwksCacheOptions& opts) {
  if (!state.last_attempt) return true;
  if (now - *state.last_attempt < opts.min_refetch_interval) return false;  // the rate limit wins over every reason
  if (!state.fetched_at) return true;                                        // never succeeded: try again
  if (unknown_kid) return true;
  return now - *state.fetched_at >= opts.max_age;
}

JwksCache::JwksCache(asio::any_io_executor ex, JwksCacheOptions opts)
    : opts_(std::move(opts)),
      strand_(asio::make_strand(ex)),
      fetcher_(std::make_unique<DocumentFetcher>(ex, opts_.url, opts_.fetch)) {}

JwksCache::~JwksCache() = default;

std::uint64_t JwksCache::fetch_attempts() const { return attempts_.load(); }

asio::awaitable<std::shared_ptr<const KeySet>> JwksCache::keys(bool unknown_kid) {
  co_return co_await asio::co_spawn(strand_, keys_on_strand(shared_from_this(), unknown_kid), asio::use_awaitable);
}

asio::awaitable<std::shared_ptr<const KeySet>> JwksCache::keys_on_strand(std::shared_ptr<JwksCache> self,
                                                                         bool unknown_kid) {
  if (!self->flight_ && should_fetch(self->freshness_, self->opts_.clock(), unknown_kid, self->opts_)) {
    self->freshness_.last_attempt = self->opts_.clock();
    self->flight_ = std::make_shared<FetchFlight>(self->strand_);
    asio::co_spawn(self->strand_, run_flight(self, self->flight_), asio::detached);
  }
  if (auto flight = self->flight_) co_await flight->wait();
  co_return self->keys_;
}

asio::awaitable<void> JwksCache::run_flight(std::shared_ptr<JwksCache> self, std::shared_ptr<FetchFlight> flight) {
  ++self->attempts_;
  std::string problem;
  try {
    auto [status, body] = co_await self->fetcher_->get(target_of(self->opts_.url));
    if (status != 200) {
      problem = "HTTP " + std::to_string(status);
    } else {
      auto parsed = KeySet::parse(body);
      if (auto* set = std::get_if<std::shared_ptr<const KeySet>>(&parsed)) {
        self->keys_ = std::move(*set);
        self->freshness_.fetched_at = self->opts_.clock();
        spdlog::info("auth: {} signing key(s) from {}", self->keys_->size(), self->opts_.url);
      } else {
        problem = std::get<std::string>(parsed);
      }
    }
  } catch (const std::exception& e) {
    problem = e.what();
  }
  if (!problem.empty())
    spdlog::warn("auth: cannot fetch the JWK Set {}{}: {}", self->opts_.url,
                 self->keys_ ? " (keeping the previous keys)" : "", problem);
  self->flight_.reset();
  flight->finish();
}

}  // namespace mcp::auth
