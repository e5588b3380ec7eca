// SessionPool against the fake upstream: sharing, bounds, expiry, failures.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <thread>

#include "pool_fixture.hpp"
#include "pool/session_pool.hpp"

namespace mcp::test {
namespace {

using pool::SessionKey;
using pool::SessionPool;
using upstream::UpstreamSession;

using PoolTest = PoolFixture;

TEST_F(PoolTest, ConcurrentAcquiresShareOneInitialize) {
  make();
  state->start_delay = std::chrono::milliseconds(5);
  const auto key = SessionKey::make("", json::object());
  std::vector<std::shared_ptr<UpstreamSession>> got(8);
  int done = 0;
  for (auto& slot : got)
    boost::asio::co_spawn(ioc, pool->acquire(key, kInit),
                          [&](std::exception_ptr e, std::shared_ptr<UpstreamSession> s) {
                            ASSERT_FALSE(e);
                            slot = s;
                            ++done;
                          });
  ASSERT_TRUE(run_until(ioc, [&] { return done == 8; }));
  EXPECT_EQ(state->creates, 1);
  EXPECT_EQ(state->starts, 1);
  for (auto& s : got) EXPECT_EQ(s, got[0]);
}

TEST_F(PoolTest, CancelledWaiterDoesNotAbortTheSharedInitialize) {
  make();
  state->start_delay = std::chrono::milliseconds(20);
  const auto key = SessionKey::make("", json::object());
  boost::asio::cancellation_signal cancel;
  std::exception_ptr first_error;
  std::shared_ptr<UpstreamSession> second;
  int done = 0;
  boost::asio::co_spawn(ioc, pool->acquire(key, kInit),
                        boost::asio::bind_cancellation_slot(
                            cancel.slot(), [&](std::exception_ptr e, std::shared_ptr<UpstreamSession>) {
                              first_error = e;
                              ++done;
                            }));
  boost::asio::co_spawn(ioc, pool->acquire(key, kInit), [&](std::exception_ptr e, std::shared_ptr<UpstreamSession> s) {
    EXPECT_FALSE(e);
    second = s;
    ++done;
  });
  ASSERT_TRUE(run_until(ioc, [&] { return state->starts == 1; }));
  cancel.emit(boost::asio::cancellation_type::terminal);
  ASSERT_TRUE(run_until(ioc, [&] { return done == 2; }));
  EXPECT_TRUE(first_error);  // the cancelled caller stops waiting
  ASSERT_TRUE(second);       // the other still gets the session from the one initialize
  EXPECT_TRUE(second->usable());
  EXPECT_EQ(state->starts, 1);
}

// Callers on their own strands (like HTTP connections) race acquire() against
// a short timer with `||`, as a request races a client disconnect, on two
// threads. Before the fix, co_spawn posted each cancellation to the pool's
// strand with a pointer into the caller's cancellation slot, which an acquire
// that completed meanwhile had already cleared: emit on a destroyed signal,
// SIGSEGV (asio issue #1332). Every race must end in a session or an abort.
// A ready session is leased without going to the strand (no suspension, so
// nothing to race): the sessions here keep starting (each key's initialize
// takes 1 ms, and idle sessions are dropped every 10 ms), so callers keep
// meeting starting sessions on the strand while others take ready ones on
// the fast path.
boost::asio::awaitable<void> acquire_or_give_up(std::shared_ptr<SessionPool> pool, SessionKey key,
                                                std::chrono::microseconds patience, std::atomic<int>& sessions,
                                                std::atomic<int>& gave_up,
                                                std::chrono::microseconds start_after = std::chrono::microseconds(0)) {
  using namespace boost::asio::experimental::awaitable_operators;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, start_after);
  if (start_after.count() > 0) co_await timer.async_wait(boost::asio::use_awaitable);
  timer.expires_after(patience);
  auto won = co_await (pool->acquire(std::move(key), kInit) || timer.async_wait(boost::asio::use_awaitable));
  if (won.index() == 0 && std::get<0>(won)) ++sessions;
  if (won.index() == 1) ++gave_up;
}

TEST_F(PoolTest, CallersCancelledOnOtherThreadsWhileAcquiringNeverBreakThePool) {
  pool::PoolOptions opts;
  opts.idle_timeout = std::chrono::milliseconds(2);  // swept every 10 ms
  make(opts);
  state->start_delay = std::chrono::milliseconds(1);
  constexpr int kCallers = 20000, kKeys = 16;
  std::atomic<int> sessions{0}, gave_up{0}, finished{0};
  auto work = boost::asio::make_work_guard(ioc);
  std::thread other([this] { ioc.run(); });
  for (int i = 0; i < kCallers; ++i) {
    const auto key = SessionKey::make("Bearer " + std::to_string(i % kKeys), json::object());
    boost::asio::co_spawn(boost::asio::make_strand(ioc),
                          acquire_or_give_up(pool, key, std::chrono::microseconds(i % 40 * 50), sessions, gave_up,
                                             std::chrono::microseconds(i * 50)),  // spread over 1 s
                          [&](std::exception_ptr) { ++finished; });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (finished < kCallers && std::chrono::steady_clock::now() < deadline) ioc.run_one_for(std::chrono::milliseconds(10));
  work.reset();
  ioc.stop();
  other.join();
  EXPECT_EQ(finished.load(), kCallers);
  EXPECT_EQ(sessions + gave_up, kCallers);
  EXPECT_GT(sessions.load(), 0);
  EXPECT_GT(gave_up.load(), 0);  // the race was run: some acquires were cancelled
}

// A cancellation at any step of an acquire() that must wait for a starting
// session ends that wait at once (it reaches the strand through the pool's own
// forwarding, not co_spawn's).
TEST_F(PoolTest, CancellationAtAnyStepEndsTheWaitForAStartingSession) {
  make();
  state->start_delay = std::chrono::seconds(5);
  auto caller = boost::asio::make_strand(ioc);
  for (int steps = 0; steps < 12; ++steps) {
    const auto key = SessionKey::make("key " + std::to_string(steps), json::object());
    boost::asio::cancellation_signal cancel;
    bool done = false, aborted = false;
    boost::asio::co_spawn(caller, pool->acquire(key, kInit),
                          boost::asio::bind_cancellation_slot(
                              cancel.slot(), [&](std::exception_ptr e, std::shared_ptr<UpstreamSession>) {
                                try {
                                  if (e) std::rethrow_exception(e);
                                } catch (const boost::system::system_error& err) {
                                  aborted = err.code() == boost::asio::error::operation_aborted;
                                } catch (...) {
                                }
                                done = true;
                              }));
    for (int i = 0; i < steps && !done; ++i) ioc.poll_one();
    const auto cancelled_at = std::chrono::steady_clock::now();
    cancel.emit(boost::asio::cancellation_type::terminal);
    ASSERT_TRUE(run_until(ioc, [&] { return done; }));
    ioc.poll();
    EXPECT_TRUE(aborted) << "step " << steps;
    EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, std::chrono::seconds(1)) << "step " << steps;
  }
}

TEST_F(PoolTest, AuthorizationContextsNeverShare) {
  make();
  auto a = acquire(SessionKey::make("Bearer a", json::object()));
  auto b = acquire(SessionKey::make("Bearer b", json::object()));
  auto none = acquire(SessionKey::make("", json::object()));
  EXPECT_NE(a, b);
  EXPECT_NE(a, none);
  EXPECT_NE(b, none);
  EXPECT_EQ(acquire(SessionKey::make("Bearer a", json::object())), a);
  EXPECT_EQ(state->authorizations, (std::vector<std::string>{"Bearer a", "Bearer b", ""}));
}

TEST_F(PoolTest, CapabilityKeyOrderDoesNotSplitSessions) {
  make();
  auto a = acquire(SessionKey::make("", json::parse(R"({"a":{},"b":{"y":1,"x":2}})")));
  auto b = acquire(SessionKey::make("", json::parse(R"({"b":{"x":2,"y":1},"a":{}})")));
  EXPECT_EQ(a, b);
  EXPECT_EQ(state->creates, 1);
}

TEST_F(PoolTest, FullPoolEvictsLeastRecentlyUsedIdleSession) {
  pool::PoolOptions opts;
  opts.max_sessions = 2;
  make(opts);
  auto k1 = SessionKey::make("1", json::object()), k2 = SessionKey::make("2", json::object()),
       k3 = SessionKey::make("3", json::object());
  acquire(k1);
  acquire(k2);
  acquire(k1);  // k2 is now least recently used
  acquire(k3);
  ASSERT_TRUE(run_until(ioc, [&] { return state->shutdowns == 1; }));
  EXPECT_EQ(pool->size(), 2u);
  EXPECT_EQ(state->creates, 3);
  acquire(k1);  // still pooled
  EXPECT_EQ(state->creates, 3);
  acquire(k2);  // was evicted: recreated
  EXPECT_EQ(state->creates, 4);
}

TEST_F(PoolTest, FullPoolWithEverySessionBusyFailsClearly) {
  pool::PoolOptions opts;
  opts.max_sessions = 1;
  make(opts);
  auto held = acquire(SessionKey::make("1", json::object()));  // a request still holds it
  try {
    acquire(SessionKey::make("2", json::object()));
    FAIL() << "expected PoolExhausted";
  } catch (const pool::PoolExhausted& e) {
    EXPECT_NE(std::string(e.what()).find("busy"), std::string::npos);
  }
  held.reset();
  EXPECT_NO_THROW(acquire(SessionKey::make("2", json::object())));
}

TEST_F(PoolTest, UnusableSessionIsDroppedAndRecreated) {
  make();
  const auto key = SessionKey::make("", json::object());
  auto first = acquire(key);
  factory->sessions[0]->kill();
  first.reset();
  auto second = acquire(key);
  EXPECT_NE(second.get(), factory->sessions[0].get());
  EXPECT_EQ(state->creates, 2);
  EXPECT_TRUE(second->usable());
}

// A request that finds a ready session builds no initialize params: the
// builder runs once per session that starts, and what it built reaches start().
TEST_F(PoolTest, InitializeParamsAreBuiltOnlyWhenASessionStarts) {
  make();
  const auto key = SessionKey::make("", json::object());
  int builds = 0;
  auto build = [&builds] {
    ++builds;
    return kInit;
  };
  auto first = run_until_done(ioc, pool->acquire(key, build));
  EXPECT_EQ(builds, 1);
  ASSERT_EQ(state->initialize_params.size(), 1u);
  EXPECT_EQ(state->initialize_params[0], kInit);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(run_until_done(ioc, pool->acquire(key, build)), first);
  EXPECT_EQ(builds, 1);
  factory->sessions[0]->kill();  // the next acquire must start a session again
  first.reset();
  EXPECT_TRUE(run_until_done(ioc, pool->acquire(key, build))->usable());
  EXPECT_EQ(builds, 2);
  EXPECT_EQ(state->starts, 2);
}

TEST_F(PoolTest, StartFailurePropagatesToEveryWaiterAndNextAcquireRetries) {
  make();
  state->fail_starts = 1;
  state->start_delay = std::chrono::milliseconds(5);
  const auto key = SessionKey::make("", json::object());
  int failures = 0, done = 0;
  for (int i = 0; i < 3; ++i)
    boost::asio::co_spawn(ioc, pool->acquire(key, kInit), [&](std::exception_ptr e, std::shared_ptr<UpstreamSession>) {
      try {
        if (e) std::rethrow_exception(e);
      } catch (const upstream::UpstreamError& err) {
        ++failures;
        EXPECT_NE(std::string(err.what()).find("connection refused"), std::string::npos);
      }
      ++done;
    });
  ASSERT_TRUE(run_until(ioc, [&] { return done == 3; }));
  EXPECT_EQ(failures, 3);
  EXPECT_EQ(state->starts, 1);  // one shared (failed) initialize
  EXPECT_EQ(pool->size(), 0u);
  EXPECT_NO_THROW(acquire(key));
  EXPECT_EQ(state->starts, 2);
}

TEST_F(PoolTest, StartTimeoutIsAnUpstreamError) {
  pool::PoolOptions opts;
  opts.start_timeout = std::chrono::milliseconds(10);
  make(opts);
  state->start_delay = std::chrono::hours(1);
  EXPECT_THROW(acquire(SessionKey::make("", json::object())), upstream::UpstreamError);
  EXPECT_EQ(pool->size(), 0u);
}

TEST_F(PoolTest, IdleSessionsExpire) {
  pool::PoolOptions opts;
  opts.idle_timeout = std::chrono::milliseconds(20);
  make(opts);
  acquire(SessionKey::make("", json::object()));
  EXPECT_EQ(pool->size(), 1u);
  ASSERT_TRUE(run_until(ioc, [&] { return pool->size() == 0 && state->shutdowns == 1; }));
}

TEST_F(PoolTest, HealthFollowsInitializeOutcomes) {
  pool::PoolOptions opts;
  opts.unhealthy_after_failures = 2;
  make(opts);
  EXPECT_FALSE(pool->healthy());  // nothing reached yet
  acquire(SessionKey::make("a", json::object()));
  EXPECT_TRUE(pool->healthy());
  state->fail_starts = 2;
  EXPECT_THROW(acquire(SessionKey::make("b", json::object())), upstream::UpstreamError);
  EXPECT_TRUE(pool->healthy());  // one failure is not "repeated"
  EXPECT_THROW(acquire(SessionKey::make("c", json::object())), upstream::UpstreamError);
  EXPECT_FALSE(pool->healthy());
}

TEST_F(PoolTest, ShutdownEndsEverySession) {
  make();
  acquire(SessionKey::make("a", json::object()));
  acquire(SessionKey::make("b", json::object()));
  run_until_done(ioc, shutdown_pool(pool));
  EXPECT_EQ(state->shutdowns, 2);
  EXPECT_THROW(acquire(SessionKey::make("a", json::object())), upstream::UpstreamError);
}

TEST(SessionKey, DescribeNeverPrintsTheCredential) {
  auto k = SessionKey::make("Bearer secret-token", json::object());
  EXPECT_EQ(k.describe().find("secret"), std::string::npos);
}

}  // namespace
}  // namespace mcp::test
