#include "bridge/mrtr.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <optional>

#include "bridge/mrtr_forward.hpp"
#include "translate/input_required.hpp"
#include "translate/jsonrpc.hpp"
#include "translate/protocol.hpp"

namespace mcp::bridge {

namespace asio = boost::asio;
namespace err = protocol::error;
using upstream::UpstreamSession;

namespace {

// file:// URI of an absolute path: bytes outside RFC 3986 unreserved and '/'
// percent-encoded (upper-case hex), by Boost.URL.
std::string file_uri(const std::filesystem::path& path) {
  static constexpr auto kKept = boost::urls::unreserved_chars + '/';
  return "file://" + boost::urls::encode(path.generic_string(), kKept);
}

json roots_result(const std::vector<std::filesystem::path>& roots) {
  json list = json::array();
  for (const auto& root : roots) {
    json entry{{"uri", file_uri(root)}};
    if (!root.filename().empty()) entry["name"] = root.filename().string();
    list.push_back(std::move(entry));
  }
  return json{{"roots", std::move(list)}};
}

// The upstream call of one exchange, detached from the client request (a
// parked exchange outlives it): runs until it answers, fails, or the exchange
// is cancelled (then the session sends notifications/cancelled). One spawn,
// bound to the exchange's cancellation slot (Exchange::cancel() emits it), not
// a coroutine and a parallel group around the call (every tools/call,
// prompts/get and resources/read runs here: they showed in the profile).
void start_call(asio::any_io_executor ex, std::shared_ptr<CallRegistry> calls,
                std::shared_ptr<UpstreamSession> session, std::shared_ptr<Exchange> exchange, json request,
                upstream::CallContext context) {
  const std::int64_t call_id = request["id"].get<std::int64_t>();
  std::weak_ptr<Exchange> weak = exchange;
  upstream::CallNotificationHandler on_notification = [weak](const json& n) {
    if (auto e = weak.lock()) e->notify(n);
  };
  auto* call_session = session.get();
  auto slot = exchange->call_started(request);
  asio::co_spawn(
      ex, call_session->call(std::move(request), std::move(on_notification), std::move(context)),
      asio::bind_cancellation_slot(
          slot, [calls = std::move(calls), session = std::move(session), exchange = std::move(exchange),
                 call_id](std::exception_ptr error, json response) {
            exchange->call_ended();
            if (!error) {
              exchange->finish(std::move(response));
            } else {
              try {
                std::rethrow_exception(error);
              } catch (const std::exception& e) {
                exchange->fail(e.what(), error);  // after cancel(): the exchange stays Cancelled
              } catch (...) {
                exchange->fail("the upstream call failed", error);
              }
            }
            calls->remove(session.get(), call_id);
          }));
}

// A server-to-client request from a pooled session: ping; an input request
// of a call with an exchange; anything else outside a client request.
asio::awaitable<json> serve_server_request(std::shared_ptr<CallRegistry> calls, const void* session,
                                           json client_capabilities, std::vector<std::filesystem::path> roots,
                                           json request, json related_call_id) {
  const json id = request.value("id", json(nullptr));
  const std::string method = request.value("method", "");
  if (method == "ping") co_return translate::make_result_response(id, json::object());

  auto exchange = calls->find(session, related_call_id);
  if (!exchange && related_call_id.is_null()) exchange = calls->sole_active(session);
  if (exchange) {
    if (!translate::is_input_request_method(method)) {
      spdlog::warn("bridge: upstream sent '{}' during a call; a 2026-07-28 client cannot receive it", method);
      co_return translate::make_error_response(
          id, err::kMethodNotFound, "mcp-bridge cannot relay '" + method + "' to a 2026-07-28 client");
    }
    if (auto missing = translate::missing_client_capability(exchange->binding().client_capabilities, request)) {
      spdlog::info("bridge: upstream asked for '{}', which the client did not declare ({})", method, missing->dump());
      exchange->refuse(*missing);
      co_return translate::make_error_response(id, err::kMethodNotFound,
                                               "The client did not declare the capability '" + method + "' needs",
                                               json{{"requiredCapabilities", *missing}});
    }
    co_return co_await exchange->ask(std::move(request));
  }

  // Outside any client request (GET stream, stdio right after initialized).
  if (method == "roots/list") {
    const bool declared = client_capabilities.is_object() && client_capabilities.contains("roots") &&
                          client_capabilities["roots"].is_object();
    if (declared && !roots.empty()) {
      spdlog::debug("bridge: answered roots/list outside a client request from {} configured root(s)", roots.size());
      co_return translate::make_result_response(id, roots_result(roots));
    }
    // No --root: an empty list would tell the server the client has no roots,
    // and servers cache it (server-everything does), so the client's real
    // roots never reach them. A transient error lets the server ask again
    // within a call, where the client answers through MRTR.
    if (declared) {
      spdlog::info("bridge: refused roots/list outside a client request: no --root configured; "
                   "the client answers it within a tools/call, prompts/get or resources/read");
      co_return translate::make_error_response(
          id, err::kInternalError,
          "roots/list is unavailable outside a client request (mcp-bridge has no --root configured); "
          "ask within a tools/call, prompts/get or resources/read");
    }
    spdlog::warn("bridge: refused roots/list outside a client request: the client did not declare roots");
    co_return translate::make_error_response(id, err::kMethodNotFound,
                                             "roots/list refused: the 2026-07-28 client did not declare roots");
  }
  spdlog::warn("bridge: refused server-to-client request '{}' sent outside any client request", method);
  co_return translate::make_error_response(
      id, err::kMethodNotFound,
      "mcp-bridge cannot relay '" + method +
          "' sent outside a client request: 2026-07-28 clients only answer input requests of a tools/call, "
          "prompts/get or resources/read (multi round-trip requests)");
}

}  // namespace

Mrtr::Mrtr(asio::any_io_executor ex, MrtrOptions opts, SteadyClock steady, UnixClock unix_ms)
    : opts_(std::move(opts)),
      steady_(std::move(steady)),
      unix_ms_(std::move(unix_ms)),
      store_(opts_.max_exchanges, steady_),
      calls_(std::make_shared<CallRegistry>()),
      sweep_timer_(std::make_shared<asio::steady_timer>(ex)) {
  if (opts_.keys.empty()) opts_.keys = KeyRing::random();
}

void Mrtr::start() {
  using namespace std::chrono_literals;
  const auto interval = std::clamp<std::chrono::milliseconds>(opts_.exchange_timeout / 4, 20ms, 1000ms);
  asio::co_spawn(sweep_timer_->get_executor(), sweep(weak_from_this(), sweep_timer_, interval), asio::detached);
}

void Mrtr::shutdown() {
  sweep_timer_->cancel();
  for (auto& exchange : store_.clear()) exchange->cancel();
}

asio::awaitable<void> Mrtr::sweep(std::weak_ptr<Mrtr> weak, std::shared_ptr<asio::steady_timer> timer,
                                  std::chrono::milliseconds interval) {
  for (;;) {
    timer->expires_after(interval);
    auto [ec] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    auto self = weak.lock();
    if (!self) co_return;
    for (auto& exchange : self->store_.expire()) {
      spdlog::info("bridge: input exchange {} got no retry within {} ms; its upstream call is cancelled",
                   exchange->id(), self->opts_.exchange_timeout.count());
      exchange->cancel();
    }
  }
}

upstream::ServerRequestHandler Mrtr::handler_for(const UpstreamSession& session, json client_capabilities) {
  auto calls = calls_;
  const void* identity = &session;
  auto roots = opts_.roots;
  return [calls, identity, client_capabilities, roots](json request, json related) {
    return serve_server_request(calls, identity, client_capabilities, roots, std::move(request), std::move(related));
  };
}

void Mrtr::set_owner(std::string owner) {
  std::lock_guard lock(owner_mu_);
  opts_.owner = std::move(owner);
}

std::string Mrtr::owner() const {
  std::lock_guard lock(owner_mu_);
  return opts_.owner;
}

std::variant<Reply, MrtrRequest> Mrtr::read_request(const json& id, const std::string& authorization,
                                                    const std::string& method, const json& params,
                                                    const json& client_capabilities, bool from_peer) const {
  MrtrRequest out;
  auto responses = translate::read_input_responses(params);
  if (auto* problem = std::get_if<std::string>(&responses)) return error_reply(400, id, err::kInvalidParams, *problem);
  out.input_responses = std::get<json>(std::move(responses));
  out.binding =
      ExchangeBinding{principal_digest(authorization), method, ParamsBinding::of(params), client_capabilities};
  out.replay = strategy_for(opts_.strategy, method, params) == MrtrStrategy::Replay;
  auto state = translate::read_request_state(params);
  if (state) {
    if (state->empty())
      return error_reply(400, id, err::kInvalidParams, "Invalid params: requestState must be a non-empty string");
    auto verified = verify_state(*state, opts_.keys,
                                 StateExpectation{out.binding.principal, method, out.binding.params.digest(), unix_ms_()});
    if (auto* e = std::get_if<StateError>(&verified)) {
      spdlog::warn("bridge: rejected requestState on {}: {}", method, e->reason);
      return error_reply(400, id, err::kInvalidParams, "Invalid params: " + e->reason);
    }
    auto claims = std::get<StateClaims>(std::move(verified));
    if (claims.strategy == "park") {
      const std::string self = owner();
      switch (route_retry(claims.owner, self, from_peer)) {
        case RetryRoute::Local:
          out.replay = false;
          out.retry = std::move(claims);
          return out;
        case RetryRoute::Forward: {
          Reply forward = error_reply(400, id, err::kInvalidParams,
                                      "Invalid params: requestState belongs to another bridge replica (" +
                                          claims.owner + ")");
          forward.forward_to = claims.owner;
          return forward;
        }
        case RetryRoute::Misrouted:
          spdlog::warn("bridge: retry of exchange {} owned by '{}' reached '{}'{}; not forwarding", claims.exchange_id,
                       claims.owner, self, from_peer ? " from a peer" : "");
          return error_reply(400, id, err::kInvalidParams,
                             "Invalid params: requestState belongs to another bridge replica (" + claims.owner + ")");
      }
    } else if (claims.strategy == "replay") {
      out.replay = true;
      out.round = claims.round + 1;
      out.input_responses = merge_answers(claims.answers, out.input_responses);
    } else if (claims.strategy != "rerun") {  // rerun: nothing parked, run the request again
      return error_reply(400, id, err::kInvalidParams, "Invalid params: requestState has an unknown strategy");
    }
  }
  if (out.replay) {
    if (auto too_large = replay_answers_too_large(out.input_responses, opts_.max_replay_answer_bytes)) {
      spdlog::warn("bridge: replay of {} refused: {}", method, *too_large);
      return error_reply(400, id, err::kInvalidParams, "Invalid params: " + *too_large);
    }
  }
  return out;
}

std::string Mrtr::sign(const ExchangeBinding& binding, std::string strategy, std::string exchange_id,
                       std::uint64_t round, json answers) const {
  StateClaims claims{std::move(strategy),    std::move(exchange_id),  round,
                     owner(),                binding.principal,       binding.method,
                     binding.params.digest(), unix_ms_() + opts_.exchange_timeout.count(),
                     std::move(answers)};
  return sign_state(claims, opts_.keys);
}

asio::awaitable<std::variant<Reply, json>> Mrtr::run(std::shared_ptr<UpstreamSession> session, json legacy_request,
                                                     MrtrRequest request, json id,
                                                     upstream::CallNotificationHandler on_notification,
                                                     upstream::CallContext context,
                                                     std::chrono::milliseconds request_timeout,
                                                     ThrowTimeout throw_timeout) {
  auto ex = co_await asio::this_coro::executor;
  std::optional<json> replay_answers;
  if (request.replay) {
    replay_answers = request.input_responses;
    if (request.round > 1)
      spdlog::info("mrtr: replaying {} (round {}) with {} answer(s) from requestState", request.binding.method,
                   request.round, replay_answers->size());
  }
  // No id yet (Exchange::id), the binding moved in.
  auto exchange = std::make_shared<Exchange>(ex, std::string(), std::move(request.binding),
                                             std::move(request.input_responses), session);
  exchange->set_notification_handler(std::move(on_notification));
  if (legacy_request.contains("params"))
    legacy_request["params"] = translate::without_mrtr_fields(std::move(legacy_request["params"]));
  calls_->add(session.get(), legacy_request["id"].get<std::int64_t>(), exchange);
  start_call(ex, calls_, session, exchange, std::move(legacy_request), std::move(context));
  co_return co_await next_round(std::move(exchange), request.round, std::move(id), request_timeout,
                                std::move(throw_timeout), std::move(replay_answers));
}

asio::awaitable<std::variant<Reply, json>> Mrtr::resume(MrtrRequest request, json id,
                                                        upstream::CallNotificationHandler on_notification,
                                                        std::chrono::milliseconds request_timeout,
                                                        ThrowTimeout throw_timeout) {
  const StateClaims& claims = *request.retry;
  if (claims.owner != owner())
    co_return error_reply(400, id, err::kInvalidParams,
                          "Invalid params: requestState belongs to another bridge replica (" + claims.owner + ")");
  auto exchange = store_.take(claims.exchange_id, claims.round);
  if (!exchange)
    co_return error_reply(400, id, err::kInvalidParams,
                          "Invalid params: requestState refers to an exchange that is no longer waiting "
                          "(expired, or already continued by another retry)");
  exchange->set_parked(false);
  exchange->set_notification_handler(std::move(on_notification));
  exchange->answer(request.input_responses);
  co_return co_await next_round(std::move(exchange), claims.round + 1, std::move(id), request_timeout,
                                std::move(throw_timeout));
}

// The call's own exception when it is an UpstreamError (an UpstreamHttpError
// keeps its 401/403 and challenge); otherwise a plain UpstreamError.
[[noreturn]] static void rethrow_upstream_failure(std::exception_ptr error, const std::string& message) {
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const upstream::UpstreamError&) {
      throw;
    } catch (...) {
    }
  }
  throw upstream::UpstreamError(message);
}

