// HttpUpstreamSession against an in-test legacy Streamable HTTP server
// (Beast, 127.0.0.1, ephemeral port) that implements the 2025-11-25 session
// protocol minimally and records what it saw.
#include "upstream/http_upstream.hpp"

#include <atomic>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace mcp::upstream;
using namespace mcp::upstream::test;
using namespace asio::experimental::awaitable_operators;
using json = nlohmann::json;
using tcp = asio::ip::tcp;

namespace {

// ---- the fake legacy server -------------------------------------------------

class FakeLegacyServer {
 public:
  struct Seen {
    std::string method;  // JSON-RPC method, "response" for client responses, or the HTTP verb
    std::string session;
    std::string version_header;
    bool has_version_header = false;
    std::string authorization;
    std::string traceparent;
    std::string accept;
    std::string last_event_id;
    json body;
  };

  std::string protocol_version = "2025-11-25";
  bool offer_get_stream = true;
  // Close the connection after every answer without saying so (a keep-alive
  // connection the client reuses is then dead).
  std::atomic<bool> silently_close{false};
  // Non-zero: a kept-alive connection idle this long after an answer is closed
  // without a word, as Node's http server does after its keepAliveTimeout (5 s).
  std::atomic<int> keep_alive_timeout_ms{0};
  // End every GET stream right after its two events (the client must reopen it).
  std::atomic<bool> drop_get_streams{false};
  // Set: every request with another Authorization gets 401 (an OAuth-protected server).
  void require_authorization(std::string value) {
    std::lock_guard lock(mu_);
    required_authorization_ = std::move(value);
  }

