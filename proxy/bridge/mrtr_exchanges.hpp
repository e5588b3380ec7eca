// The "park" strategy's bookkeeping for multi round-trip requests (MRTR):
//
//   Exchange       one client request (tools/call, prompts/get, resources/read)
//                  whose upstream call stays in flight while the legacy server
//                  waits for answers to its server-to-client requests. The
//                  upstream side asks (ask()), the downstream side waits for a
//                  round's outcome (wait()) and delivers answers (answer()).
//   ExchangeStore  the exchanges parked between two rounds, bounded in number,
//                  each with a deadline on an injectable clock (expire()).
//   CallRegistry   (session, upstream call id) -> exchange, so the server
//                  request handler finds the exchange a request belongs to.
//
// Thread-safe: the upstream and downstream sides run on any io thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bridge/params_binding.hpp"
#include "observe/request_observation.hpp"
#include "upstream/lazy_buffer_channel.hpp"

namespace mcp::upstream {
class UpstreamSession;
}

namespace mcp::bridge {

using json = nlohmann::json;

// 32 hex digits from the CSPRNG (OpenSSL), unique per exchange.
std::string draw_exchange_id();

// What a requestState for this exchange must bind (bridge/request_state.hpp).
struct ExchangeBinding {
  std::string principal;      // principal_digest(Authorization)
  std::string method;
  ParamsBinding params;       // its digest() is the state's params digest
  json client_capabilities;   // the client's declared capabilities (input requests must fit them)
};

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  enum class Kind {
    Final,              // value: the upstream's JSON-RPC response to the call
    Questions,          // value: inputRequests {key: {method, params}}
    MissingCapability,  // value: requiredCapabilities the upstream needed and the client lacks
    UpstreamFailed,     // value: the failure message (the upstream call threw)
    Cancelled,          // the exchange was cancelled (timeout, shutdown)
  };
  struct Outcome {
    Kind kind;
    json value;
  };

  // `id` empty: a random one (draw_exchange_id) is drawn the first time id()
  // is asked, which only a signed requestState, parking and their logs do: a
  // call that ends without questions never needs one.
  Exchange(boost::asio::any_io_executor ex, std::string id, ExchangeBinding binding, json prefilled_answers,
           std::shared_ptr<upstream::UpstreamSession> session);

  std::string id() const;
  const ExchangeBinding& binding() const { return binding_; }
  const std::shared_ptr<upstream::UpstreamSession>& session() const { return session_; }

  // --- upstream side (the session's server request handler)
  // Registers `server_request` under a fresh key (translate::choose_input_key)
  // and awaits the client's answer, returned as the legacy JSON-RPC response.
  // Answered at once when the client already sent an answer under that key.
  // Throws when the exchange is cancelled.
  boost::asio::awaitable<json> ask(json server_request);
  // The upstream needs a capability the client did not declare: the round
  // ends with MissingCapability.
  void refuse(json required_capabilities);
  // The upstream call ended with `legacy_response`, or failed.
  void finish(json legacy_response);
  void fail(std::string message);
  // The same, keeping the exception (an upstream 401/403 must reach the
  // client as such, bridge_impl.cpp authorization_reply).
  void fail(std::string message, std::exception_ptr error) {
    {
      std::lock_guard lock(mu_);
      if (!failure_) failure_ = std::move(error);
    }
    fail(std::move(message));
  }
  std::exception_ptr failure() const {
    std::lock_guard lock(mu_);
    return failure_;
  }

  // --- downstream side
  // Waits until the call ended or questions are open; questions are gathered
  // for `gather` after the first one of the round, so requests the upstream
  // sends together arrive in one InputRequiredResult. nullopt after `timeout`.
  // A Final outcome hands the upstream's response over once (moved out).
  // Cancelling the awaiting coroutine throws operation_aborted.
  boost::asio::awaitable<std::optional<Outcome>> wait(std::chrono::milliseconds gather,
                                                       std::chrono::milliseconds timeout);
  // Delivers answers to open questions (their keys); missing keys stay open,
  // answers under other keys answer later questions of the next round or are ignored.
  // Answers must already be validated (translate::read_input_responses).
  // Returns the number of questions answered.
  std::size_t answer(const json& input_responses);
  // Open questions as inputRequests.
  json open_requests() const;

  // The call's notification handler for the current round (nullptr: dropped).
  void set_notification_handler(std::function<void(const json&)> handler);
  void notify(const json& notification);

