// Multi round-trip requests (basic/patterns/mrtr.mdx) in front of a legacy
// server, "park" strategy:
//
//   client              bridge (owner replica)                 legacy upstream
//   tools/call id:1 ──> call id:7 ───────────────────────────> (tool runs)
//                       <── elicitation/create id:900 (related to call 7)
//                       the handler awaits the answer; the call stays in flight
//   <── InputRequiredResult {inputRequests:{user_name}, requestState=signed(xid, round 0, ...)}
//   tools/call id:2 + inputResponses + requestState
//                   ──> verify state, take the parked exchange
//                       ──> result of id:900 ──────────────────>
//                       <── response to call 7 ─────────────────
//   <── result (id:2)
//
// Requests the upstream sends together are gathered for gather_window into
// one InputRequiredResult; an unanswered one is asked again (same key, fresh
// state); answers under unknown keys are ignored. A legacy -32042 (URL
// elicitation required) becomes URL-mode elicitation input requests with a
// "rerun" state: the retry runs the request again.
//
// Across replicas: a park state names its owner replica (MrtrOptions::owner,
// the advertised URL); a retry landing elsewhere is forwarded to the owner
// (bridge/mrtr_forward.hpp). The "replay" strategy (bridge/mrtr_replay.hpp)
// parks nothing: the state carries the answers and any replica re-runs the
// request, answering the upstream from them.
//
// Server-to-client requests outside any client request (GET stream, stdio
// right after initialize) are answered here too: ping, roots/list from the
// configured roots when the client declared roots, others refused.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bridge/bridge.hpp"
#include "bridge/mrtr_exchanges.hpp"
#include "bridge/mrtr_replay.hpp"
#include "bridge/request_state.hpp"
#include "upstream/upstream_session.hpp"

namespace mcp::bridge {

struct MrtrOptions {
  // requestState keys; empty: one random key (a single replica; states die with it).
  KeyRing keys;
  // How long requests the upstream sends together are gathered into one round.
  std::chrono::milliseconds gather_window{100};
  // How long a parked exchange waits for the client's retry (and how long its
  // requestState is valid); then the upstream call is cancelled and freed.
  std::chrono::milliseconds exchange_timeout{std::chrono::minutes(5)};
  // Bound on parked exchanges; past it the client gets -32603 (HTTP 503).
  std::size_t max_exchanges = 1024;
  // Answer for roots/list requests outside any client request (file:// URIs of these).
  std::vector<std::filesystem::path> roots;
  // This replica's advertised URL (http://host:port), written into park
  // requestStates ("own"); retries of another owner's state are forwarded
  // there. Mrtr::set_owner() replaces it once the listener is bound.
  std::string owner;
  // Park or replay, globally and per tool (bridge/mrtr_replay.hpp).
  StrategyPolicy strategy;
  // Bound on the answers a replay requestState carries; past it the client gets -32602.
  std::size_t max_replay_answer_bytes = kMaxReplayAnswerBytes;
};

// What the MRTR step made of a request's inputResponses / requestState.
struct MrtrRequest {
  json input_responses = json::object();  // validated answers (replay: every answer so far)
  std::optional<StateClaims> retry;       // a verified "park" state owned by this replica
  ExchangeBinding binding;
  bool replay = false;                    // run with the replay strategy
  std::uint64_t round = 1;                // replay: the round this run answers
};

class Mrtr : public std::enable_shared_from_this<Mrtr> {
 public:
  using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;
  using UnixClock = std::function<std::int64_t()>;

  Mrtr(boost::asio::any_io_executor ex, MrtrOptions opts, SteadyClock steady = std::chrono::steady_clock::now,
       UnixClock unix_ms = unix_now_ms);

  // Starts the background sweep of expired parked exchanges.
  void start();
  // Cancels every exchange and stops the sweep.
  void shutdown();

  // The server request handler for one pooled session (pool setup hook).
  upstream::ServerRequestHandler handler_for(const upstream::UpstreamSession& session, json client_capabilities);

  // Step "read MRTR fields" for tools/call, prompts/get, resources/read:
  // validates inputResponses and requestState (-32602 Reply on failure, HTTP
  // 400). A park state owned by another replica gives a Reply with
  // forward_to set (its body: the error when forwarding is impossible).
  // `from_peer`: the request was forwarded by another replica already.
  std::variant<Reply, MrtrRequest> read_request(const json& id, const std::string& authorization,
                                                const std::string& method, const json& params,
                                                const json& client_capabilities, bool from_peer = false) const;

  // This replica's advertised URL (see MrtrOptions::owner).
  void set_owner(std::string owner);
  std::string owner() const;

  using ThrowTimeout = std::function<void()>;
  // Forwards `legacy_request` as a new exchange. Returns the upstream's
  // JSON-RPC response, or a Reply (InputRequiredResult, -32021, errors).
  // Throws UpstreamError when the call failed, and what throw_timeout throws
  // when nothing happened within request_timeout.
  boost::asio::awaitable<std::variant<Reply, json>> run(std::shared_ptr<upstream::UpstreamSession> session,
                                                        json legacy_request, MrtrRequest request, json id,
                                                        upstream::CallNotificationHandler on_notification,
                                                        upstream::CallContext context,
                                                        std::chrono::milliseconds request_timeout,
                                                        ThrowTimeout throw_timeout);
  // Continues a parked exchange with the retry's answers (same contract as run()).
  boost::asio::awaitable<std::variant<Reply, json>> resume(MrtrRequest request, json id,
                                                           upstream::CallNotificationHandler on_notification,
                                                           std::chrono::milliseconds request_timeout,
                                                           ThrowTimeout throw_timeout);

  std::size_t parked() const { return store_.size(); }

 private:
  // `replay_answers`: set for a replay run (its questions end the run instead of parking it).
  boost::asio::awaitable<std::variant<Reply, json>> next_round(std::shared_ptr<Exchange> exchange, std::uint64_t round,
                                                               json id, std::chrono::milliseconds request_timeout,
                                                               ThrowTimeout throw_timeout,
                                                               std::optional<json> replay_answers = std::nullopt);
  std::string sign(const ExchangeBinding& binding, std::string strategy, std::string exchange_id,
                   std::uint64_t round, json answers = nullptr) const;
  json answer_outside_call(const json& request, const json& client_capabilities) const;
  static boost::asio::awaitable<void> sweep(std::weak_ptr<Mrtr> weak, std::shared_ptr<boost::asio::steady_timer> timer,
                                            std::chrono::milliseconds interval);

  MrtrOptions opts_;
  mutable std::mutex owner_mu_;  // guards opts_.owner
  SteadyClock steady_;
  UnixClock unix_ms_;
  ExchangeStore store_;
  std::shared_ptr<CallRegistry> calls_;
  std::shared_ptr<boost::asio::steady_timer> sweep_timer_;
};

}  // namespace mcp::bridge
