// The Streamable HTTP server on 127.0.0.1:0 with a fake Bridge, driven by a
// blocking Beast client.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <future>
#include <sstream>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "downstream/http_listener.hpp"
#include "fake_bridge.hpp"
#include "mcp_requests.hpp"
#include "running_server.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using json = nlohmann::json;
using namespace mcp;

namespace {

json meta() { return test::request_meta(); }

class HttpServerTest : public ::testing::Test, protected test::RunningServer {
 protected:
  void start(downstream::HttpServerOptions opts = {}) { start_server(std::move(opts)); }
  void TearDown() override { stop_server(); }

  tcp::socket connect() {
    tcp::socket s(client_ioc);
    s.connect({asio::ip::make_address("127.0.0.1"), server->local_port()});
    return s;
  }

  http::request<http::string_body> mcp_request(const json& body) { return test::mcp_post(server->local_port(), body); }

  http::response<http::string_body> roundtrip(tcp::socket& s, http::request<http::string_body> req) {
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    return res;
  }

  http::response<http::string_body> roundtrip(http::request<http::string_body> req) {
    auto s = connect();
    return roundtrip(s, std::move(req));
  }

  json call(const std::string& tool, json id = 1) { return test::tools_call(tool, std::move(id)); }

  asio::io_context client_ioc;
};

}  // namespace

TEST_F(HttpServerTest, JsonReplyCarriesBridgeStatusAndBody) {
  start();
  json body = {{"jsonrpc", "2.0"}, {"id", 5}, {"method", "tools/list"}, {"params", {{"_meta", meta()}}}};
  auto req = mcp_request(body);
  req.set(http::field::authorization, "Bearer t1");
  req.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  req.set("Mcp-Session-Id", "legacy-session");
  auto res = roundtrip(req);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_EQ(res.count("Mcp-Session-Id"), 0u);  // never minted or echoed
  auto reply = json::parse(res.body());
  EXPECT_EQ(reply["id"], 5);
  EXPECT_EQ(reply["result"]["echo"], "tools/list");
  auto seen = bridge->last();
  EXPECT_EQ(seen.authorization, "Bearer t1");
  EXPECT_EQ(seen.trace_headers.count("traceparent"), 1u);
  EXPECT_TRUE(seen.via_http);

  auto err = roundtrip(mcp_request(call("error400", 9)));
  EXPECT_EQ(err.result_int(), 400);
  EXPECT_EQ(json::parse(err.body())["error"]["code"], -32602);
}

TEST_F(HttpServerTest, ThrowingBridgeBecomesInternalErrorWithTheRequestId) {
  start();
  auto s = connect();
  auto res = roundtrip(s, mcp_request(call("throw", "t1")));
  EXPECT_EQ(res.result_int(), 500);
  auto body = json::parse(res.body());
  EXPECT_EQ(body["id"], "t1");
  EXPECT_EQ(body["error"]["code"], -32603);
  EXPECT_EQ(roundtrip(s, mcp_request(call("echo", 2))).result_int(), 200);  // connection still usable
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  auto s = connect();
  for (int i = 0; i < 3; ++i) {
    auto res = roundtrip(s, mcp_request(call("echo", i)));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(json::parse(res.body())["id"], i);
  }
}

TEST_F(HttpServerTest, NotificationsBecomeSseEventsBeforeTheFinalResponse) {
  start();
  json body = call("progress", 11);
  body["params"]["_meta"]["progressToken"] = "tok";
  auto res = roundtrip(mcp_request(body));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[http::field::content_type], "text/event-stream");
  EXPECT_EQ(res["X-Accel-Buffering"], "no");
  EXPECT_EQ(res[http::field::cache_control], "no-cache");
  // Parse the SSE body: data lines in order.
  std::vector<json> events;
  std::istringstream in(res.body());
  for (std::string line; std::getline(in, line);)
    if (line.rfind("data: ", 0) == 0) events.push_back(json::parse(line.substr(6)));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["method"], "notifications/progress");
  EXPECT_EQ(events[0]["params"]["progress"], 1);
  EXPECT_EQ(events[1]["params"]["progress"], 2);
  EXPECT_EQ(events[2]["id"], 11);
  EXPECT_TRUE(events[2].contains("result"));
}

TEST_F(HttpServerTest, NotificationPostIs202WithoutBody) {
  start();
  json n = {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}};
  auto res = roundtrip(mcp_request(n));
  EXPECT_EQ(res.result_int(), 202);
  EXPECT_TRUE(res.body().empty());
}