  FakeLegacyServer() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    asio::co_spawn(ioc_, accept_each(acceptor_, [this](tcp::socket s) {
                     ++connections_;
                     asio::co_spawn(ioc_, serve(std::move(s)), asio::detached);
                   }),
                   asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~FakeLegacyServer() {
    asio::post(ioc_, [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      ioc_.stop();
    });
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/mcp"; }

  // Forget every session: the next request with an old id gets 404.
  void expire_sessions() {
    std::lock_guard lock(mu_);
    sessions_.clear();
  }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  int count(const std::string& method) const {
    std::lock_guard lock(mu_);
    int n = 0;
    for (auto& s : seen_) n += s.method == method;
    return n;
  }
  const Seen* last(const std::string& method, std::vector<Seen>& storage) const {
    storage = seen();
    for (auto it = storage.rbegin(); it != storage.rend(); ++it)
      if (it->method == method) return &*it;
    return nullptr;
  }
  int connections() const { return connections_; }
  int get_streams_served() const { return get_streams_; }

 private:
  void record(Seen s) {
    std::lock_guard lock(mu_);
    seen_.push_back(std::move(s));
  }
  bool refuses(const std::string& authorization) {
    std::lock_guard lock(mu_);
    return !required_authorization_.empty() && authorization != required_authorization_;
  }
  bool session_known(const std::string& id) {
    std::lock_guard lock(mu_);
    return sessions_.count(id) > 0;
  }

  static std::string chunk(const std::string& payload) {
    std::ostringstream o;
    o << std::hex << payload.size() << "\r\n" << payload << "\r\n";
    return o.str();
  }
  static std::string sse_event(const json& m, const std::string& id = "") {
    std::string e;
    if (!id.empty()) e += "id: " + id + "\n";
    e += "data: " + m.dump() + "\n\n";
    return e;
  }

  asio::awaitable<void> write_raw(tcp::socket& s, const std::string& bytes) {
    co_await asio::async_write(s, asio::buffer(bytes), asio::use_awaitable);
  }

  asio::awaitable<void> simple(tcp::socket& s, const http::request<http::string_body>& req, http::status st,
                               std::string body = {}, std::string content_type = "application/json",
                               std::string session_header = {}) {
    http::response<http::string_body> res{st, 11};
    res.keep_alive(req.keep_alive());
    if (!body.empty()) res.set(http::field::content_type, content_type);
    if (!session_header.empty()) res.set("Mcp-Session-Id", session_header);
    res.body() = std::move(body);
    res.prepare_payload();
    co_await http::async_write(s, res, asio::use_awaitable);
    if (silently_close) {
      boost::system::error_code ec;
      s.shutdown(tcp::socket::shutdown_both, ec);
      s.close(ec);
    }
  }

  asio::awaitable<void> sse_begin(tcp::socket& s) {
    co_await write_raw(s, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n");
  }

  asio::awaitable<void> serve(tcp::socket s) {
    beast::flat_buffer buf;
    bool answered = false;
    for (;;) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      if (!s.is_open()) co_return;
      const int idle_ms = answered ? keep_alive_timeout_ms.load() : 0;
      if (idle_ms > 0) {
        asio::steady_timer idle(s.get_executor(), std::chrono::milliseconds(idle_ms));
        auto first = co_await (http::async_read(s, buf, req, asio::as_tuple(asio::use_awaitable)) ||
                               idle.async_wait(asio::as_tuple(asio::use_awaitable)));
        if (first.index() == 1) co_return;  // idle too long: the socket closes unannounced
        ec = std::get<0>(std::get<0>(first));
      } else {
        co_await http::async_read(s, buf, req, asio::redirect_error(asio::use_awaitable, ec));
      }
      answered = true;
      if (ec) co_return;
      Seen seen;
      seen.session = std::string(req["Mcp-Session-Id"]);
      seen.has_version_header = req.find("MCP-Protocol-Version") != req.end();
      seen.version_header = std::string(req["MCP-Protocol-Version"]);
      seen.authorization = std::string(req[http::field::authorization]);
      seen.traceparent = std::string(req["traceparent"]);
      seen.accept = std::string(req[http::field::accept]);
      seen.last_event_id = std::string(req["Last-Event-ID"]);
      if (refuses(seen.authorization)) {
        seen.method = "refused";
        record(seen);
        http::response<http::string_body> res{http::status::unauthorized, 11};
        res.keep_alive(req.keep_alive());
        res.set(http::field::www_authenticate, "Bearer error=\"invalid_token\"");
        res.prepare_payload();
        co_await http::async_write(s, res, asio::use_awaitable);
        continue;
      }

      if (req.method() == http::verb::delete_) {
        seen.method = "DELETE";
        record(seen);
        co_await simple(s, req, http::status::ok);
        continue;
      }
      if (req.method() == http::verb::get) {
        seen.method = "GET";
        record(seen);
        json pending;
        if (!seen.last_event_id.empty()) {
          std::lock_guard lock(mu_);
          if (auto it = resumable_.find(seen.last_event_id); it != resumable_.end()) pending = it->second;
        }
        if (!pending.is_null()) {  // resuming a POST stream that broke
          co_await sse_begin(s);
          const std::string bytes = chunk(sse_event(pending, "r-1"));
          co_await write_raw(s, bytes);
          co_await write_raw(s, "0\r\n\r\n");
          continue;
        }
        if (!offer_get_stream) {
          co_await simple(s, req, http::status::method_not_allowed);
          continue;
        }
        if (!session_known(seen.session)) {
          co_await simple(s, req, http::status::not_found);
          continue;
        }
        ++get_streams_;
        co_await sse_begin(s);
        // (named values, not braced temporaries: GCC 12 miscompiles initializer lists in co_await arguments)
        const json list_changed = {{"jsonrpc", "2.0"}, {"method", "notifications/tools/list_changed"}};
        const json ping = {{"jsonrpc", "2.0"}, {"id", "g-ping"}, {"method", "ping"}};
        std::string bytes = chunk(sse_event(list_changed, "g-1"));
        co_await write_raw(s, bytes);
        bytes = chunk(sse_event(ping, "g-2"));
        co_await write_raw(s, bytes);
        if (drop_get_streams) {
          boost::system::error_code ignored;
          s.shutdown(tcp::socket::shutdown_both, ignored);
          s.close(ignored);
          co_return;
        }
        // Hold the stream open until the client goes away or the server stops (bounded).
        asio::steady_timer t(ioc_, std::chrono::seconds(30));
        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        co_return;
      }

      json body = json::parse(req.body(), nullptr, false);
      seen.body = body;
      const bool is_response = !body.contains("method");
      seen.method = is_response ? "response" : body["method"].get<std::string>();
      record(seen);
      if (is_response) {
        {
          std::lock_guard lock(mu_);
          client_responses_[body["id"].dump()] = body;
        }
        wake_waiters();
        co_await simple(s, req, http::status::accepted);
        continue;
      }
      const std::string method = body["method"];
      if (method == "initialize") {
        const std::string sid = "sess-" + std::to_string(++session_counter_);
        {
          std::lock_guard lock(mu_);
          sessions_.insert(sid);
        }
        json result = {{"protocolVersion", protocol_version},
                       {"capabilities", {{"tools", json::object()}}},
                       {"serverInfo", {{"name", "fake-http"}, {"version", "2.0"}}}};
        const json answer = {{"jsonrpc", "2.0"}, {"id", body["id"]}, {"result", result}};
        co_await simple(s, req, http::status::ok, answer.dump(), "application/json", sid);
        continue;
      }
      if (!session_known(seen.session)) {
        co_await simple(s, req, http::status::not_found, R"({"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"}})");
        continue;
      }
      if (!body.contains("id")) {  // notifications
        if (method == "notifications/cancelled") wake_waiters();
        co_await simple(s, req, http::status::accepted);
        continue;
      }
      const json id = body["id"];
      const std::string tool = body["params"].value("name", "");
      if (method == "tools/call" && tool == "sse_progress") {
        const json token = body["params"]["_meta"]["progressToken"];
        co_await sse_begin(s);
        co_await write_raw(s, chunk("id: p-0\ndata:\n\n"));  // priming event
        for (int i = 1; i <= 2; ++i) {
          const json progress = {{"jsonrpc", "2.0"}, {"method", "notifications/progress"},
                                 {"params", {{"progressToken", token}, {"progress", i}}}};
          const std::string bytes = chunk(sse_event(progress, "p-" + std::to_string(i)));
          co_await write_raw(s, bytes);
        }
        const json message = {{"jsonrpc", "2.0"}, {"method", "notifications/message"},
                              {"params", {{"level", "info"}, {"data", "hi"}}}};
        const std::string message_bytes = chunk(sse_event(message));
        co_await write_raw(s, message_bytes);
        // Split one event across two chunks to exercise the SSE parser.
        const json final_response = {{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"streamed", true}}}};
        const std::string ev = sse_event(final_response, "p-3");
        const std::string part1 = chunk(ev.substr(0, 10)), part2 = chunk(ev.substr(10));
        co_await write_raw(s, part1);
        co_await write_raw(s, part2);
        co_await write_raw(s, "0\r\n\r\n");
        continue;
      }
      if (method == "tools/call" && tool == "ask") {
        co_await sse_begin(s);
        const json ask = {{"jsonrpc", "2.0"}, {"id", "srv-1"}, {"method", "elicitation/create"},
                          {"params", {{"message", "name?"}}}};
        const std::string ask_bytes = chunk(sse_event(ask));
        co_await write_raw(s, ask_bytes);
        json answer;
        for (int i = 0; i < 100 && answer.is_null(); ++i) {  // bounded wait for the client's response
          {
            std::lock_guard lock(mu_);
            if (auto it = client_responses_.find(json("srv-1").dump()); it != client_responses_.end())
              answer = it->second;
          }
          if (answer.is_null()) co_await wait_for_wake();
        }
        const json reply = {{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"client_said", answer}}}};
        const std::string reply_bytes = chunk(sse_event(reply));
        co_await write_raw(s, reply_bytes);
        co_await write_raw(s, "0\r\n\r\n");
        continue;
      }
      if (method == "tools/call" && tool == "resume") {
        // Priming event, then the connection drops before the answer; the
        // answer is delivered to a GET with Last-Event-ID: r-0.
        {
          std::lock_guard lock(mu_);
          resumable_["r-0"] = json{{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"resumed", true}}}};
        }
        co_await sse_begin(s);
        co_await write_raw(s, chunk("id: r-0\nretry: 20\ndata:\n\n"));
        boost::system::error_code ignored;
        s.shutdown(tcp::socket::shutdown_both, ignored);
        s.close(ignored);
        co_return;
      }
      if (method == "tools/call" && tool == "hangup") {  // the server dies mid-request
        boost::system::error_code ignored;
        s.shutdown(tcp::socket::shutdown_both, ignored);
        s.close(ignored);
        co_return;
      }
      if (method == "tools/call" && tool == "big") {
        const json answer = {{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"blob", std::string(100000, 'x')}}}};
        co_await simple(s, req, http::status::ok, answer.dump());
        continue;
      }
      if (method == "tools/call" && tool == "slow") {
        co_await sse_begin(s);
        co_await write_raw(s, chunk("id: s-0\ndata:\n\n"));
        // Wait (bounded) for notifications/cancelled; then end the stream without an answer.
        for (int i = 0; i < 100 && !cancelled_for(id); ++i) co_await wait_for_wake();
        co_await write_raw(s, "0\r\n\r\n");
        continue;
      }
      // Everything else: a plain JSON answer echoing what the server saw.
      json result = {{"method", method},
                     {"traceparent", seen.traceparent},
                     {"authorization", seen.authorization},
                     {"version_header", seen.version_header},
                     {"session", seen.session}};
      const json answer = {{"jsonrpc", "2.0"}, {"id", id}, {"result", result}};
      co_await simple(s, req, http::status::ok, answer.dump());
    }
  }

  bool cancelled_for(const json& id) {
    std::lock_guard lock(mu_);
    for (auto& s : seen_)
      if (s.method == "notifications/cancelled" && s.body["params"]["requestId"] == id) return true;
    return false;
  }

  // A crude event: waiters sleep on a timer that wake_waiters() cancels (or 50 ms pass).
  asio::awaitable<void> wait_for_wake() {
    asio::steady_timer t(ioc_, std::chrono::milliseconds(50));
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  void wake_waiters() {}

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
  std::set<std::string> sessions_;
  std::map<std::string, json> client_responses_;
  std::map<std::string, json> resumable_;  // Last-Event-ID -> response to replay
  std::string required_authorization_;
  std::atomic<int> session_counter_{0};
  std::atomic<int> connections_{0};
  std::atomic<int> get_streams_{0};
};

