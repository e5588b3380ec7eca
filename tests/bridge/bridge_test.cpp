// Bridge::handle() end to end against the fake legacy upstream: no sockets.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <thread>

#include "bridge/make_bridge.hpp"
#include "fake_upstream.hpp"

namespace mcp::test {
namespace {

using bridge::DownstreamRequest;
using bridge::Reply;

json meta(json caps = json::object()) {
  return {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
          {"io.modelcontextprotocol/clientInfo", {{"name", "test-client"}, {"version", "9.9"}}},
          {"io.modelcontextprotocol/clientCapabilities", std::move(caps)}};
}

json request(json id, const std::string& method, json params = json::object()) {
  if (!params.contains("_meta")) params["_meta"] = meta();
  return {{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", method}, {"params", std::move(params)}};
}

json relayed_answer(const json& request) {
  return {{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", {{"relayed", true}}}};
}

class BridgeTest : public ::testing::Test {
 protected:
  void SetUp() override { make(); }
  void make() {
    state = std::make_shared<FakeServerState>();
    factory = std::make_shared<FakeFactory>(ioc.get_executor(), state);
    opts.health_probe = false;  // these tests count sessions; HealthProbe* tests turn it on
    opts.cache.per_method["tools/list"] = translate::CacheHint{60000, translate::CacheScope::Public};
    opts.cache.per_method["server/discover"] = translate::CacheHint{3600000, translate::CacheScope::Public};
    bridge = bridge::make_bridge(ioc.get_executor(), factory, opts);
  }
  Reply handle(json message, std::string authorization = "", std::map<std::string, std::string> params = {}) {
    DownstreamRequest req;
    req.message = std::move(message);
    req.authorization = std::move(authorization);
    req.param_headers = std::move(params);
    return run_until_done(ioc, bridge->handle(std::move(req), [this](json n) { notifications.push_back(n); }));
  }
  std::vector<json> requests_named(const std::string& method) const {
    std::vector<json> out;
    for (const auto& r : state->requests)
      if (r.value("method", "") == method) out.push_back(r);
    return out;
  }

  boost::asio::io_context ioc;
  std::shared_ptr<FakeServerState> state;
  std::shared_ptr<FakeFactory> factory;
  bridge::BridgeOptions opts;
  std::shared_ptr<bridge::Bridge> bridge;
  std::vector<json> notifications;
};

TEST_F(BridgeTest, DiscoverIsSynthesizedFromInitializeResult) {
  auto r = handle(request("discover-1", "server/discover"));
  ASSERT_EQ(r.http_status, 200u) << r.body.dump();
  EXPECT_EQ(r.body["id"], "discover-1");
  const json& result = r.body["result"];
  EXPECT_EQ(result["resultType"], "complete");
  EXPECT_EQ(result["supportedVersions"], json::array({"2026-07-28"}));
  EXPECT_EQ(result["capabilities"],
            json::parse(R"({"tools":{"listChanged":true},"resources":{"subscribe":true,"listChanged":true},
                            "prompts":{},"completions":{},"logging":{}})"));  // listChanged/subscribe: via subscriptions/listen
  EXPECT_EQ(result["instructions"], "Use the echo tool.");
  EXPECT_EQ(result["_meta"]["io.modelcontextprotocol/serverInfo"], state->initialize_result["serverInfo"]);
  EXPECT_EQ(result["ttlMs"], 3600000);
  EXPECT_EQ(result["cacheScope"], "public");
  // initialize replayed with the request's clientInfo, legacy version; nothing forwarded.
  ASSERT_EQ(state->initialize_params.size(), 1u);
  EXPECT_EQ(state->initialize_params[0]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(state->initialize_params[0]["clientInfo"]["name"], "test-client");
  EXPECT_TRUE(state->requests.empty());
  EXPECT_TRUE(bridge->upstream_healthy());
}

TEST_F(BridgeTest, IdsAndProgressTokensAreRewrittenAndRestored) {
  json params{{"name", "progress"}, {"arguments", {{"a", 1}}}};
  params["_meta"] = meta();
  params["_meta"]["progressToken"] = "client-token";
  params["_meta"]["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";
  auto r = handle(request("req-A", "tools/call", params));
  ASSERT_EQ(r.http_status, 200u) << r.body.dump();
  EXPECT_EQ(r.body["id"], "req-A");
  EXPECT_EQ(r.body["result"]["resultType"], "complete");
  EXPECT_EQ(r.body["result"]["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "fake-legacy");
  EXPECT_FALSE(r.body["result"].contains("ttlMs"));

  auto calls = requests_named("tools/call");
  ASSERT_EQ(calls.size(), 1u);
  const json& up = calls[0];
  ASSERT_TRUE(up["id"].is_number_integer());
  EXPECT_EQ(up["params"]["_meta"]["progressToken"], up["id"]);  // progress token == upstream id
  EXPECT_FALSE(up["params"]["_meta"].contains("io.modelcontextprotocol/protocolVersion"));
  EXPECT_TRUE(up["params"]["_meta"].contains("traceparent"));

  // Progress reached the client with its own token; log messages were dropped (no logLevel).
  ASSERT_EQ(notifications.size(), 1u);
  EXPECT_EQ(notifications[0]["method"], "notifications/progress");
  EXPECT_EQ(notifications[0]["params"]["progressToken"], "client-token");
}

TEST_F(BridgeTest, LogMessagesFollowPerRequestLogLevel) {
  json params{{"name", "progress"}, {"arguments", json::object()}};
  params["_meta"] = meta();
  params["_meta"]["io.modelcontextprotocol/logLevel"] = "info";
  auto r = handle(request(5, "tools/call", params));
  ASSERT_EQ(r.http_status, 200u);
  // No progressToken: no progress; info message kept, debug dropped.
  ASSERT_EQ(notifications.size(), 1u);
  EXPECT_EQ(notifications[0]["method"], "notifications/message");
  EXPECT_EQ(notifications[0]["params"]["level"], "info");
}

TEST_F(BridgeTest, ConcurrentRequestsShareOneSession) {
  constexpr int kRequests = 16;
  std::vector<std::optional<Reply>> replies(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    DownstreamRequest req;
    req.message = request("r" + std::to_string(i), "tools/call", json{{"name", "echo"}, {"arguments", {{"i", i}}}});
    boost::asio::co_spawn(ioc, bridge->handle(std::move(req), nullptr),
                          [&replies, i](std::exception_ptr, Reply r) { replies[i] = std::move(r); });
  }
  ASSERT_TRUE(run_until(
      ioc, [&] { return std::all_of(replies.begin(), replies.end(), [](const auto& r) { return r.has_value(); }); }));
  EXPECT_EQ(state->creates, 1);
  EXPECT_EQ(state->starts, 1);
  std::set<std::int64_t> upstream_ids;
  for (const auto& r : requests_named("tools/call")) upstream_ids.insert(r["id"].get<std::int64_t>());
  EXPECT_EQ(upstream_ids.size(), static_cast<std::size_t>(kRequests));
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_EQ(replies[i]->http_status, 200u);
    EXPECT_EQ(replies[i]->body["id"], "r" + std::to_string(i));
    // The answer is the one for this request's own arguments.
    auto echoed = json::parse(replies[i]->body["result"]["content"][0]["text"].get<std::string>());
    EXPECT_EQ(echoed["arguments"]["i"], i);
  }
}

TEST(BridgeThreads, ManyRequestsOnManyThreads) {
  // One io_context run by several threads, as in production: the pool's
  // strand must hand every context exactly one session, and every reply must
  // carry its own request's answer.
  boost::asio::io_context ioc;
  auto state = std::make_shared<FakeServerState>();
  auto factory = std::make_shared<FakeFactory>(ioc.get_executor(), state);
  bridge::BridgeOptions no_probe;
  no_probe.health_probe = false;
  auto bridge = bridge::make_bridge(ioc.get_executor(), factory, no_probe);
  constexpr int kRequests = 400;
  constexpr int kContexts = 4;
  std::vector<json> replies(kRequests);
  std::atomic<int> done{0};
  for (int i = 0; i < kRequests; ++i) {
    DownstreamRequest req;
    req.message = request(i, "tools/call", json{{"name", "echo"}, {"arguments", {{"i", i}}}});
    req.authorization = "Bearer user" + std::to_string(i % kContexts);
    req.via_http = false;
    boost::asio::co_spawn(ioc, bridge->handle(std::move(req), nullptr), [&, i](std::exception_ptr e, Reply r) {
      replies[i] = e ? json("exception") : r.body;
      ++done;
    });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (done.load() < kRequests && std::chrono::steady_clock::now() < deadline)
        ioc.run_one_for(std::chrono::milliseconds(20));
    });
  for (auto& t : threads) t.join();
  ASSERT_EQ(done.load(), kRequests);
  EXPECT_EQ(state->creates, kContexts);
  EXPECT_EQ(state->starts, kContexts);
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_TRUE(replies[i].is_object()) << i;
    ASSERT_TRUE(replies[i].contains("result")) << replies[i].dump();
    EXPECT_EQ(replies[i]["id"], i);
    auto echoed = json::parse(replies[i]["result"]["content"][0]["text"].get<std::string>());
    EXPECT_EQ(echoed["arguments"]["i"], i);
  }
}

TEST_F(BridgeTest, AuthorizationContextsNeverShareASession) {
  handle(request(1, "tools/list"), "Bearer alice");
  handle(request(2, "tools/list"), "Bearer bob");
  handle(request(3, "tools/list"), "Bearer alice");
  EXPECT_EQ(state->creates, 2);
  EXPECT_EQ(state->authorizations, (std::vector<std::string>{"Bearer alice", "Bearer bob"}));
}

TEST_F(BridgeTest, SameCapabilitiesInDifferentKeyOrderShareASession) {
  auto caps_a = json::parse(R"({"sampling":{"tools":{},"context":{}},"elicitation":{}})");
  auto caps_b = json::parse(R"({"elicitation":{},"sampling":{"context":{},"tools":{}}})");
  handle(request(1, "tools/list", json{{"_meta", meta(caps_a)}}));
  handle(request(2, "tools/list", json{{"_meta", meta(caps_b)}}));
  EXPECT_EQ(state->creates, 1);
  handle(request(3, "tools/list", json{{"_meta", meta(json::object())}}));
  EXPECT_EQ(state->creates, 2);
}

TEST_F(BridgeTest, RemovedAndUnknownMethodsAre404MethodNotFoundWithId) {
  int id = 500;
  for (const char* method : {"initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe",
                             "unknown/method"}) {
    auto r = handle(request(id, method));
    EXPECT_EQ(r.http_status, 404u) << method;
    EXPECT_EQ(r.body["error"]["code"], -32601) << method;
    EXPECT_EQ(r.body["id"], id) << method;
    ++id;
  }
  EXPECT_EQ(state->creates, 0);  // rejected before touching the upstream
}

TEST_F(BridgeTest, MissingMetaIs400InvalidParams) {
  auto no_params = json{{"jsonrpc", "2.0"}, {"id", 101}, {"method", "server/discover"}};
  auto r1 = handle(no_params);
  EXPECT_EQ(r1.http_status, 400u);
  EXPECT_EQ(r1.body["error"]["code"], -32602);
  EXPECT_EQ(r1.body["id"], 101);
  auto no_caps = request(104, "server/discover");
  no_caps["params"]["_meta"].erase("io.modelcontextprotocol/clientCapabilities");
  auto r2 = handle(no_caps);
  EXPECT_EQ(r2.http_status, 400u);
  EXPECT_EQ(r2.body["error"]["code"], -32602);
  EXPECT_EQ(r2.body["id"], 104);
  auto no_info = request(105, "server/discover");
  no_info["params"]["_meta"].erase("io.modelcontextprotocol/clientInfo");
  EXPECT_EQ(handle(no_info).http_status, 200u);
}

TEST_F(BridgeTest, UnsupportedVersionIs400WithSupportedList) {
  auto req = request(301, "server/discover");
  req["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = "v999.0.0";
  auto r = handle(req);
  EXPECT_EQ(r.http_status, 400u);
  EXPECT_EQ(r.body["id"], 301);
  EXPECT_EQ(r.body["error"]["code"], -32022);
  EXPECT_EQ(r.body["error"]["data"]["supported"], json::array({"2026-07-28"}));
  EXPECT_EQ(r.body["error"]["data"]["requested"], "v999.0.0");
}

TEST_F(BridgeTest, InvalidJsonRpcAndNotifications) {
  auto r = handle(json{{"jsonrpc", "2.0"}, {"id", nullptr}, {"method", "tools/list"}});
  EXPECT_EQ(r.http_status, 400u);
  EXPECT_EQ(r.body["error"]["code"], -32600);
  auto n = handle(json{{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 1}}}});
  EXPECT_EQ(n.http_status, 202u);
  EXPECT_TRUE(n.body.is_null());
}

TEST_F(BridgeTest, ResourceNotFoundBecomesInvalidParams) {
  auto r = handle(request(2, "resources/read", json{{"uri", "test://missing"}}));
  EXPECT_EQ(r.http_status, 200u);
  EXPECT_EQ(r.body["id"], 2);
  EXPECT_EQ(r.body["error"]["code"], -32602);
  EXPECT_EQ(r.body["error"]["data"]["uri"], "test://missing");
  auto ok = handle(request(3, "resources/read", json{{"uri", "test://a"}}));
  EXPECT_EQ(ok.body["result"]["contents"][0]["text"], "hello");
  EXPECT_EQ(ok.body["result"]["cacheScope"], "private");  // default policy
  EXPECT_EQ(ok.body["result"]["ttlMs"], 0);
}

TEST_F(BridgeTest, CacheHintsOnCacheableResults) {
  auto r = handle(request(1, "tools/list"));
  EXPECT_EQ(r.body["result"]["ttlMs"], 60000);
  EXPECT_EQ(r.body["result"]["cacheScope"], "public");
  for (const char* m : {"resources/list", "prompts/list"}) {
    auto x = handle(request(2, m));
    EXPECT_TRUE(x.body["result"].contains("ttlMs")) << m;
    EXPECT_TRUE(x.body["result"].contains("cacheScope")) << m;
  }
}

TEST_F(BridgeTest, UndeclaredCapabilityMeansMethodNotFound) {
  state->initialize_result["capabilities"].erase("prompts");
  auto r = handle(request(9, "prompts/list"));
  EXPECT_EQ(r.http_status, 404u);
  EXPECT_EQ(r.body["error"]["code"], -32601);
  EXPECT_TRUE(requests_named("prompts/list").empty());
}

TEST_F(BridgeTest, CancellingHandleCancelsTheUpstreamCall) {
  DownstreamRequest req;
  req.message = request("slow-1", "tools/call", json{{"name", "slow"}});
  boost::asio::cancellation_signal cancel;
  bool done = false;
  std::exception_ptr error;
  boost::asio::co_spawn(ioc, bridge->handle(std::move(req), nullptr),
                        boost::asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, Reply) {
                          error = e;
                          done = true;
                        }));
  ASSERT_TRUE(run_until(ioc, [&] { return !requests_named("tools/call").empty(); }));
  cancel.emit(boost::asio::cancellation_type::terminal);
  ASSERT_TRUE(run_until(ioc, [&] { return done; }));
  // The upstream call of a tools/call runs in its exchange (bridge/mrtr.hpp): cancelled right after.
  ASSERT_TRUE(run_until(ioc, [&] { return state->cancelled_ids.size() == 1u; }));
  EXPECT_EQ(state->cancelled_ids[0], requests_named("tools/call")[0]["id"]);
  EXPECT_TRUE(error);  // the cancelled handle() completes with operation_aborted, not a reply
}

TEST_F(BridgeTest, UpstreamTimeoutCancelsAndAnswers504) {
  opts.request_timeout = std::chrono::milliseconds(20);
  make();
  auto r = handle(request(7, "tools/call", json{{"name", "slow"}}));
  EXPECT_EQ(r.http_status, 504u);
  EXPECT_EQ(r.body["id"], 7);
  EXPECT_EQ(r.body["error"]["code"], -32603);
  EXPECT_TRUE(run_until(ioc, [&] { return state->cancelled_ids.size() == 1u; }));
}

TEST_F(BridgeTest, UpstreamStartFailureIsAClearErrorAndMarksUnhealthy) {
  state->fail_starts = 3;
  for (int i = 0; i < 3; ++i) {
    auto r = handle(request(i, "tools/list"));
    EXPECT_EQ(r.http_status, 502u);
    EXPECT_EQ(r.body["id"], i);
    EXPECT_EQ(r.body["error"]["code"], -32603);
    EXPECT_NE(r.body["error"]["message"].get<std::string>().find("connection refused"), std::string::npos);
  }
  EXPECT_FALSE(bridge->upstream_healthy());
  auto ok = handle(request(9, "tools/list"));  // the upstream came back
  EXPECT_EQ(ok.http_status, 200u);
  EXPECT_TRUE(bridge->upstream_healthy());
}

TEST_F(BridgeTest, UpstreamCallFailureIsAClearError) {
  handle(request(1, "server/discover"));
  state->fail_calls = true;
  auto r = handle(request(2, "tools/call", json{{"name", "echo"}}));
  EXPECT_EQ(r.http_status, 502u);
  EXPECT_EQ(r.body["id"], 2);
  EXPECT_EQ(r.body["error"]["code"], -32603);
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("connection reset"), std::string::npos);
}

TEST_F(BridgeTest, AbortNotRequestedByTheClientIsAnUpstreamError) {
  auto r = handle(request(3, "tools/call", json{{"name", "abort"}}));
  EXPECT_EQ(r.http_status, 502u);
  EXPECT_EQ(r.body["id"], 3);
  EXPECT_EQ(r.body["error"]["code"], -32603);
}

TEST_F(BridgeTest, UpstreamFailuresCanAnswerHttp200) {
  opts.gateway_http_statuses = false;
  make();
  state->fail_starts = 1;
  auto r = handle(request(1, "tools/list"));
  EXPECT_EQ(r.http_status, 200u);
  EXPECT_EQ(r.body["error"]["code"], -32603);
}

TEST_F(BridgeTest, ParamHeadersValidatedAgainstFetchedToolSchema) {
  json args{{"region", "us-west1"}, {"count", 3}, {"query", "q"}};
  // The bridge learns the schema with one tools/list through the session.
  auto ok = handle(request(1, "tools/call", json{{"name", "regional"}, {"arguments", args}}), "",
                   {{"region", "us-west1"}, {"count", "3.0"}});
  EXPECT_EQ(ok.http_status, 200u) << ok.body.dump();
  EXPECT_EQ(requests_named("tools/list").size(), 1u);

  auto missing =
      handle(request(2, "tools/call", json{{"name", "regional"}, {"arguments", args}}), "", {{"count", "3"}});
  EXPECT_EQ(missing.http_status, 400u);
  EXPECT_EQ(missing.body["error"]["code"], -32020);
  EXPECT_EQ(missing.body["id"], 2);
  EXPECT_NE(missing.body["error"]["message"].get<std::string>().find("Mcp-Param-Region"), std::string::npos);

  auto bad_b64 = handle(request(3, "tools/call", json{{"name", "regional"}, {"arguments", {{"region", "Hello"}}}}), "",
                        {{"region", "=?base64?SGVsbG8?="}});
  EXPECT_EQ(bad_b64.body["error"]["code"], -32020);
  auto good_b64 = handle(request(4, "tools/call", json{{"name", "regional"}, {"arguments", {{"region", "Hello"}}}}), "",
                         {{"region", "=?base64?SGVsbG8=?="}});
  EXPECT_EQ(good_b64.http_status, 200u);
  EXPECT_EQ(requests_named("tools/list").size(), 1u);  // cached
  EXPECT_EQ(requests_named("tools/call").size(), 2u);  // the mismatches never reached upstream

  // Unknown tools are not refetched once the full list is known.
  handle(request(5, "tools/call", json{{"name", "nope"}}));
  EXPECT_EQ(requests_named("tools/list").size(), 1u);

  // list_changed invalidates: the next call refetches.
  ASSERT_EQ(factory->sessions.size(), 1u);
  factory->sessions[0]->unsolicited_handler()(json{{"jsonrpc", "2.0"}, {"method", "notifications/tools/list_changed"}});
  handle(request(6, "tools/call", json{{"name", "regional"}, {"arguments", {{"query", "q"}}}}));
  EXPECT_EQ(requests_named("tools/list").size(), 2u);
}

TEST_F(BridgeTest, ConcurrentFirstCallsShareOneToolListFetch) {
  constexpr int kRequests = 8;
  int done = 0;
  std::vector<Reply> replies(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    DownstreamRequest req;
    req.message = request(i, "tools/call", json{{"name", "regional"}, {"arguments", {{"region", "eu"}}}});
    req.param_headers = {{"region", i % 2 ? "eu" : "us"}};  // every other one mismatches
    boost::asio::co_spawn(ioc, bridge->handle(std::move(req), nullptr), [&, i](std::exception_ptr, Reply r) {
      replies[i] = std::move(r);
      ++done;
    });
  }
  ASSERT_TRUE(run_until(ioc, [&] { return done == kRequests; }));
  EXPECT_EQ(requests_named("tools/list").size(), 1u);
  for (int i = 0; i < kRequests; ++i) EXPECT_EQ(replies[i].http_status, i % 2 ? 200u : 400u) << i;
}

TEST_F(BridgeTest, ParamHeadersNotCheckedOnStdio) {
  DownstreamRequest req;
  req.message = request(1, "tools/call", json{{"name", "regional"}, {"arguments", {{"region", "x"}}}});
  req.via_http = false;
  auto r = run_until_done(ioc, bridge->handle(std::move(req), nullptr));
  EXPECT_EQ(r.http_status, 200u);
  EXPECT_TRUE(requests_named("tools/list").empty());
}

TEST_F(BridgeTest, ToolsListPassingThroughFillsTheSchemaCache) {
  handle(request(1, "tools/list"));
  auto r = handle(request(2, "tools/call", json{{"name", "regional"}, {"arguments", {{"region", "x"}}}}), "",
                  {{"region", "y"}});
  EXPECT_EQ(r.body["error"]["code"], -32020);
  EXPECT_EQ(requests_named("tools/list").size(), 1u);  // no extra fetch
}

TEST_F(BridgeTest, ServerToClientRequests) {
  // ping is answered; sampling, which this client did not declare, is refused
  // upstream and ends the client's request with -32021 (mrtr_bridge_test.cpp has the rest).
  auto r = handle(request(1, "tools/call", json{{"name", "ask"}}));
  ASSERT_EQ(r.http_status, 400u) << r.body.dump();
  EXPECT_EQ(r.body["error"]["code"], -32021);
  EXPECT_EQ(r.body["error"]["data"]["requiredCapabilities"], json::parse(R"({"sampling":{}})"));
  ASSERT_TRUE(run_until(ioc, [&] { return state->server_request_answers.size() == 2u; }));
  EXPECT_EQ(state->server_request_answers[0], json::parse(R"({"jsonrpc":"2.0","id":900,"result":{}})"));
  const json& sampling = state->server_request_answers[1];
  EXPECT_EQ(sampling["id"], 901);
  EXPECT_EQ(sampling["error"]["code"], -32601);
}

TEST_F(BridgeTest, ServerRequestHookPlugsIn) {
  opts.server_request_handler = [](json request, json) -> boost::asio::awaitable<json> {
    json out = relayed_answer(request);
    co_return out;
  };
  make();
  handle(request(1, "tools/call", json{{"name", "ask"}}));
  ASSERT_EQ(state->server_request_answers.size(), 2u);
  EXPECT_EQ(state->server_request_answers[0]["result"], json::object());  // ping still local
  EXPECT_EQ(state->server_request_answers[1]["result"]["relayed"], true);
}

TEST_F(BridgeTest, InitializeDeclaresTheClientsCapabilitiesMrtrRelays) {
  handle(request(1, "tools/list",
                 json{{"_meta", meta(json::parse(R"({"sampling":{},"experimental":{"x":{}},"extensions":{}})"))}}));
  ASSERT_EQ(state->initialize_params.size(), 1u);
  EXPECT_EQ(state->initialize_params[0]["capabilities"], json::parse(R"({"sampling":{},"experimental":{"x":{}}})"));
}

}  // namespace
}  // namespace mcp::test

namespace mcp::test {
namespace {

// The background probe: /healthz turns healthy without any client traffic,
// through an anonymous session and a legacy ping, and retries with backoff.
class HealthProbeTest : public ::testing::Test {
 protected:
  void start(int failing_starts) {
    state->fail_starts = failing_starts;
    bridge = bridge::make_bridge(ioc.get_executor(), std::make_shared<FakeFactory>(ioc.get_executor(), state),
                                 bridge::BridgeOptions{});
  }
  // Runs the io_context until the bridge is healthy or `limit` passed.
  void run_until_healthy(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!bridge->upstream_healthy() && std::chrono::steady_clock::now() < deadline)
      ioc.run_for(std::chrono::milliseconds(20));
  }
  static boost::asio::awaitable<bool> shut_down(std::shared_ptr<bridge::Bridge> b) {
    co_await b->shutdown();
    co_return true;
  }
  void TearDown() override { EXPECT_TRUE(run_until_done(ioc, shut_down(bridge))); }