TEST_F(HttpServerTest, ClientDisconnectCancelsHandle) {
  start();
  {
    auto s = connect();
    http::write(s, mcp_request(call("hang", 3)));
    ASSERT_TRUE(test::wait_until([&] { return bridge->hanging.load() == 1; }));
    s.close();
  }
  EXPECT_TRUE(test::wait_until([&] { return bridge->cancelled.load() == 1; }));
  EXPECT_TRUE(test::wait_until([&] { return server->active_connections() == 0; }));
}

TEST_F(HttpServerTest, HealthzFollowsUpstreamHealth) {
  start();
  http::request<http::string_body> req{http::verb::get, "/healthz", 11};
  req.set(http::field::host, "lb.internal");
  auto ok = roundtrip(req);
  EXPECT_EQ(ok.result_int(), 200);
  EXPECT_EQ(json::parse(ok.body())["status"], "ok");
  bridge->healthy = false;
  EXPECT_EQ(roundtrip(req).result_int(), 503);
}

TEST_F(HttpServerTest, HttpLevelRejections) {
  start();
  auto get = mcp_request(json::object());
  get.method(http::verb::get);
  auto r405 = roundtrip(get);
  EXPECT_EQ(r405.result_int(), 405);
  EXPECT_EQ(r405[http::field::allow], "POST");

  auto evil = mcp_request(call("echo"));
  evil.set(http::field::host, "evil.example.com");
  evil.set(http::field::origin, "http://evil.example.com");
  auto r403 = roundtrip(evil);
  EXPECT_EQ(r403.result_int(), 403);
  EXPECT_FALSE(json::parse(r403.body()).contains("id"));

  auto bad_json = mcp_request(call("echo"));
  bad_json.body() = "{oops";
  bad_json.prepare_payload();
  auto r400 = roundtrip(bad_json);
  EXPECT_EQ(r400.result_int(), 400);
  EXPECT_EQ(json::parse(r400.body())["error"]["code"], -32700);

  auto mismatch = mcp_request(call("echo", "keep-me"));
  mismatch.set("Mcp-Name", "other");
  auto r32020 = roundtrip(mismatch);
  EXPECT_EQ(r32020.result_int(), 400);
  EXPECT_EQ(json::parse(r32020.body())["error"]["code"], -32020);
  EXPECT_EQ(json::parse(r32020.body())["id"], "keep-me");
  EXPECT_EQ(bridge->calls.load(), 0);  // none of these reached the bridge
}

TEST_F(HttpServerTest, BodyLimitIs413) {
  downstream::HttpServerOptions o;
  o.max_body_bytes = 1024;
  start(o);
  auto body = call("echo");
  body["params"]["arguments"]["blob"] = std::string(4000, 'x');
  auto res = roundtrip(mcp_request(body));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(bridge->calls.load(), 0);
}

TEST_F(HttpServerTest, HeaderLimitIs431) {
  downstream::HttpServerOptions o;
  o.max_header_bytes = 1024;
  start(o);
  auto req = mcp_request(call("echo"));
  req.set("X-Padding", std::string(4000, 'p'));
  EXPECT_EQ(roundtrip(req).result_int(), 431);
}

TEST_F(HttpServerTest, SlowRequestBodyIs408) {
  downstream::HttpServerOptions o;
  o.request_read_timeout = std::chrono::milliseconds(200);
  start(o);
  auto s = connect();
  std::string head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: 100\r\n\r\n{";
  asio::write(s, asio::buffer(head));
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);  // the server answers without waiting for the rest
  EXPECT_EQ(res.result_int(), 408);
}

TEST_F(HttpServerTest, SlowHeadersAre408) {
  downstream::HttpServerOptions o;
  o.request_read_timeout = std::chrono::milliseconds(200);
  start(o);
  auto s = connect();
  asio::write(s, asio::buffer(std::string("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")));  // never finished
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  EXPECT_EQ(res.result_int(), 408);
}

TEST_F(HttpServerTest, IdleConnectionIsClosedSilently) {
  downstream::HttpServerOptions o;
  o.idle_timeout = std::chrono::milliseconds(100);
  start(o);
  auto s = connect();
  char c;
  boost::system::error_code ec;
  auto n = s.read_some(asio::buffer(&c, 1), ec);  // returns when the server closes
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_TRUE(test::wait_until([&] { return server->active_connections() == 0; }));
}