class HttpUpstreamTest : public ::testing::Test {
 protected:
  HttpUpstreamOptions options() {
    HttpUpstreamOptions o;
    o.url = server.url();
    o.reconnect_backoff_min = std::chrono::milliseconds(50);
    o.reconnect_backoff_max = std::chrono::milliseconds(200);
    return o;
  }
  FakeLegacyServer server;
  asio::io_context ctx;
};

}  // namespace

TEST_F(HttpUpstreamTest, InitializeStoresSessionAndSendsHeaders) {
  auto factory = make_http_session_factory(ctx.get_executor(), options());
  auto s = factory->create(SessionContext{"Bearer abc"});
  run_co(ctx, s->start(init_params()));
  EXPECT_TRUE(s->usable());
  EXPECT_EQ(s->initialize_result()["serverInfo"]["name"], "fake-http");
  CallContext cc;
  cc.headers["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  cc.headers["Mcp-Session-Id"] = "evil";    // must not override the protocol header
  cc.headers["bad"] = "a\r\nInjected: 1";  // must not be forwarded
  json r = run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, cc));
  EXPECT_EQ(r["result"]["session"], "sess-1");
  EXPECT_EQ(r["result"]["version_header"], "2025-11-25");
  EXPECT_EQ(r["result"]["authorization"], "Bearer abc");
  EXPECT_EQ(r["result"]["traceparent"], cc.headers["traceparent"]);

  std::vector<FakeLegacyServer::Seen> storage;
  const auto* init = server.last("initialize", storage);
  ASSERT_NE(init, nullptr);
  EXPECT_TRUE(init->session.empty());
  EXPECT_NE(init->accept.find("application/json"), std::string::npos);
  EXPECT_NE(init->accept.find("text/event-stream"), std::string::npos);
  const auto* initialized = server.last("notifications/initialized", storage);
  ASSERT_NE(initialized, nullptr);
  EXPECT_EQ(initialized->session, "sess-1");
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, SseResponseWithProgressAndMessageNotifications) {
  auto s = make_http_session_factory(ctx.get_executor(), options())->create({});
  run_co(ctx, s->start(init_params()));
  auto req = tool_call(*s, "sse_progress");
  std::vector<json> notes;
  json r = run_co(ctx, s->call(req, [&](const json& n) { notes.push_back(n); }, {}));
  EXPECT_EQ(r["id"], req["id"]);
  EXPECT_EQ(r["result"]["streamed"], true);
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_EQ(notes[0]["method"], "notifications/progress");
  EXPECT_EQ(notes[0]["params"]["progressToken"], req["id"]);
  EXPECT_EQ(notes[2]["method"], "notifications/message");
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, ServerRequestMidCallIsAnsweredAndRelated) {
  auto s = make_http_session_factory(ctx.get_executor(), options())->create({});
  json related = "unset";
  s->set_server_request_handler([&](json req, json rel) -> asio::awaitable<json> {
    related = rel;
    co_return json{{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", {{"action", "accept"}}}};
  });
  run_co(ctx, s->start(init_params()));
  auto req = tool_call(*s, "ask");
  json r = run_co(ctx, s->call(req, nullptr, {}));
  EXPECT_EQ(r["result"]["client_said"]["result"]["action"], "accept");
  EXPECT_EQ(related, req["id"]);
  std::vector<FakeLegacyServer::Seen> storage;
  const auto* resp = server.last("response", storage);
  ASSERT_NE(resp, nullptr);
  EXPECT_EQ(resp->session, "sess-1");
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, ExpiredSessionIsReinitializedAndRetriedOnce) {
  auto s = make_http_session_factory(ctx.get_executor(), options())->create({});
  run_co(ctx, s->start(init_params()));
  server.expire_sessions();
  json r = run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {}));
  EXPECT_EQ(r["result"]["session"], "sess-2");
  EXPECT_EQ(server.count("initialize"), 2);
  EXPECT_EQ(server.count("notifications/initialized"), 2);
  EXPECT_EQ(server.count("tools/call"), 2);  // the 404'd attempt and the retry
  EXPECT_TRUE(s->usable());
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, CancellationPostsNotificationsCancelled) {
  auto s = make_http_session_factory(ctx.get_executor(), options())->create({});
  run_co(ctx, s->start(init_params()));
  auto req = tool_call(*s, "slow");
  auto race = [&]() -> asio::awaitable<int> {
    asio::steady_timer t(ctx, std::chrono::milliseconds(150));
    auto r = co_await (s->call(req, nullptr, {}) || t.async_wait(asio::use_awaitable));
    co_return static_cast<int>(r.index());
  };
  EXPECT_EQ(run_co(ctx, race()), 1);
  ASSERT_TRUE(run_until(ctx, [&] { return server.count("notifications/cancelled") == 1; }));
  std::vector<FakeLegacyServer::Seen> storage;
  const auto* c = server.last("notifications/cancelled", storage);
  EXPECT_EQ(c->body["params"]["requestId"], req["id"]);
  EXPECT_EQ(c->session, "sess-1");
  EXPECT_EQ(s->in_flight(), 0u);
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, GetStreamDeliversUnsolicitedMessagesAndAnswersServerRequests) {
  auto s = make_http_session_factory(ctx.get_executor(), options())->create({});
  std::vector<json> unsolicited;
  json related = "unset";
  s->set_unsolicited_handler([&](const json& n) { unsolicited.push_back(n); });
  s->set_server_request_handler([&](json req, json rel) -> asio::awaitable<json> {
    related = rel;
    co_return json{{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", json::object()}};
  });
  run_co(ctx, s->start(init_params()));
  ASSERT_TRUE(run_until(ctx, [&] { return !unsolicited.empty() && server.count("response") >= 1; }));
  EXPECT_EQ(unsolicited[0]["method"], "notifications/tools/list_changed");
  EXPECT_TRUE(related.is_null());
  std::vector<FakeLegacyServer::Seen> storage;
  const auto* get = server.last("GET", storage);
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->session, "sess-1");
  EXPECT_NE(get->accept.find("text/event-stream"), std::string::npos);
  EXPECT_EQ(server.last("response", storage)->body["id"], "g-ping");
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, NoGetStreamWhenServerAnswers405) {
  server.offer_get_stream = false;
  auto s = make_http_session_factory(ctx.get_executor(), options())->create({});
  run_co(ctx, s->start(init_params()));
  run_for(ctx, std::chrono::milliseconds(300));
  EXPECT_EQ(server.count("GET"), 1);  // asked once, no reconnect loop
  json r = run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {}));
  EXPECT_EQ(r["result"]["method"], "tools/call");
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, ShutdownSendsDelete) {
  auto s = make_http_session_factory(ctx.get_executor(), options())->create({});
  run_co(ctx, s->start(init_params()));
  run_co(ctx, s->shutdown());
  EXPECT_FALSE(s->usable());
  std::vector<FakeLegacyServer::Seen> storage;
  const auto* del = server.last("DELETE", storage);
  ASSERT_NE(del, nullptr);
  EXPECT_EQ(del->session, "sess-1");
  EXPECT_THROW(run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {})), UpstreamError);
}