asio::awaitable<std::variant<Reply, json>> Mrtr::next_round(std::shared_ptr<Exchange> exchange, std::uint64_t round,
                                                            json id, std::chrono::milliseconds request_timeout,
                                                            ThrowTimeout throw_timeout,
                                                            std::optional<json> replay_answers) {
  std::optional<Exchange::Outcome> outcome;
  try {
    outcome = co_await exchange->wait(opts_.gather_window, request_timeout);
  } catch (...) {
    exchange->cancel();  // the client went away: nobody can continue this exchange
    throw;
  }
  exchange->set_notification_handler(nullptr);  // this round's stream ends here
  if (!outcome) {
    exchange->cancel();
    throw_timeout();
  }
  switch (outcome->kind) {
    case Exchange::Kind::Final: {
      auto urls = translate::url_elicitations_from_error(outcome->value);
      if (!urls) co_return std::move(outcome->value);
      for (const auto& [key, input] : urls->items()) {
        if (auto missing = translate::missing_client_capability(exchange->binding().client_capabilities, input))
          co_return error_reply(400, id, err::kMissingRequiredClientCapability,
                                "Missing required client capability: the server requires a URL-mode elicitation",
                                json{{"requiredCapabilities", *missing}});
      }
      // Replay keeps the answers so far for the run after the URL elicitation.
      const std::string state = replay_answers
                                    ? sign(exchange->binding(), "replay", exchange->id(), round, *replay_answers)
                                    : sign(exchange->binding(), "rerun", "", 0);
      co_return Reply{200, translate::make_result_response(id, translate::make_input_required_result(*urls, state))};
    }
    case Exchange::Kind::Questions: {
      if (replay_answers) {
        // Replay parks nothing: this run ends here (the upstream call is
        // cancelled) and the next one starts from every answer so far.
        exchange->cancel();
        spdlog::debug("mrtr: replay round {} of {} asks {} question(s); upstream call cancelled", round,
                      exchange->binding().method, outcome->value.size());
        const std::string state = sign(exchange->binding(), "replay", exchange->id(), round, *replay_answers);
        co_return Reply{200, translate::make_result_response(
                                 id, translate::make_input_required_result(outcome->value, state))};
      }
      exchange->set_parked(true);  // before a retry can take it
      if (!store_.park(exchange, round, opts_.exchange_timeout)) {
        spdlog::warn("bridge: {} input exchanges are waiting for retries; refusing another", store_.capacity());
        exchange->cancel();
        co_return error_reply(503, id, err::kInternalError,
                              "Too many multi round-trip requests are waiting for client input (" +
                                  std::to_string(store_.capacity()) + "); retry later");
      }
      const std::string state = sign(exchange->binding(), "park", exchange->id(), round);
      co_return Reply{200, translate::make_result_response(
                               id, translate::make_input_required_result(outcome->value, state))};
    }
    case Exchange::Kind::MissingCapability:
      exchange->cancel();
      co_return error_reply(400, id, err::kMissingRequiredClientCapability,
                            "Missing required client capability: the upstream server needs a capability the "
                            "client did not declare",
                            json{{"requiredCapabilities", outcome->value}});
    case Exchange::Kind::UpstreamFailed:
      exchange->cancel();
      rethrow_upstream_failure(exchange->failure(), outcome->value.get<std::string>());
    case Exchange::Kind::Cancelled:
      break;
  }
  co_return error_reply(503, id, err::kInternalError, "The request was cancelled while waiting for client input");
}

}  // namespace mcp::bridge