// One deadline per connection (downstream/deadline.hpp): after a request, the
// idle wait gets its whole timeout, not what was left of the request's read
// deadline (the timer, armed for that earlier deadline, fires and waits again).
TEST_F(HttpServerTest, KeptAliveConnectionGetsTheWholeIdleTimeoutAfterARequest) {
  downstream::HttpServerOptions o;
  o.request_read_timeout = std::chrono::milliseconds(50);
  o.idle_timeout = std::chrono::milliseconds(600);
  start(o);
  auto s = connect();
  ASSERT_EQ(roundtrip(s, mcp_request(call("echo", 1))).result_int(), 200);
  const auto answered = std::chrono::steady_clock::now();
  char c;
  boost::system::error_code ec;
  auto n = s.read_some(asio::buffer(&c, 1), ec);  // returns when the server closes
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(ec, asio::error::eof);
  // Only a lower bound (a loaded machine is only ever later): closed at the
  // request's 50 ms read deadline would be far below it.
  EXPECT_GE(std::chrono::steady_clock::now() - answered, std::chrono::milliseconds(500));
}

// ... and a request's read deadline, earlier than the idle wait's, restarts the
// timer: a slow second request on a kept-alive connection still gets its 408.
TEST_F(HttpServerTest, SlowSecondRequestOnAKeptAliveConnectionIs408) {
  downstream::HttpServerOptions o;
  o.request_read_timeout = std::chrono::milliseconds(200);
  o.idle_timeout = std::chrono::seconds(30);
  start(o);
  auto s = connect();
  ASSERT_EQ(roundtrip(s, mcp_request(call("echo", 1))).result_int(), 200);
  const auto started = std::chrono::steady_clock::now();
  asio::write(s, asio::buffer(std::string("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")));  // never finished
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  EXPECT_EQ(res.result_int(), 408);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));  // not the 30 s idle wait
}

TEST_F(HttpServerTest, ConnectionLimitAnswers503) {
  downstream::HttpServerOptions o;
  o.max_connections = 2;
  start(o);
  auto a = connect();
  auto b = connect();
  ASSERT_TRUE(test::wait_until([&] { return server->active_connections() == 2; }));
  auto c = connect();
  http::write(c, mcp_request(call("echo")));
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(c, buf, res);
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_NE(res.body().find("too many connections"), std::string::npos);
  // The first two still work.
  EXPECT_EQ(roundtrip(a, mcp_request(call("echo"))).result_int(), 200);
}

TEST_F(HttpServerTest, GracefulShutdownLetsInFlightRequestFinish) {
  start();
  auto s = connect();
  json body = call("progress", 21);  // takes ~20 ms in the fake
  http::write(s, mcp_request(body));
  ASSERT_TRUE(test::wait_until([&] { return bridge->calls.load() == 1; }));
  auto done = asio::co_spawn(ioc, server->shutdown(std::chrono::seconds(5)), asio::use_future);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(server->active_connections(), 0u);
  server.reset();  // already shut down
}

// A request that reached the server before the shutdown is answered, never
// dropped: either served (200) or refused cleanly (503, Connection: close).
static http::response<http::string_body> expect_answered_at_shutdown(tcp::socket& s, beast::flat_buffer& buf,
                                                                     const char* which) {
  http::response<http::string_body> res;
  boost::system::error_code ec;
  http::read(s, buf, res, ec);
  EXPECT_FALSE(ec) << which << ": no answer, the connection ended with: " << ec.message();
  EXPECT_TRUE(res.result_int() == 200 || res.result_int() == 503) << which << ": " << res.result_int();
  if (res.result_int() == 200) {
    EXPECT_NE(res.body().find("\"result\""), std::string::npos) << res.body();
  } else {
    EXPECT_FALSE(res.keep_alive()) << which;
  }
  return res;
}

TEST_F(HttpServerTest, GracefulShutdownAnswersPipelinedRequestBehindInFlightOne) {
  start();
  auto s = connect();
  // Both requests in one write: the second waits in the server's buffer
  // while the first is in flight when the shutdown begins.
  std::ostringstream both;
  both << mcp_request(call("progress", 21)) << mcp_request(call("echo", 22));
  asio::write(s, asio::buffer(both.str()));
  ASSERT_TRUE(test::wait_until([&] { return bridge->calls.load() == 1; }));
  auto done = asio::co_spawn(ioc, server->shutdown(std::chrono::seconds(5)), asio::use_future);
  beast::flat_buffer buf;
  http::response<http::string_body> first;
  http::read(s, buf, first);
  EXPECT_EQ(first.result_int(), 200);
  // Read after the shutdown began: its answer closes the connection.
  EXPECT_FALSE(expect_answered_at_shutdown(s, buf, "pipelined request").keep_alive());
  EXPECT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(server->active_connections(), 0u);
  server.reset();
}