TEST_F(HttpUpstreamTest, KeepAliveConnectionsAreReused) {
  auto o = options();
  o.open_get_stream = false;
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  for (int i = 0; i < 20; ++i) run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {}));
  // initialize + initialized + 20 calls, sequential: one connection would do.
  EXPECT_LE(server.connections(), 2);
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, ProtocolVersion20250326SendsNoVersionHeader) {
  server.protocol_version = "2025-03-26";
  auto o = options();
  o.open_get_stream = false;
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {}));
  std::vector<FakeLegacyServer::Seen> storage;
  const auto* call = server.last("tools/call", storage);
  ASSERT_NE(call, nullptr);
  EXPECT_FALSE(call->has_version_header);
  EXPECT_EQ(call->session, "sess-1");
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, UnsupportedNegotiatedVersionFailsStart) {
  server.protocol_version = "2024-11-05";
  auto s = make_http_session_factory(ctx.get_executor(), options())->create({});
  EXPECT_THROW(run_co(ctx, s->start(init_params())), UpstreamError);
  EXPECT_FALSE(s->usable());
}

TEST_F(HttpUpstreamTest, ConnectionRefusedIsAnUpstreamError) {
  HttpUpstreamOptions o;
  {
    // A port that was free a moment ago: nothing listens there.
    asio::io_context tmp;
    tcp::acceptor a(tmp, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    o.url = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port()) + "/mcp";
  }
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  const std::string error = start_error(ctx, *s);
  EXPECT_NE(error.find("127.0.0.1"), std::string::npos) << error;
  EXPECT_FALSE(s->usable());
}

