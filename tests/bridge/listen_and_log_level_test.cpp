// subscriptions/listen and per-request log levels through Bridge::handle(),
// against the fake legacy upstream (no sockets). Expectations from
// basic/patterns/subscriptions.mdx and server/utilities/logging.mdx.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>

#include "bridge/make_bridge.hpp"
#include "fake_upstream.hpp"

namespace mcp::test {
namespace {

using bridge::DownstreamRequest;
using bridge::Reply;

constexpr const char* kSubscriptionId = "io.modelcontextprotocol/subscriptionId";

json meta(std::optional<std::string> log_level = std::nullopt) {
  json m = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
            {"io.modelcontextprotocol/clientCapabilities", json::object()}};
  if (log_level) m["io.modelcontextprotocol/logLevel"] = *log_level;
  return m;
}

json request(json id, const std::string& method, json params, std::optional<std::string> log_level = std::nullopt) {
  params["_meta"] = meta(std::move(log_level));
  return {{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", method}, {"params", std::move(params)}};
}

json legacy(const std::string& method, json params = nullptr) {
  json n{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) n["params"] = std::move(params);
  return n;
}

// One handle() running in the background: what its sink received, how it ended.
struct Running {
  std::vector<json> events;
  std::optional<Reply> reply;
  bool aborted = false;
  asio::cancellation_signal cancel;
  bool done() const { return reply.has_value() || aborted; }
};

class ListenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state = std::make_shared<FakeServerState>();
    factory = std::make_shared<FakeFactory>(ioc.get_executor(), state);
    opts.health_probe = false;
  }
  void make() { bridge = bridge::make_bridge(ioc.get_executor(), factory, opts); }
  // Listen streams never end by themselves: close them as shutdown does, so
  // their coroutines finish before the io_context goes (a parked stream holds
  // its topic, whose channel holds the stream: LSan reported it as a leak).
  void TearDown() override {
    if (!bridge) return;
    bridge->close_subscriptions();
    for (int i = 0; i < 1000 && ioc.run_one_for(std::chrono::milliseconds(10)) > 0;) ++i;
  }

  std::shared_ptr<Running> start(json message) {
    if (!bridge) make();
    auto r = std::make_shared<Running>();
    DownstreamRequest req;
    req.message = std::move(message);
    asio::co_spawn(ioc, bridge->handle(std::move(req), [r](json n) { r->events.push_back(std::move(n)); }),
                   asio::bind_cancellation_slot(r->cancel.slot(), [r](std::exception_ptr e, Reply reply) {
                     if (e)
                       r->aborted = true;
                     else
                       r->reply = std::move(reply);
                   }));
    return r;
  }
  // Opens a listen stream and waits for its acknowledgment (or its early end).
  std::shared_ptr<Running> listen(json id, json filter) {
    auto r = start(request(std::move(id), "subscriptions/listen", {{"notifications", std::move(filter)}}));
    EXPECT_TRUE(run_until(ioc, [&] { return !r->events.empty() || r->done(); }));
    return r;
  }
  void cancel(const std::shared_ptr<Running>& r) {
    r->cancel.emit(asio::cancellation_type::terminal);
    EXPECT_TRUE(run_until(ioc, [&] { return r->done(); }));
  }
  // The upstream sends a notification not tied to a call on session `i`.
  void upstream_sends(std::size_t i, const json& n) {
    ASSERT_LT(i, factory->sessions.size());
    factory->sessions[i]->unsolicited_handler()(n);
    ioc.poll();
  }
  std::vector<json> requests_named(const std::string& method) {
    std::vector<json> out;
    for (const auto& r : state->requests)
      if (r.value("method", "") == method) out.push_back(r);
    return out;
  }
  void settle() {
    for (int i = 0; i < 20; ++i) ioc.run_one_for(std::chrono::milliseconds(5));
  }

  asio::io_context ioc;
  std::shared_ptr<FakeServerState> state;
  std::shared_ptr<FakeFactory> factory;
  bridge::BridgeOptions opts;
  std::shared_ptr<bridge::Bridge> bridge;
};

TEST_F(ListenTest, AcknowledgesFirstWithTheSubsetTheUpstreamHonours) {
  // The fake declares tools.listChanged, resources.subscribe/listChanged, prompts without listChanged.
  auto s = listen(1, {{"toolsListChanged", true},
                      {"promptsListChanged", true},
                      {"resourcesListChanged", true},
                      {"resourceSubscriptions", {"test://a", "test://missing"}}});
  ASSERT_EQ(s->events.size(), 1u);
  const json& ack = s->events[0];
  EXPECT_EQ(ack["method"], "notifications/subscriptions/acknowledged");
  EXPECT_EQ(ack["params"]["_meta"][kSubscriptionId], 1);
  // prompts (no listChanged upstream) and the uri the upstream refused are omitted.
  EXPECT_EQ(ack["params"]["notifications"],
            (json{{"toolsListChanged", true}, {"resourcesListChanged", true}, {"resourceSubscriptions", {"test://a"}}}));
  auto subscribes = requests_named("resources/subscribe");
  ASSERT_EQ(subscribes.size(), 2u);
  EXPECT_EQ(subscribes[0]["params"]["uri"], "test://a");
  EXPECT_FALSE(s->done());
  cancel(s);
}

TEST_F(ListenTest, DeliversOnlyRequestedTypesTaggedWithTheSubscriptionId) {
  auto s = listen("sub", {{"toolsListChanged", true}, {"resourceSubscriptions", {"test://a"}}});
  upstream_sends(0, legacy("notifications/tools/list_changed"));
  upstream_sends(0, legacy("notifications/prompts/list_changed"));
  upstream_sends(0, legacy("notifications/resources/list_changed"));
  upstream_sends(0, legacy("notifications/resources/updated", {{"uri", "test://other"}}));
  upstream_sends(0, legacy("notifications/resources/updated", {{"uri", "test://a"}}));
  upstream_sends(0, legacy("notifications/message", {{"level", "emergency"}, {"data", "never on a listen stream"}}));
  ASSERT_EQ(s->events.size(), 3u);
  EXPECT_EQ(s->events[1]["method"], "notifications/tools/list_changed");
  EXPECT_EQ(s->events[2]["method"], "notifications/resources/updated");
  EXPECT_EQ(s->events[2]["params"]["uri"], "test://a");
  for (const auto& e : s->events) EXPECT_EQ(e["params"]["_meta"][kSubscriptionId], "sub") << e.dump();
  cancel(s);
}

TEST_F(ListenTest, ListChangedFansOutToEveryListenerThatOptedIn) {
  auto a = listen(1, {{"toolsListChanged", true}});
  auto b = listen(2, {{"toolsListChanged", true}, {"resourcesListChanged", true}});
  auto c = listen(3, {{"resourcesListChanged", true}});
  EXPECT_EQ(factory->sessions.size(), 1u);  // one upstream session feeds them all
  upstream_sends(0, legacy("notifications/tools/list_changed"));
  ASSERT_EQ(a->events.size(), 2u);
  ASSERT_EQ(b->events.size(), 2u);
  EXPECT_EQ(c->events.size(), 1u);  // only its acknowledgment
  EXPECT_EQ(a->events[1]["params"]["_meta"][kSubscriptionId], 1);
  EXPECT_EQ(b->events[1]["params"]["_meta"][kSubscriptionId], 2);
  cancel(a);
  upstream_sends(0, legacy("notifications/tools/list_changed"));
  EXPECT_EQ(a->events.size(), 2u);  // gone: nothing more
  EXPECT_EQ(b->events.size(), 3u);
  cancel(b);
  cancel(c);
}

TEST_F(ListenTest, ResourceSubscriptionsAreReferenceCountedAcrossListeners) {
  auto a = listen(1, {{"resourceSubscriptions", {"test://a", "test://b"}}});
  auto b = listen(2, {{"resourceSubscriptions", {"test://a"}}});
  EXPECT_EQ(requests_named("resources/subscribe").size(), 2u);  // a and b once each
  upstream_sends(0, legacy("notifications/resources/updated", {{"uri", "test://a"}}));
  EXPECT_EQ(a->events.size(), 2u);
  EXPECT_EQ(b->events.size(), 2u);
  cancel(a);
  settle();
  // test://b had one holder: unsubscribed; test://a still held by the second stream.
  auto unsubscribes = requests_named("resources/unsubscribe");
  ASSERT_EQ(unsubscribes.size(), 1u);
  EXPECT_EQ(unsubscribes[0]["params"]["uri"], "test://b");
  cancel(b);
  settle();
  unsubscribes = requests_named("resources/unsubscribe");
  ASSERT_EQ(unsubscribes.size(), 2u);
  EXPECT_EQ(unsubscribes[1]["params"]["uri"], "test://a");
  // A new stream subscribes again.
  auto c = listen(3, {{"resourceSubscriptions", {"test://a"}}});
  EXPECT_EQ(requests_named("resources/subscribe").size(), 3u);
  cancel(c);
}

TEST_F(ListenTest, ShutdownEndsStreamsWithTheirCompletionResult) {
  auto s = listen("L1", {{"toolsListChanged", true}});
  bridge->close_subscriptions();
  ASSERT_TRUE(run_until(ioc, [&] { return s->done(); }));
  ASSERT_TRUE(s->reply);
  EXPECT_EQ(s->reply->http_status, 200u);
  const json& body = s->reply->body;
  EXPECT_EQ(body["id"], "L1");
  EXPECT_EQ(body["result"]["resultType"], "complete");
  EXPECT_EQ(body["result"]["_meta"][kSubscriptionId], "L1");
  EXPECT_EQ(body["result"]["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "fake-legacy");
  // No new streams once closing.
  auto late = listen("L2", {{"toolsListChanged", true}});
  ASSERT_TRUE(late->reply);
  EXPECT_EQ(late->reply->body["error"]["code"], -32603);
}

TEST_F(ListenTest, InvalidFilterIsInvalidParams) {
  auto s = listen(9, {{"toolsListChanged", "yes"}});
  ASSERT_TRUE(s->reply);
  EXPECT_EQ(s->reply->body["error"]["code"], -32602);
  EXPECT_TRUE(s->events.empty());
  auto no_filter = start(request(10, "subscriptions/listen", json::object()));
  ASSERT_TRUE(run_until(ioc, [&] { return no_filter->done(); }));
  EXPECT_EQ(no_filter->reply->body["error"]["code"], -32602);
}

TEST_F(ListenTest, LostUpstreamSessionIsReplacedAndSubscriptionsRenewed) {
  opts.subscriptions.session_check_interval = std::chrono::milliseconds(10);
  auto s = listen(1, {{"toolsListChanged", true}, {"resourceSubscriptions", {"test://a"}}});
  factory->sessions[0]->kill();  // e.g. the stdio child exited
  ASSERT_TRUE(run_until(ioc, [&] { return requests_named("resources/subscribe").size() == 2; }));
  ASSERT_EQ(factory->sessions.size(), 2u);
  ASSERT_TRUE(run_until(ioc, [&] { return s->events.size() >= 2; }));
  // Changes may have been missed while reconnecting: the stream hears list_changed
  // for what it listens to (tools), not for what it did not ask for.
  EXPECT_EQ(s->events.size(), 2u);
  EXPECT_EQ(s->events[1]["method"], "notifications/tools/list_changed");
  upstream_sends(1, legacy("notifications/resources/updated", {{"uri", "test://a"}}));
  ASSERT_EQ(s->events.size(), 3u);
  EXPECT_EQ(s->events[2]["params"]["_meta"][kSubscriptionId], 1);
  cancel(s);
}

TEST_F(ListenTest, DiscoverAdvertisesWhatListenDelivers) {
  auto d = start(request(1, "server/discover", json::object()));
  ASSERT_TRUE(run_until(ioc, [&] { return d->done(); }));
  const json& caps = d->reply->body["result"]["capabilities"];
  EXPECT_EQ(caps["tools"], (json{{"listChanged", true}}));
  EXPECT_EQ(caps["resources"], (json{{"subscribe", true}, {"listChanged", true}}));
  EXPECT_EQ(caps["prompts"], json::object());  // the upstream declares no prompts.listChanged
}

// ---- io.modelcontextprotocol/logLevel -> logging/setLevel on partitioned sessions ----

using LogLevelTest = ListenTest;

TEST_F(LogLevelTest, EachLogLevelGetsItsOwnSessionWithThatLevelSet) {
  for (auto level : {std::optional<std::string>("info"), std::optional<std::string>("error"),
                     std::optional<std::string>(), std::optional<std::string>("info")}) {
    auto r = start(request(1, "tools/call", {{"name", "echo"}, {"arguments", json::object()}}, level));
    ASSERT_TRUE(run_until(ioc, [&] { return r->done(); }));
    EXPECT_EQ(r->reply->http_status, 200u);
  }
  EXPECT_EQ(factory->sessions.size(), 3u);  // info, error, none (info reused)
  auto set_levels = requests_named("logging/setLevel");
  ASSERT_EQ(set_levels.size(), 2u);  // once per session with a level, none for the session without
  EXPECT_EQ(set_levels[0]["params"]["level"], "info");
  EXPECT_EQ(set_levels[1]["params"]["level"], "error");
}

TEST_F(LogLevelTest, UpstreamWithoutLoggingGetsNoSetLevel) {
  state->initialize_result["capabilities"].erase("logging");
  auto r = start(request(1, "tools/call", {{"name", "echo"}, {"arguments", json::object()}}, "debug"));
  ASSERT_TRUE(run_until(ioc, [&] { return r->done(); }));
  EXPECT_EQ(r->reply->http_status, 200u);
  EXPECT_TRUE(requests_named("logging/setLevel").empty());
}

TEST_F(LogLevelTest, UnsolicitedLogMessagesReachOnlyRequestsThatAskedForLogs) {
  auto stream = listen(1, {{"toolsListChanged", true}});  // session 0 (no level)
  auto with_logs = start(request(2, "tools/call", {{"name", "slow"}, {"arguments", json::object()}}, "info"));
  ASSERT_TRUE(run_until(ioc, [&] { return factory->sessions.size() == 2 && !requests_named("tools/call").empty(); }));
  auto without = start(request(3, "tools/call", {{"name", "slow"}, {"arguments", json::object()}}));
  ASSERT_TRUE(run_until(ioc, [&] { return requests_named("tools/call").size() == 2; }));
  ASSERT_EQ(factory->sessions.size(), 2u);

  // On the info session (e.g. its GET stream or a stdio child's stdout).
  upstream_sends(1, legacy("notifications/message", {{"level", "warning"}, {"data", "disk almost full"}}));
  upstream_sends(1, legacy("notifications/message", {{"level", "debug"}, {"data", "below info"}}));
  // On the session without a level (an upstream's default level): nobody asked.
  upstream_sends(0, legacy("notifications/message", {{"level", "error"}, {"data", "unrequested"}}));

  ASSERT_EQ(with_logs->events.size(), 1u);
  EXPECT_EQ(with_logs->events[0]["method"], "notifications/message");
  EXPECT_EQ(with_logs->events[0]["params"]["data"], "disk almost full");
  EXPECT_TRUE(without->events.empty());
  EXPECT_EQ(stream->events.size(), 1u);  // only the acknowledgment

  cancel(with_logs);
  // Finished requests receive nothing more.
  upstream_sends(1, legacy("notifications/message", {{"level", "error"}, {"data", "after the end"}}));
  EXPECT_EQ(with_logs->events.size(), 1u);
  cancel(without);
  cancel(stream);
}

}  // namespace
}  // namespace mcp::test
