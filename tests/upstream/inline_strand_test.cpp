// upstream/inline_strand.hpp: which strand an executor gets, and that it still serialises.
#include "upstream/inline_strand.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using mcp::upstream::make_inline_strand;

TEST(InlineStrandTest, AnIoContextExecutorGetsAStrandOverItsOwnType) {
  asio::io_context io;
  auto s = make_inline_strand(io.get_executor());
  EXPECT_NE(s.target<asio::strand<asio::io_context::executor_type>>(), nullptr);
  EXPECT_EQ(s.target<asio::strand<asio::any_io_executor>>(), nullptr);
}

TEST(InlineStrandTest, AnotherExecutorGetsAStrandOverTheTypeErasedOne) {
  asio::thread_pool pool(1);
  auto s = make_inline_strand(pool.get_executor());
  EXPECT_NE(s.target<asio::strand<asio::any_io_executor>>(), nullptr);
  pool.join();
}

TEST(InlineStrandTest, HandlersPostedFromSeveralThreadsNeverOverlap) {
  asio::io_context io;
  auto strand = make_inline_strand(io.get_executor());
  constexpr int kPerThread = 2000;
  std::atomic<int> inside{0}, overlaps{0}, ran{0};
  for (int i = 0; i < 4 * kPerThread; ++i)
    asio::post(strand, [&] {
      if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
      ran.fetch_add(1);
      inside.fetch_sub(1);
    });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&io] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ran.load(), 4 * kPerThread);
  EXPECT_EQ(overlaps.load(), 0);
}
