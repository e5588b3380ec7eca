// Pool of started upstream sessions (BRIDGE.md "pool/").
//
// - acquire(key, initialize_params): returns a started, usable session for the
//   key; concurrent acquires for a new key share ONE initialize.
// - bounded: at most max_sessions; to make room the least-recently-used idle
//   session is shut down; if every session is busy, acquire fails with
//   PoolExhausted (an UpstreamError) instead of queueing without bound.
// - idle sessions expire after idle_timeout; unusable ones are dropped and
//   recreated on the next acquire.
// All bookkeeping runs on one strand; nothing blocks an io thread. A ready
// session is handed out without the hop to the strand (see ready_).
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <type_traits>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "pool/session_key.hpp"
#include "upstream/session_factory.hpp"
#include "upstream/upstream_session.hpp"

namespace mcp::pool {

using json = nlohmann::json;

struct PoolOptions {
  std::size_t max_sessions = 64;
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
  // Bound on start() (initialize + notifications/initialized).
  std::chrono::milliseconds start_timeout{std::chrono::seconds(30)};
  // Consecutive failed initializes after which the upstream counts as unhealthy.
  int unhealthy_after_failures = 3;
};

// InitializeRequest params for a session that must start. A request that
// finds a ready pooled session (nearly every one) needs none, so they can be
// given as a builder: the pool calls it only when it starts a session, on its
// strand, before acquire() completes (the builder may refer to the caller's
// state). Already built params (tests, rare paths) are copied for each start.
class InitializeParams {
 public:
  InitializeParams(json params) : params_(std::move(params)) {}
  template <class Build>
    requires std::is_invocable_r_v<json, Build&>
  InitializeParams(Build build) : build_(std::move(build)) {}
  json make() const { return build_ ? build_() : params_; }

 private:
  json params_;
  std::function<json()> build_;
};

// Every session is busy and the pool is full.
struct PoolExhausted : upstream::UpstreamError {
  using upstream::UpstreamError::UpstreamError;
};

class SessionPool : public std::enable_shared_from_this<SessionPool> {
 public:
  // Installs handlers on a freshly created session before start() (so requests
  // the server sends during initialize already find them).
  using SessionSetup = std::function<void(const SessionKey&, upstream::UpstreamSession&)>;
  // Runs once after a session's start() succeeded and before anyone gets it
  // (within start_timeout), e.g. logging/setLevel for the key's log level.
  // Throwing upstream::UpstreamError fails the start like a failed initialize.
  using SessionStarted =
      std::function<boost::asio::awaitable<void>(SessionKey, std::shared_ptr<upstream::UpstreamSession>)>;

  static std::shared_ptr<SessionPool> create(boost::asio::any_io_executor ex,
                                             std::shared_ptr<upstream::SessionFactory> factory, PoolOptions opts,
                                             SessionSetup setup = {}, SessionStarted started = {});
  ~SessionPool();

  // Throws upstream::UpstreamError (creation/initialize failed, pool exhausted).
  boost::asio::awaitable<std::shared_ptr<upstream::UpstreamSession>> acquire(SessionKey key,
                                                                             InitializeParams initialize_params);

  // Shuts every session down and stops the idle timer.
  boost::asio::awaitable<void> shutdown();

  // For /healthz: true after a successful initialize, false after
  // `unhealthy_after_failures` consecutive failures (or before any success).
  bool healthy() const { return healthy_.load(); }
  // The bridge reports call-level failures/successes too.
  void record_failure();
  void record_success();

  std::size_t size() const { return size_.load(); }  // sessions, including starting ones
  std::size_t sessions_created() const { return created_.load(); }

 public:
  struct Entry;  // defined in session_pool.cpp

 private:
  struct CallerCancellation;  // a caller's cancellation carried onto the strand (session_pool.cpp)

  SessionPool(boost::asio::any_io_executor ex, std::shared_ptr<upstream::SessionFactory> factory, PoolOptions opts,
              SessionSetup setup, SessionStarted started);

  boost::asio::awaitable<std::shared_ptr<upstream::UpstreamSession>> acquire_on_strand(
      SessionKey key, InitializeParams initialize_params, std::shared_ptr<CallerCancellation> cancel);
  boost::asio::awaitable<void> start_entry(std::shared_ptr<Entry> entry, json initialize_params);
  // A ready, usable session for `key` leased at once, or nullptr (then the strand decides).
  std::shared_ptr<upstream::UpstreamSession> try_acquire_ready(const SessionKey& key);
  // Withdraws a ready entry from the fast path, unless a caller holds it
  // (leases or calls); true when withdrawn (on strand).
  bool withdraw_if_idle(const std::shared_ptr<Entry>& entry);
  void withdraw(const SessionKey& key);  // on strand
  bool make_room();  // on strand
  void retire(std::shared_ptr<upstream::UpstreamSession> session, const char* why);
  static boost::asio::awaitable<void> idle_sweeper(std::weak_ptr<SessionPool> weak, std::chrono::milliseconds interval);
  void sweep_idle();  // on strand
  static boost::asio::awaitable<std::vector<std::shared_ptr<upstream::UpstreamSession>>> stop_on_strand(
      std::shared_ptr<SessionPool> self);
  // After every change of entries_ or of an entry's readiness: size() and
  // the session gauges of observe/metrics.hpp (this pool's share of them).
  void update_size();

  boost::asio::any_io_executor strand_;  // a strand (upstream/inline_strand.hpp)
  std::shared_ptr<upstream::SessionFactory> factory_;
  PoolOptions opts_;
  SessionSetup setup_;
  SessionStarted started_;
  std::map<SessionKey, std::shared_ptr<Entry>> entries_;  // strand only
  // The ready entries of entries_, for acquire() on any thread without the
  // strand hop (with one io_context per thread, a hop to the strand is a hop
  // to another thread). Written on the strand; a lease is taken under
  // ready_mu_, and the strand only evicts an idle entry under ready_mu_, so
  // a session cannot be retired between being found and being leased.
  std::mutex ready_mu_;
  std::map<SessionKey, std::shared_ptr<Entry>> ready_;
  boost::asio::steady_timer sweep_timer_;
  bool stopped_ = false;  // strand only

  std::atomic<bool> healthy_{false};
  std::atomic<int> consecutive_failures_{0};
  std::atomic<std::size_t> size_{0};
  std::atomic<std::size_t> created_{0};
  std::int64_t published_open_ = 0, published_initializing_ = 0;  // strand only (and the destructor)
};

}  // namespace mcp::pool