  // Parked between rounds (no client request waiting on it) or not.
  void set_parked(bool parked) { parked_ = parked; }
  bool parked() const { return parked_; }
  bool waiting_on_client() const;

  // Ends everything: open questions fail, the upstream call is cancelled
  // (call_started()), wait() returns Cancelled. Idempotent.
  void cancel();
  bool cancelled() const;

  // --- the upstream call (bridge/mrtr.cpp start_call)
  // The call `legacy_request` starts: it is timed (observe::UpstreamCallTimer)
  // until call_ended(), and bound to the returned slot, whose signal cancel()
  // emits, on the exchange's executor, while the call runs. Kept here rather
  // than next to the call: there every call paid for a channel with a waiting
  // receive (almost none is ever cancelled) and for a shared block holding the
  // (immovable) timer. Once, on the exchange's executor, before the call starts.
  boost::asio::cancellation_slot call_started(const json& legacy_request);
  // The call ended (on the exchange's executor): its time is recorded, and a
  // later cancel() signals nothing.
  void call_ended();

 private:
  using AnswerChannel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code, json)>;
  struct Question {
    json server_request;
    std::shared_ptr<AnswerChannel> answer;
  };
  void wake();
  std::optional<Outcome> ready_locked(std::chrono::steady_clock::time_point now, std::chrono::milliseconds gather);

  boost::asio::any_io_executor ex_;
  mutable std::string id_;  // guarded by mu_ (drawn on first use)
  const ExchangeBinding binding_;
  const std::shared_ptr<upstream::UpstreamSession> session_;

  mutable std::mutex mu_;
  json prefilled_;                       // answers sent before their question was asked
  std::map<std::string, Question> open_;  // key -> question awaiting the client
  std::set<std::string> used_keys_;      // derived keys never repeat within the exchange
  std::optional<std::chrono::steady_clock::time_point> first_open_at_;
  std::exception_ptr failure_;           // what made it UpstreamFailed, when known
  std::optional<Outcome> end_;           // Final / MissingCapability / UpstreamFailed / Cancelled
  std::function<void(const json&)> on_notification_;
  std::atomic<bool> parked_{false};
  bool call_attached_ = false;  // guarded by mu_: call_started() was called

  // Made for every call: a channel whose buffer costs nothing until used.
  upstream::LazyBufferChannel<void(boost::system::error_code)> changed_;
  // The upstream call's cancellation; both on ex_ only.
  boost::asio::cancellation_signal call_cancel_;
  bool call_running_ = true;
  std::optional<observe::UpstreamCallTimer> call_timer_;
};

// Parked exchanges, bounded; a clock drives expiry so tests advance time.
class ExchangeStore {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  ExchangeStore(std::size_t max_exchanges, Clock clock);

  // Parks `exchange` at `round` until now + timeout. False when full.
  bool park(std::shared_ptr<Exchange> exchange, std::uint64_t round, std::chrono::milliseconds timeout);
  // Removes and returns the exchange parked under `id` at `round`; nullptr
  // when unknown, expired (not yet swept) or parked at another round.
  std::shared_ptr<Exchange> take(const std::string& id, std::uint64_t round);
  // Removes and returns every exchange past its deadline (the caller cancels them).
  std::vector<std::shared_ptr<Exchange>> expire();
  // Removes and returns everything (shutdown).
  std::vector<std::shared_ptr<Exchange>> clear();
  std::size_t size() const;
  std::size_t capacity() const { return max_; }

 private:
  struct Entry {
    std::shared_ptr<Exchange> exchange;
    std::uint64_t round;
    std::chrono::steady_clock::time_point deadline;
  };
  const std::size_t max_;
  Clock clock_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> parked_;
};

// Which exchange an upstream call belongs to. Sessions are identified by
// address only (never dereferenced here).
class CallRegistry {
 public:
  void add(const void* session, std::int64_t call_id, std::weak_ptr<Exchange> exchange);
  void remove(const void* session, std::int64_t call_id);
  std::shared_ptr<Exchange> find(const void* session, const json& call_id) const;
  // For a request the upstream could not attribute (stdio, GET stream: null
  // related id): the session's one exchange with a client request waiting on
  // it, when every other exchange of the session is parked and blocked on an
  // unanswered question (so it cannot be asking). Else nullptr: guessing
  // could show one client's question to another.
  std::shared_ptr<Exchange> sole_active(const void* session) const;
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<const void*, std::int64_t>, std::weak_ptr<Exchange>> calls_;
};

}  // namespace mcp::bridge