  boost::asio::io_context ioc;
  std::shared_ptr<FakeServerState> state = std::make_shared<FakeServerState>();
  std::shared_ptr<bridge::Bridge> bridge;
};

TEST_F(HealthProbeTest, HealthyWithoutClientTrafficThroughAnonymousSessionAndPing) {
  start(0);
  EXPECT_FALSE(bridge->upstream_healthy());
  run_until_healthy(std::chrono::seconds(5));
  EXPECT_TRUE(bridge->upstream_healthy());
  std::lock_guard lock(state->mu);
  ASSERT_EQ(state->authorizations.size(), 1u);
  EXPECT_EQ(state->authorizations[0], "");
  EXPECT_TRUE(std::any_of(state->requests.begin(), state->requests.end(),
                          [](const json& r) { return r.value("method", "") == "ping"; }));
}

TEST_F(HealthProbeTest, RetriesWithBackoffUntilTheUpstreamAnswers) {
  start(2);  // two failed initializes, then success (backoff 250 ms, 500 ms)
  run_until_healthy(std::chrono::seconds(10));
  EXPECT_TRUE(bridge->upstream_healthy());
  std::lock_guard lock(state->mu);
  EXPECT_EQ(state->starts, 3);
}

}  // namespace
}  // namespace mcp::test
