// Pure subscriptions/listen translation (translate/subscriptions.hpp) and the
// refcounts behind upstream resources/subscribe (bridge/subscription_refcounts.hpp).
// Expectations come from basic/patterns/subscriptions.mdx and the 2026-07-28 schema.
#include <gtest/gtest.h>

#include "bridge/subscription_refcounts.hpp"
#include "translate/subscriptions.hpp"

namespace mcp::translate {
namespace {

const json kAllCaps = {{"tools", {{"listChanged", true}}},
                       {"prompts", {{"listChanged", true}}},
                       {"resources", {{"subscribe", true}, {"listChanged", true}}}};

ListenFilter parse_ok(const json& params) {
  auto r = parse_listen_filter(params);
  if (auto* e = std::get_if<std::string>(&r)) ADD_FAILURE() << *e;
  return std::get<ListenFilter>(r);
}

std::string parse_error(const json& params, const ListenLimits& limits = {}) {
  auto r = parse_listen_filter(params, limits);
  if (std::holds_alternative<ListenFilter>(r)) return "";
  return std::get<std::string>(r);
}

TEST(ListenFilter, ParsesEveryFieldAndFoldsDuplicateUris) {
  auto f = parse_ok({{"notifications",
                      {{"toolsListChanged", true},
                       {"promptsListChanged", false},
                       {"resourcesListChanged", true},
                       {"resourceSubscriptions", {"file:///a", "file:///b", "file:///a"}},
                       {"someFutureType", true}}}});
  EXPECT_TRUE(f.tools_list_changed);
  EXPECT_FALSE(f.prompts_list_changed);
  EXPECT_TRUE(f.resources_list_changed);
  EXPECT_EQ(f.resource_subscriptions, (std::vector<std::string>{"file:///a", "file:///b"}));
  EXPECT_EQ(parse_ok({{"notifications", json::object()}}), ListenFilter{});
}

TEST(ListenFilter, RejectsMalformedFilters) {
  EXPECT_NE(parse_error(json::object()), "");                        // notifications is required
  EXPECT_NE(parse_error({{"notifications", true}}), "");             // not an object
  EXPECT_NE(parse_error({{"notifications", {{"toolsListChanged", "yes"}}}}), "");
  EXPECT_NE(parse_error({{"notifications", {{"resourceSubscriptions", "file:///a"}}}}), "");
  EXPECT_NE(parse_error({{"notifications", {{"resourceSubscriptions", {1}}}}}), "");
  EXPECT_NE(parse_error({{"notifications", {{"resourceSubscriptions", {""}}}}}), "");
  ListenLimits small{2, 10};
  EXPECT_NE(parse_error({{"notifications", {{"resourceSubscriptions", {"a", "b", "c"}}}}}, small), "");
  EXPECT_EQ(parse_error({{"notifications", {{"resourceSubscriptions", {"a", "b", "a"}}}}}, small), "");
  EXPECT_NE(parse_error({{"notifications", {{"resourceSubscriptions", {"0123456789X"}}}}}, small), "");
}

TEST(ListenFilter, HonourableSubsetFollowsUpstreamCapabilities) {
  ListenFilter all{true, true, true, {"file:///a"}};
  EXPECT_EQ(honourable_subset(all, kAllCaps), all);
  // tools without listChanged, prompts absent, resources without subscribe.
  json caps = {{"tools", json::object()}, {"resources", {{"listChanged", true}}}};
  EXPECT_EQ(honourable_subset(all, caps), (ListenFilter{false, false, true, {}}));
  EXPECT_EQ(honourable_subset(all, "garbage"), ListenFilter{});
  // Never more than requested.
  EXPECT_EQ(honourable_subset(ListenFilter{}, kAllCaps), ListenFilter{});
}

TEST(ListenAcknowledgment, CarriesTheHonouredSubsetAndTheSubscriptionId) {
  json ack = make_listen_acknowledgment(1, ListenFilter{true, false, false, {"file:///project/config.json"}});
  // The example of subscriptions.mdx "Acknowledgment".
  EXPECT_EQ(ack, json::parse(R"({
    "jsonrpc": "2.0",
    "method": "notifications/subscriptions/acknowledged",
    "params": {
      "_meta": {"io.modelcontextprotocol/subscriptionId": 1},
      "notifications": {"toolsListChanged": true, "resourceSubscriptions": ["file:///project/config.json"]}
    }
  })"));
  EXPECT_EQ(make_listen_acknowledgment("s", ListenFilter{})["params"]["notifications"], json::object());
}

TEST(ListenNotification, OnlyRequestedTypesAndTaggedWithTheSubscriptionId) {
  ListenFilter f{true, false, false, {"file:///a"}};
  auto tools = to_listen_notification({{"jsonrpc", "2.0"}, {"method", "notifications/tools/list_changed"}}, f, "s1");
  ASSERT_TRUE(tools);
  EXPECT_EQ(*tools, json::parse(R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed",
                                    "params":{"_meta":{"io.modelcontextprotocol/subscriptionId":"s1"}}})"));
  auto updated = to_listen_notification(
      {{"jsonrpc", "2.0"}, {"method", "notifications/resources/updated"}, {"params", {{"uri", "file:///a"}}}}, f, 7);
  ASSERT_TRUE(updated);
  EXPECT_EQ((*updated)["params"]["uri"], "file:///a");
  EXPECT_EQ((*updated)["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"], 7);

  // Not asked for: other list types, other uris, request-scoped and unknown notifications.
  for (const json& n : {json{{"method", "notifications/prompts/list_changed"}},
                        json{{"method", "notifications/resources/list_changed"}},
                        json{{"method", "notifications/resources/updated"}, {"params", {{"uri", "file:///b"}}}},
                        json{{"method", "notifications/resources/updated"}},
                        json{{"method", "notifications/message"}, {"params", {{"level", "error"}, {"data", "x"}}}},
                        json{{"method", "notifications/progress"}, {"params", {{"progressToken", 1}}}},
                        json{{"method", "notifications/whatever"}}, json("not an object"), json{{"method", 3}}})
    EXPECT_FALSE(to_listen_notification(n, f, 1)) << n.dump();
  // A list_changed carrying upstream params keeps them and gains the tag.
  auto with_meta = to_listen_notification(
      {{"method", "notifications/tools/list_changed"}, {"params", {{"_meta", {{"x", 1}}}}}}, f, 2);
  ASSERT_TRUE(with_meta);
  EXPECT_EQ((*with_meta)["params"]["_meta"], (json{{"x", 1}, {"io.modelcontextprotocol/subscriptionId", 2}}));
}

TEST(ListenCompletion, IsTheResponseToTheListenRequest) {
  json info = {{"name", "up"}, {"version", "1"}};
  EXPECT_EQ(make_listen_completion(1, info), json::parse(R"({"jsonrpc":"2.0","id":1,"result":{"resultType":"complete",
      "_meta":{"io.modelcontextprotocol/subscriptionId":1,"io.modelcontextprotocol/serverInfo":{"name":"up","version":"1"}}}})"));
}

TEST(UriRefCounts, FirstAcquireSubscribesLastReleaseUnsubscribes) {
  bridge::UriRefCounts refs;
  EXPECT_TRUE(refs.acquire("a"));
  EXPECT_FALSE(refs.acquire("a"));
  EXPECT_TRUE(refs.acquire("b"));
  EXPECT_EQ(refs.holders("a"), 2u);
  EXPECT_FALSE(refs.release("a"));
  EXPECT_TRUE(refs.release("a"));
  EXPECT_FALSE(refs.release("a"));  // nobody holds it any more
  EXPECT_FALSE(refs.empty());
  EXPECT_TRUE(refs.release("b"));
  EXPECT_TRUE(refs.empty());
}

}  // namespace
}  // namespace mcp::translate
