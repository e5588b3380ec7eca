// The --stdio server over two pipes with a fake Bridge.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "downstream/stdio_server.hpp"
#include "fake_bridge.hpp"

namespace asio = boost::asio;
using json = nlohmann::json;
using namespace mcp;

namespace {

class StdioServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int in[2], out[2];
    ASSERT_EQ(pipe(in), 0);
    ASSERT_EQ(pipe(out), 0);
    to_server = in[1];
    from_server = out[0];
    downstream::StdioServerOptions o;
    o.max_line_bytes = 4096;
    o.drain_timeout = std::chrono::seconds(5);
    server = std::make_shared<downstream::StdioServer>(ioc.get_executor(), bridge, o, in[0], out[1]);
    finished = asio::co_spawn(ioc, server->run(), asio::use_future);
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
  }
  void TearDown() override {
    close_input();
    finished.wait_for(std::chrono::seconds(10));
    ioc.stop();
    for (auto& t : threads) t.join();
    ::close(from_server);
  }

  void send(const json& m) { send_raw(m.dump() + "\n"); }
  void send_raw(const std::string& s) { ASSERT_EQ(::write(to_server, s.data(), s.size()), (ssize_t)s.size()); }
  void close_input() {
    if (to_server >= 0) ::close(to_server);
    to_server = -1;
  }

  // Next output line, waiting at most 10 s; nullopt on timeout or EOF.
  std::optional<json> read_line() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      if (auto nl = pending.find('\n'); nl != std::string::npos) {
        auto line = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        return json::parse(line);
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{from_server, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char buf[4096];
      auto n = ::read(from_server, buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      pending.append(buf, static_cast<std::size_t>(n));
    }
  }

  static json request(json id, const std::string& method, json params = json::object()) {
    params["_meta"] = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                       {"io.modelcontextprotocol/clientCapabilities", json::object()}};
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
  }

  asio::io_context ioc;
  std::vector<std::thread> threads;
  std::shared_ptr<test::FakeBridge> bridge = std::make_shared<test::FakeBridge>();
  std::shared_ptr<downstream::StdioServer> server;
  std::future<void> finished;
  int to_server = -1, from_server = -1;
  std::string pending;
};

}  // namespace

TEST_F(StdioServerTest, AnswersRequestsAndForwardsNotifications) {
  send(request(1, "tools/list"));
  auto r = read_line();
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["id"], 1);
  EXPECT_EQ((*r)["result"]["echo"], "tools/list");
  EXPECT_FALSE(bridge->last().via_http);

  send(request("p", "tools/call", {{"name", "progress"}}));
  auto n1 = read_line(), n2 = read_line(), final = read_line();
  ASSERT_TRUE(n1 && n2 && final);
  EXPECT_EQ((*n1)["method"], "notifications/progress");
  EXPECT_EQ((*n2)["method"], "notifications/progress");
  EXPECT_EQ((*final)["id"], "p");
}

TEST_F(StdioServerTest, NotificationsCancelledCancelsHandleAndSuppressesTheResponse) {
  send(request(2, "tools/call", {{"name", "hang"}}));
  ASSERT_TRUE(test::wait_until([&] { return bridge->hanging.load() == 1; }));
  send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 2}, {"reason", "user"}}}});
  ASSERT_TRUE(test::wait_until([&] { return bridge->cancelled.load() == 1; }));
  send(request(3, "tools/list"));
  auto r = read_line();
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["id"], 3);  // nothing was written for id 2
  close_input();
  EXPECT_EQ(finished.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_FALSE(read_line());  // EOF, and still no response for id 2
}

TEST_F(StdioServerTest, RequestsRunConcurrently) {
  send(request(10, "tools/call", {{"name", "hang"}}));
  ASSERT_TRUE(test::wait_until([&] { return bridge->hanging.load() == 1; }));
  send(request(11, "tools/list"));  // answered while 10 is still in flight
  auto r = read_line();
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["id"], 11);
  send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 10}}}});
}

TEST_F(StdioServerTest, BadInputGetsClearErrors) {
  send_raw("{not json\n");
  auto r = read_line();
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["error"]["code"], -32700);
  EXPECT_TRUE((*r)["id"].is_null());

  send_raw(std::string(5000, 'x') + "\n");  // longer than max_line_bytes
  r = read_line();
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["error"]["code"], -32700);

  send_raw("[1,2]\n");
  r = read_line();
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["error"]["code"], -32600);

  send(request(4, "tools/list"));  // still in sync
  r = read_line();
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["id"], 4);
}

TEST_F(StdioServerTest, EofFinishesInFlightRequestsThenReturns) {
  send(request(5, "tools/call", {{"name", "progress"}}));
  close_input();
  std::optional<json> last;
  for (int i = 0; i < 3; ++i) last = read_line();
  ASSERT_TRUE(last);
  EXPECT_EQ((*last)["id"], 5);
  EXPECT_EQ(finished.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST_F(StdioServerTest, ListenIsCancelledByNotificationsCancelled) {
  send(request("sub-1", "subscriptions/listen", {{"notifications", {{"toolsListChanged", true}}}}));
  auto ack = read_line();
  ASSERT_TRUE(ack);
  EXPECT_EQ((*ack)["method"], "notifications/subscriptions/acknowledged");
  ASSERT_TRUE(test::wait_until([&] { return bridge->listening.load() == 1; }));
  send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", "sub-1"}}}});
  EXPECT_TRUE(test::wait_until([&] { return bridge->cancelled.load() == 1; }));
  // No response for a cancelled request: the next line answers the next request.
  send(request(2, "tools/list"));
  auto next = read_line();
  ASSERT_TRUE(next);
  EXPECT_EQ((*next)["id"], 2);
}

TEST_F(StdioServerTest, EndOfInputClosesListenStreamsWithTheirCompletion) {
  send(request(7, "subscriptions/listen", {{"notifications", {{"toolsListChanged", true}}}}));
  ASSERT_TRUE(read_line());  // acknowledgment
  ASSERT_TRUE(test::wait_until([&] { return bridge->listening.load() == 1; }));
  close_input();
  auto done = read_line();
  ASSERT_TRUE(done);
  EXPECT_EQ((*done)["id"], 7);
  EXPECT_EQ((*done)["result"]["resultType"], "complete");
  EXPECT_EQ(bridge->close_calls.load(), 1);
  EXPECT_EQ(finished.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}
