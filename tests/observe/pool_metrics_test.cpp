// The pool's hooks into the process metrics (observe/metrics.hpp), against
// the fake upstream of tests/bridge: session gauges while initializing and
// once ready, evictions by reason, waits for an initialize. The registry is
// process-wide, so each check is a difference from before.
#include <gtest/gtest.h>

#include "pool_fixture.hpp"
#include "observe/metrics.hpp"
#include "pool/session_pool.hpp"

namespace mcp::test {
namespace {

using pool::SessionKey;
using pool::SessionPool;
using upstream::UpstreamSession;

observe::Metrics& m() { return observe::metrics(); }
std::uint64_t evicted(observe::EvictReason r) { return m().sessions_evicted[static_cast<std::size_t>(r)].value(); }

using PoolMetricsTest = PoolFixture;

TEST_F(PoolMetricsTest, GaugesFollowInitializeThenReadyThenShutdown) {
  make();
  const auto open0 = m().sessions_open.value(), init0 = m().sessions_initializing.value();
  const auto started0 = m().sessions_started.value(), waits0 = m().pool_waits.value();
  const auto wait_count0 = m().pool_wait_duration.snapshot().count;
  state->start_delay = std::chrono::milliseconds(30);
  std::shared_ptr<UpstreamSession> got;
  boost::asio::co_spawn(ioc, pool->acquire(SessionKey::make("", json::object()), kInit),
                        [&](std::exception_ptr e, std::shared_ptr<UpstreamSession> s) {
                          ASSERT_FALSE(e);
                          got = s;
                        });
  ASSERT_TRUE(run_until(ioc, [&] { return m().sessions_initializing.value() == init0 + 1; }));
  EXPECT_EQ(m().sessions_open.value(), open0);
  ASSERT_TRUE(run_until(ioc, [&] { return got != nullptr; }));
  EXPECT_EQ(m().sessions_open.value(), open0 + 1);
  EXPECT_EQ(m().sessions_initializing.value(), init0);
  EXPECT_EQ(m().sessions_started.value(), started0 + 1);
  EXPECT_EQ(m().pool_waits.value(), waits0 + 1);  // the acquire waited for its initialize
  const auto waited = m().pool_wait_duration.snapshot();
  EXPECT_EQ(waited.count, wait_count0 + 1);
  got.reset();
  acquire(SessionKey::make("", json::object()));  // warm: no wait
  EXPECT_EQ(m().pool_waits.value(), waits0 + 1);
  run_until_done(ioc, shutdown_pool(pool));
  EXPECT_EQ(m().sessions_open.value(), open0);
}

TEST_F(PoolMetricsTest, FailedInitializeLeavesNoGauge) {
  make();
  const auto open0 = m().sessions_open.value(), init0 = m().sessions_initializing.value();
  state->fail_starts = 1;
  EXPECT_THROW(acquire(SessionKey::make("", json::object())), upstream::UpstreamError);
  EXPECT_EQ(m().sessions_open.value(), open0);
  EXPECT_EQ(m().sessions_initializing.value(), init0);
}

TEST_F(PoolMetricsTest, CapacityAndUnusableEvictions) {
  pool::PoolOptions opts;
  opts.max_sessions = 1;
  make(opts);
  const auto capacity0 = evicted(observe::EvictReason::Capacity), unusable0 = evicted(observe::EvictReason::Unusable),
             idle0 = evicted(observe::EvictReason::Idle);
  acquire(SessionKey::make("1", json::object()));
  acquire(SessionKey::make("2", json::object()));  // the pool is full: "1" makes room
  EXPECT_EQ(evicted(observe::EvictReason::Capacity), capacity0 + 1);

  auto held = acquire(SessionKey::make("2", json::object()));
  factory->sessions.back()->kill();
  held.reset();
  acquire(SessionKey::make("2", json::object()));  // dead: dropped and recreated
  EXPECT_EQ(evicted(observe::EvictReason::Unusable), unusable0 + 1);
  EXPECT_EQ(evicted(observe::EvictReason::Capacity), capacity0 + 1);
  EXPECT_EQ(evicted(observe::EvictReason::Idle), idle0);
}

TEST_F(PoolMetricsTest, IdleEviction) {
  pool::PoolOptions opts;
  opts.idle_timeout = std::chrono::milliseconds(20);
  make(opts);
  const auto idle0 = evicted(observe::EvictReason::Idle);
  const auto open0 = m().sessions_open.value();
  acquire(SessionKey::make("", json::object()));
  ASSERT_TRUE(run_until(ioc, [&] { return pool->size() == 0; }));  // idle for longer than 20 ms
  EXPECT_EQ(evicted(observe::EvictReason::Idle), idle0 + 1);
  EXPECT_EQ(m().sessions_open.value(), open0);  // withdrawn when dropped
}

TEST_F(PoolMetricsTest, APoolGoneWithoutShutdownWithdrawsItsSessions) {
  const auto open0 = m().sessions_open.value();
  make();
  acquire(SessionKey::make("", json::object()));
  EXPECT_EQ(m().sessions_open.value(), open0 + 1);
  pool.reset();
  EXPECT_EQ(m().sessions_open.value(), open0);
}

}  // namespace
}  // namespace mcp::test
