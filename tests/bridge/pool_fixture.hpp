#pragma once
// A SessionPool over the fake upstream (fake_upstream.hpp) on a test-owned
// io_context: what the pool's own tests and the pool's metrics tests share.
#include <gtest/gtest.h>

#include <memory>

#include "fake_upstream.hpp"
#include "pool/session_pool.hpp"

namespace mcp::test {

inline const json kInit = {{"protocolVersion", "2025-11-25"},
                           {"capabilities", json::object()},
                           {"clientInfo", {{"name", "t"}, {"version", "1"}}}};

inline boost::asio::awaitable<int> shutdown_pool(std::shared_ptr<pool::SessionPool> pool) {
  co_await pool->shutdown();
  co_return 0;
}

class PoolFixture : public ::testing::Test {
 protected:
  void make(pool::PoolOptions opts = {}) {
    state = std::make_shared<FakeServerState>();
    factory = std::make_shared<FakeFactory>(ioc.get_executor(), state);
    pool = pool::SessionPool::create(ioc.get_executor(), factory, opts);
  }
  std::shared_ptr<upstream::UpstreamSession> acquire(const pool::SessionKey& key) {
    return run_until_done(ioc, pool->acquire(key, kInit));
  }

  boost::asio::io_context ioc;
  std::shared_ptr<FakeServerState> state;
  std::shared_ptr<FakeFactory> factory;
  std::shared_ptr<pool::SessionPool> pool;
};

}  // namespace mcp::test
