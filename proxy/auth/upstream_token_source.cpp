#include "auth/upstream_token_source.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "auth/authorization_server_metadata.hpp"
#include "auth/client_authentication.hpp"
#include "auth/fetch_flight.hpp"
#include "upstream/backoff.hpp"

namespace mcp::auth {

namespace asio = boost::asio;
using std::chrono::steady_clock;

steady_clock::time_point refresh_time(const TokenState& s, const TokenTiming& timing) {
  const auto lifetime = s.expires_at - s.obtained_at;
  const auto margin = std::min<steady_clock::duration>(timing.max_refresh_margin, lifetime / 10);
  return s.expires_at - margin;
}

steady_clock::time_point next_fetch_allowed(const TokenState& s, const TokenTiming& timing) {
  if (!s.last_attempt) return steady_clock::time_point::min();
  return *s.last_attempt +
         std::max(timing.min_fetch_interval, upstream::backoff_delay(s.failures, timing.retry_min, timing.retry_max));
}

TokenStep next_step(const TokenState& s, steady_clock::time_point now, const TokenTiming& timing) {
  const bool may_fetch = now >= next_fetch_allowed(s, timing);
  if (s.authorization && now < s.expires_at)
    return now >= refresh_time(s, timing) && may_fetch ? TokenStep::UseAndRefresh : TokenStep::Use;
  return may_fetch ? TokenStep::Fetch : TokenStep::Fail;
}

UpstreamTokenSource::UpstreamTokenSource(asio::any_io_executor ex, UpstreamTokenOptions opts)
    : opts_(std::move(opts)),
      strand_(asio::make_strand(ex)),
      basic_(client_secret_basic(opts_.client_id, opts_.client_secret)),
      request_body_(client_credentials_request_body(opts_.scopes, opts_.resource)) {
  if (!https_or_loopback(opts_.token_url))
    throw std::invalid_argument("the token URL '" + opts_.token_url +
                                "' is not https (http is accepted for loopback hosts only)");
  if (opts_.client_id.empty() || opts_.client_secret.empty())
    throw std::invalid_argument("the client credentials grant needs a client id and a client secret");
  fetcher_ = std::make_unique<DocumentFetcher>(ex, opts_.token_url, opts_.fetch);
}

UpstreamTokenSource::~UpstreamTokenSource() = default;

asio::awaitable<std::string> UpstreamTokenSource::authorization(std::string refused) {
  co_return co_await asio::co_spawn(strand_, on_strand(shared_from_this(), std::move(refused)), asio::use_awaitable);
}

asio::awaitable<std::string> UpstreamTokenSource::on_strand(std::shared_ptr<UpstreamTokenSource> self,
                                                            std::string refused) {
  auto& state = self->state_;
  if (!refused.empty() && state.authorization == refused) {
    spdlog::info("auth: the upstream refused the bridge's access token (HTTP 401); getting a new one from {}",
                 self->opts_.token_url);
    state.authorization.reset();
  }
  const auto now = self->opts_.clock();
  if (!self->flight_) {
    const TokenStep step = next_step(state, now, self->opts_.timing);
    if (step == TokenStep::Fail) throw upstream::UpstreamCredentialsError(self->failure_message(now));
    if (step == TokenStep::Fetch || step == TokenStep::UseAndRefresh) {
      state.last_attempt = now;
      self->flight_ = std::make_shared<FetchFlight>(self->strand_);
      asio::co_spawn(self->strand_, run_flight(self, self->flight_), asio::detached);
    }
  }
  if (state.authorization && now < state.expires_at) co_return *state.authorization;
  if (auto flight = self->flight_) co_await flight->wait();
  if (state.authorization && self->opts_.clock() < state.expires_at) co_return *state.authorization;
  throw upstream::UpstreamCredentialsError(self->failure_message(self->opts_.clock()));
}

asio::awaitable<void> UpstreamTokenSource::run_flight(std::shared_ptr<UpstreamTokenSource> self,
                                                      std::shared_ptr<FetchFlight> flight) {
  ++self->attempts_;
  auto& state = self->state_;
  std::string problem;
  try {
    auto [status, body] =
        co_await self->fetcher_->post_form(target_of(self->opts_.token_url), self->request_body_, self->basic_);
    auto read = read_token_response(status, body, self->opts_.timing);
    if (auto* issued = std::get_if<IssuedToken>(&read)) {
      state.authorization = "Bearer " + issued->access_token;
      state.obtained_at = self->opts_.clock();
      state.expires_at = state.obtained_at + issued->lifetime;
      state.failures = 0;
      state.last_error.clear();
      spdlog::info("auth: upstream access token obtained from {} (expires in {} s)", self->opts_.token_url,
                   issued->lifetime.count());
    } else {
      problem = std::get<std::string>(read);
    }
  } catch (const boost::system::system_error& e) {
    problem = "the token endpoint cannot be reached: " + e.code().message();
  } catch (const std::exception& e) {
    problem = std::string("the token endpoint cannot be reached: ") + e.what();
  }
  if (!problem.empty()) {
    ++state.failures;
    state.last_error = problem;
    const auto retry = std::chrono::duration_cast<std::chrono::milliseconds>(
        next_fetch_allowed(state, self->opts_.timing) - *state.last_attempt);
    spdlog::warn("auth: cannot obtain the upstream access token from {}{}: {} (failure {} in a row; next attempt "
                 "in {} ms at the earliest)",
                 self->opts_.token_url,
                 state.authorization && self->opts_.clock() < state.expires_at
                     ? " (the current token stays in use until it expires)"
                     : "",
                 problem, state.failures, retry.count());
  }
  self->flight_.reset();
  flight->finish();
}

std::string UpstreamTokenSource::failure_message(steady_clock::time_point now) const {
  std::string text = "the bridge cannot obtain its access token for the upstream from " + opts_.token_url;
  if (!state_.last_error.empty()) text += ": " + state_.last_error;
  const auto next = next_fetch_allowed(state_, opts_.timing);
  if (next > now)
    text += " (next attempt in " +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count()) + " ms)";
  return text;
}

}  // namespace mcp::auth