// A kept-alive connection is idle from the server's view, but the bytes of
// the client's next request are already in its socket when the shutdown
// closes idle connections. Repeated: the loss depended on which of the read
// and the close the server's threads saw first.
TEST_F(HttpServerTest, GracefulShutdownAnswersRequestThatReachedAnIdleConnection) {
  for (int round = 0; round < 20; ++round) {
    bridge = std::make_shared<test::FakeBridge>();
    server = std::make_shared<downstream::HttpServer>(ioc.get_executor(), bridge, [] {
      downstream::HttpServerOptions o;
      o.host = "127.0.0.1";
      o.port = 0;
      return o;
    }());
    server->start();
    if (threads.empty())
      for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
    auto s = connect();
    ASSERT_EQ(roundtrip(s, mcp_request(call("echo", 1))).result_int(), 200);  // now idle, kept alive
    http::write(s, mcp_request(call("echo", 2)));
    auto done = asio::co_spawn(ioc, server->shutdown(std::chrono::seconds(5)), asio::use_future);
    beast::flat_buffer buf;
    // Its answer may say keep-alive when the server read it before the
    // shutdown began; either way the server then closes the connection.
    expect_answered_at_shutdown(s, buf, "request on an idle connection");
    ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "round " << round;
    EXPECT_EQ(server->active_connections(), 0u);
    char c;
    boost::system::error_code ec;
    EXPECT_EQ(s.read_some(asio::buffer(&c, 1), ec), 0u);
    EXPECT_EQ(ec, asio::error::eof);
    if (HasFailure()) FAIL() << "round " << round;
  }
  server.reset();
}

namespace {

// Reads raw bytes of a long-lived response until `done(bytes)` holds or 10 s passed.
template <class Done>
bool read_raw_until(tcp::socket& s, std::string& bytes, Done done) {
  timeval tv{0, 200'000};  // each read gives up after 200 ms; the loop is bounded by the deadline
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buf[4096];
  while (!done(bytes) && std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    auto n = s.read_some(asio::buffer(buf), ec);
    bytes.append(buf, n);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) break;
  }
  return done(bytes);
}

std::size_t count(const std::string& haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

json listen_request(json id) {
  return {{"jsonrpc", "2.0"},
          {"id", std::move(id)},
          {"method", "subscriptions/listen"},
          {"params", {{"notifications", {{"toolsListChanged", true}}}, {"_meta", meta()}}}};
}

}  // namespace

TEST_F(HttpServerTest, QuietListenStreamCarriesKeepAliveComments) {
  downstream::HttpServerOptions opts;
  opts.sse_keepalive_interval = std::chrono::milliseconds(20);
  start(opts);
  auto s = connect();
  http::write(s, mcp_request(listen_request(31)));
  std::string bytes;
  ASSERT_TRUE(read_raw_until(s, bytes, [](const std::string& b) { return count(b, ": keep-alive\n\n") >= 2; }))
      << bytes;
  EXPECT_NE(bytes.find("Content-Type: text/event-stream"), std::string::npos);
  // The acknowledgment came first, before any keep-alive.
  const auto ack = bytes.find("notifications/subscriptions/acknowledged");
  ASSERT_NE(ack, std::string::npos);
  EXPECT_LT(ack, bytes.find(": keep-alive"));
  // Closing the stream is the client's cancellation.
  s.close();
  EXPECT_TRUE(test::wait_until([&] { return bridge->cancelled.load() == 1; }));
}

TEST_F(HttpServerTest, ShutdownEndsListenStreamWithItsCompletionResult) {
  start();
  auto s = connect();
  http::write(s, mcp_request(listen_request("L")));
  std::string bytes;
  ASSERT_TRUE(read_raw_until(s, bytes, [](const std::string& b) { return b.find("acknowledged") != std::string::npos; }));
  ASSERT_TRUE(test::wait_until([&] { return bridge->listening.load() == 1; }));
  auto done = asio::co_spawn(ioc, server->shutdown(std::chrono::seconds(30)), asio::use_future);
  // The completion result as the stream's last event, then the last chunk.
  ASSERT_TRUE(read_raw_until(s, bytes, [](const std::string& b) { return b.find("\r\n0\r\n\r\n") != std::string::npos; }))
      << bytes;
  const auto last = bytes.rfind("data: ");
  ASSERT_NE(last, std::string::npos);
  json completion = json::parse(bytes.substr(last + 6, bytes.find('\n', last) - last - 6));
  EXPECT_EQ(completion["id"], "L");
  EXPECT_EQ(completion["result"]["resultType"], "complete");
  EXPECT_EQ(bridge->close_calls.load(), 1);
  EXPECT_EQ(bridge->cancelled.load(), 0);
  EXPECT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  server.reset();
}