TEST(HttpUpstreamFactory, RejectsBadUrlAndMissingCaFile) {
  asio::io_context ctx;
  HttpUpstreamOptions o;
  o.url = "ftp://x";
  EXPECT_THROW(make_http_session_factory(ctx.get_executor(), o), std::invalid_argument);
  o.url = "https://127.0.0.1:1/mcp";
  o.ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(make_http_session_factory(ctx.get_executor(), o), std::invalid_argument);
}

TEST_F(HttpUpstreamTest, BrokenSseStreamIsResumedWithLastEventId) {
  auto o = options();
  o.open_get_stream = false;
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  auto req = tool_call(*s, "resume");
  json r = run_co(ctx, s->call(req, nullptr, {}));
  EXPECT_EQ(r["id"], req["id"]);
  EXPECT_EQ(r["result"]["resumed"], true);
  std::vector<FakeLegacyServer::Seen> storage;
  const auto* get = server.last("GET", storage);
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->last_event_id, "r-0");
  EXPECT_EQ(get->session, "sess-1");
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, DeadKeepAliveConnectionIsRetriedOnAFreshOne) {
  auto o = options();
  o.open_get_stream = false;
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  server.silently_close = true;
  for (int i = 0; i < 5; ++i) {
    json r = run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {}));
    EXPECT_EQ(r["result"]["method"], "tools/call");
  }
  EXPECT_GE(server.connections(), 5);
  server.silently_close = false;
  run_co(ctx, s->shutdown());
}

