// One io_context per io thread (downstream/io_shards.hpp) and the HTTP
// server's listener per shard: one port, connections spread over the shards,
// each connection served on one thread, every listener closed at shutdown.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "downstream/http_listener.hpp"
#include "downstream/io_shards.hpp"
#include "mcp_requests.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using json = nlohmann::json;
using namespace mcp;

namespace {

// Answers every request at once and records the thread that handled each id.
class ThreadRecordingBridge : public bridge::Bridge {
 public:
  asio::awaitable<bridge::Reply> handle(bridge::DownstreamRequest req, bridge::NotificationSink) override {
    const json id = req.message.value("id", json(nullptr));
    {
      std::lock_guard lock(mu);
      thread_of[id.dump()] = std::this_thread::get_id();
    }
    co_return bridge::Reply{200, {{"jsonrpc", "2.0"}, {"id", id}, {"result", json::object()}}};
  }
  bool upstream_healthy() const override { return true; }

  std::mutex mu;
  std::map<std::string, std::thread::id> thread_of;
};

TEST(IoShards, RunEndsWhenThePrimaryStopsAndStopsTheOthers) {
  downstream::IoShards shards(3, 1);
  ASSERT_EQ(shards.size(), 3u);
  auto executors = shards.executors();
  std::set<std::thread::id> ran_on;
  std::mutex mu;
  std::atomic<int> ran{0};
  for (auto& ex : executors)
    asio::post(ex, [&] {
      std::lock_guard lock(mu);
      ran_on.insert(std::this_thread::get_id());
      ++ran;
    });
  // The primary stops once every shard ran its handler; run() then returns
  // although the other shards have no work of their own (their work guards end).
  asio::post(shards.primary(), [&] {
    while (ran < 3) std::this_thread::yield();
    shards.primary().stop();
  });
  auto done = std::async(std::launch::async, [&] { shards.run(); });
  ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(ran_on.size(), 3u);  // one thread per shard
}

TEST(IoShards, ListenersShareOnePortAndEachConnectionStaysOnItsShard) {
  downstream::IoShards shards(2, 1);
  auto bridge = std::make_shared<ThreadRecordingBridge>();
  downstream::HttpServerOptions opts;
  opts.host = "127.0.0.1";
  opts.port = 0;
  auto server = std::make_shared<downstream::HttpServer>(shards.executors(), bridge, opts);
  server->start();
  const auto port = server->local_port();
  auto running = std::async(std::launch::async, [&] { shards.run(); });

  // 24 connections with 3 requests each: the kernel hashes each connection
  // to one of the two listeners (all on one: probability 2^-23).
  constexpr int kConnections = 24, kRequests = 3;
  asio::io_context client;
  std::vector<tcp::socket> sockets;
  for (int c = 0; c < kConnections; ++c) {
    sockets.emplace_back(client);
    sockets.back().connect({asio::ip::make_address("127.0.0.1"), port});
  }
  for (int r = 0; r < kRequests; ++r) {
    for (int c = 0; c < kConnections; ++c) {
      http::write(sockets[c], test::mcp_post(port, test::tools_call("echo", c * 10 + r)));
      beast::flat_buffer buf;
      http::response<http::string_body> res;
      http::read(sockets[c], buf, res);
      ASSERT_EQ(res.result_int(), 200);
      EXPECT_EQ(json::parse(res.body())["id"], c * 10 + r);
    }
  }
  std::set<std::thread::id> threads;
  {
    std::lock_guard lock(bridge->mu);
    for (int c = 0; c < kConnections; ++c) {
      const auto first = bridge->thread_of.at(std::to_string(c * 10));
      threads.insert(first);
      for (int r = 1; r < kRequests; ++r)
        EXPECT_EQ(bridge->thread_of.at(std::to_string(c * 10 + r)), first) << "connection " << c << " changed thread";
    }
  }
  EXPECT_EQ(threads.size(), 2u);  // both shards served connections

  auto stopped = asio::co_spawn(shards.primary(),
                                [&]() -> asio::awaitable<void> {
                                  co_await server->shutdown(std::chrono::milliseconds(200));
                                  shards.primary().stop();
                                },
                                asio::use_future);
  for (auto& s : sockets) s.close();
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  ASSERT_EQ(running.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  // Every listener is closed: nothing accepts on the port any more.
  tcp::socket late(client);
  boost::system::error_code ec;
  late.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  EXPECT_TRUE(ec);
}

}  // namespace