// Several kept-alive connections the server closed while they sat idle (Node's
// keepAliveTimeout): the first call finds one dead, and its retry must not take
// the next dead one (it did: after a pause, a burst of 502s in front of Node).
TEST_F(HttpUpstreamTest, KeptAliveConnectionsAllClosedWhileIdleCostNoCall) {
  auto o = options();
  o.open_get_stream = false;
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  server.keep_alive_timeout_ms = 50;
  const int before = server.connections();
  int ok = 0;
  for (int i = 0; i < 4; ++i)  // at once: four connections, all idle afterwards
    asio::co_spawn(ctx, s->call(tool_call(*s, "echo"), nullptr, {}), [&](std::exception_ptr e, json r) {
      if (!e && r["result"]["method"] == "tools/call") ++ok;
    });
  ASSERT_TRUE(run_until(ctx, [&] { return ok == 4; }));
  ASSERT_GE(server.connections() - before, 2) << "the calls must leave several idle connections";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the server closes them all
  for (int i = 0; i < 3; ++i) {
    json r = run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {}));
    EXPECT_EQ(r["result"]["method"], "tools/call") << "call " << i;
  }
  server.keep_alive_timeout_ms = 0;
  run_co(ctx, s->shutdown());
}

// With one io_context per io thread (downstream/io_shards.hpp), a call made
// on another io_context than the factory's opens its connection there and
// reuses it only there: the call below completes while only `other` runs (a
// socket of ctx would never complete), and each io_context keeps its own.
TEST_F(HttpUpstreamTest, CallsOnAnotherIoContextUseConnectionsOfTheirOwn) {
  asio::io_context other;  // outlives the session: its idle connection belongs to `other` (TSan: use after free)
  auto o = options();
  o.open_get_stream = false;
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  const int before = server.connections();
  for (int i = 0; i < 3; ++i) {
    json r = run_co(other, s->call(tool_call(*s, "echo"), nullptr, {}));
    EXPECT_EQ(r["result"]["method"], "tools/call") << "call " << i;
  }
  EXPECT_EQ(server.connections() - before, 1) << "one connection opened on `other`, then reused there";
  json r = run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {}));
  EXPECT_EQ(r["result"]["method"], "tools/call");
  EXPECT_EQ(server.connections() - before, 1) << "ctx reuses its own idle connection, not other's";
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, ConcurrentCallsOnAnExpiredSessionReinitializeOnce) {
  auto o = options();
  o.open_get_stream = false;
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  server.expire_sessions();
  int ok = 0;
  for (int i = 0; i < 8; ++i)
    asio::co_spawn(ctx, s->call(tool_call(*s, "echo"), nullptr, {}), [&](std::exception_ptr e, json r) {
      if (!e && r["result"]["session"] == "sess-2") ++ok;
    });
  EXPECT_TRUE(run_until(ctx, [&] { return ok == 8; }));
  EXPECT_EQ(server.count("initialize"), 2);
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, OversizedResponseIsAnUpstreamError) {
  auto o = options();
  o.open_get_stream = false;
  o.max_response_bytes = 10 * 1024;
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  try {
    run_co(ctx, s->call(tool_call(*s, "big"), nullptr, {}));
    FAIL() << "oversized response accepted";
  } catch (const UpstreamError& e) {
    EXPECT_NE(std::string(e.what()).find("exceeds"), std::string::npos) << e.what();
  }
  // The session is still fine for normal answers.
  json r = run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {}));
  EXPECT_EQ(r["result"]["method"], "tools/call");
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, ConcurrentCallsStayWithinMaxConnections) {
  auto o = options();
  o.open_get_stream = false;
  o.max_connections = 2;
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  int ok = 0;
  for (int i = 0; i < 16; ++i)
    asio::co_spawn(ctx, s->call(tool_call(*s, "sse_progress"), nullptr, {}), [&](std::exception_ptr e, json r) {
      if (!e && r["result"]["streamed"] == true) ++ok;
    });
  EXPECT_TRUE(run_until(ctx, [&] { return ok == 16; }));
  EXPECT_LE(server.connections(), 2);
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, ConnectionFailureMakesTheSessionUnusable) {
  auto o = options();
  o.open_get_stream = false;
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  EXPECT_THROW(run_co(ctx, s->call(tool_call(*s, "hangup"), nullptr, {})), UpstreamError);
  EXPECT_FALSE(s->usable());  // the pool replaces it instead of sending more calls into it
  try {
    run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {}));
    FAIL() << "call on a dead session sent";
  } catch (const UpstreamError& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1"), std::string::npos) << e.what();  // the original failure
  }
  for (const auto& seen : server.seen())
    EXPECT_NE(seen.body.value("/params/name"_json_pointer, std::string()), "echo");  // never sent
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, DroppedGetStreamIsReopened) {
  server.drop_get_streams = true;
  auto s = make_http_session_factory(ctx.get_executor(), options())->create({});
  int list_changed = 0;
  s->set_unsolicited_handler([&](const json& n) { list_changed += n["method"] == "notifications/tools/list_changed"; });
  run_co(ctx, s->start(init_params()));
  // Each stream delivers one list_changed, then drops; reconnects wait 50 ms
  // (backoff min) and resume after the last event seen.
  EXPECT_TRUE(run_until(ctx, [&] { return server.get_streams_served() >= 3 && list_changed >= 3; }))
      << server.get_streams_served() << " streams served, " << list_changed << " list_changed received";
  EXPECT_TRUE(s->usable());  // a dropped GET stream does not end the session
  std::vector<FakeLegacyServer::Seen> storage;
  EXPECT_EQ(server.last("GET", storage)->last_event_id, "g-2");
  run_co(ctx, s->shutdown());
  const int served = server.get_streams_served();
  run_for(ctx, std::chrono::milliseconds(200));
  EXPECT_EQ(server.get_streams_served(), served);  // no reconnects after shutdown
}

// ---- the bridge's own changing credential (upstream_credentials.hpp) ----------

namespace {

// Hands out "Bearer tok-N", a new N each time the current one is refused;
// records the refusals. `fail`: throws UpstreamCredentialsError instead.
class CountingCredentials final : public UpstreamCredentials {
 public:
  asio::awaitable<std::string> authorization(std::string refused) override {
    if (fail) throw UpstreamCredentialsError("the bridge cannot obtain its access token: test");
    if (!refused.empty()) {
      refusals.push_back(refused);
      if (refused == current()) ++generation;
    }
    co_return current();
  }
  std::string current() const { return "Bearer tok-" + std::to_string(generation); }
  int generation = 1;
  bool fail = false;
  std::vector<std::string> refusals;
};

}  // namespace

TEST_F(HttpUpstreamTest, OwnCredentialsGoOnEveryRequestUnlessTheClientHasOne) {
  auto creds = std::make_shared<CountingCredentials>();
  auto o = options();
  o.credentials = creds;
  server.require_authorization("Bearer tok-1");
  auto factory = make_http_session_factory(ctx.get_executor(), o);
  auto s = factory->create({});
  run_co(ctx, s->start(init_params()));
  json r = run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {}));
  EXPECT_EQ(r["result"]["authorization"], "Bearer tok-1");
  EXPECT_TRUE(run_until(ctx, [&] { return server.get_streams_served() >= 1; })) << "the GET stream carries it too";
  run_co(ctx, s->shutdown());
  for (const auto& seen : server.seen()) EXPECT_EQ(seen.authorization, "Bearer tok-1") << seen.method;
  EXPECT_EQ(server.count("DELETE"), 1);
  EXPECT_EQ(server.count("refused"), 0);

  // A session of a client with its own token (passthrough) sends that one.
  server.require_authorization("");
  auto client = factory->create(SessionContext{"Bearer client-token"});
  run_co(ctx, client->start(init_params()));
  r = run_co(ctx, client->call(tool_call(*client, "echo"), nullptr, {}));
  EXPECT_EQ(r["result"]["authorization"], "Bearer client-token");
  run_co(ctx, client->shutdown());
}

TEST_F(HttpUpstreamTest, A401ToOwnCredentialsIsRetriedOnceWithAFreshOne) {
  auto creds = std::make_shared<CountingCredentials>();
  auto o = options();
  o.open_get_stream = false;
  o.credentials = creds;
  server.require_authorization("Bearer tok-1");
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  server.require_authorization("Bearer tok-2");  // tok-1 revoked
  json r = run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {}));
  EXPECT_EQ(r["result"]["authorization"], "Bearer tok-2");
  EXPECT_EQ(creds->refusals, std::vector<std::string>{"Bearer tok-1"});
  EXPECT_EQ(server.count("refused"), 1);
  EXPECT_EQ(server.count("tools/call"), 1);
  EXPECT_TRUE(s->usable());

  // Refused again even fresh: one retry only, then the 401 is the answer.
  server.require_authorization("Bearer never");
  try {
    run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {}));
    FAIL() << "a refused credential succeeded";
  } catch (const UpstreamError& e) {
    EXPECT_EQ(authorization_failure_status(e), 401u) << e.what();
  }
  EXPECT_EQ(creds->refusals.size(), 2u);
  EXPECT_EQ(server.count("refused"), 3) << "the first attempt and one retry";
  run_co(ctx, s->shutdown());
}

TEST_F(HttpUpstreamTest, NoCredentialMeansAClearErrorAndNothingSent) {
  auto creds = std::make_shared<CountingCredentials>();
  creds->fail = true;
  auto o = options();
  o.credentials = creds;
  auto s = make_http_session_factory(ctx.get_executor(), o)->create({});
  try {
    run_co(ctx, s->start(init_params()));
    FAIL() << "started without a credential";
  } catch (const UpstreamCredentialsError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot obtain its access token"), std::string::npos);
  }
  EXPECT_TRUE(server.seen().empty()) << "nothing reaches the upstream without the credential";
  // A 401 from a client's own credential is not retried (it is not ours to renew).
  server.require_authorization("Bearer right");
  auto client = make_http_session_factory(ctx.get_executor(), o)->create(SessionContext{"Bearer wrong"});
  EXPECT_THROW(run_co(ctx, client->start(init_params())), UpstreamHttpError);
  EXPECT_EQ(server.count("refused"), 1);
}
