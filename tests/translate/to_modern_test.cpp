#include "translate/to_modern.hpp"

#include <gtest/gtest.h>

using namespace mcp::translate;

namespace {
const json kServerInfo = json::parse(R"({"name":"legacy","version":"2.0"})");

ResponseContext ctx(const std::string& method, bool cacheable = false, json params = json::object()) {
  ResponseContext c;
  c.client_id = "client-1";
  c.method = method;
  c.request_uri = params.value("uri", json());
  c.server_info = kServerInfo;
  c.cacheable = cacheable;
  c.cache_hint = CacheHint{300000, CacheScope::Public};
  return c;
}
}  // namespace

TEST(ToModern, ResultGetsResultTypeServerInfoAndRestoredId) {
  auto legacy = json::parse(R"({"jsonrpc":"2.0","id":17,"result":{"content":[{"type":"text","text":"hi"}],
    "_meta":{"com.example/x":1}}})");
  auto out = to_modern_response(legacy, ctx("tools/call"));
  EXPECT_EQ(out["id"], "client-1");
  EXPECT_EQ(out["result"]["resultType"], "complete");
  EXPECT_EQ(out["result"]["_meta"]["io.modelcontextprotocol/serverInfo"], kServerInfo);
  EXPECT_EQ(out["result"]["_meta"]["com.example/x"], 1);
  EXPECT_EQ(out["result"]["content"][0]["text"], "hi");
  EXPECT_FALSE(out["result"].contains("ttlMs"));  // tools/call is not cacheable
}

TEST(ToModern, CacheableResultsCarryHints) {
  auto out =
      to_modern_response(json::parse(R"({"jsonrpc":"2.0","id":1,"result":{"tools":[]}})"), ctx("tools/list", true));
  EXPECT_EQ(out["result"]["ttlMs"], 300000);
  EXPECT_EQ(out["result"]["cacheScope"], "public");
}

TEST(ToModern, NegativeTtlIsClamped) {
  json r = json::object();
  finish_result(r, kServerInfo, true, CacheHint{-5, CacheScope::Private});
  EXPECT_EQ(r["ttlMs"], 0);  // caching.mdx: servers MUST provide ttlMs >= 0
  EXPECT_EQ(r["cacheScope"], "private");
}

TEST(ToModern, ResourceNotFoundBecomesInvalidParamsWithUri) {
  // server/resources.mdx + changelog minor change 6; conformance sep-2164.
  auto legacy = json::parse(R"({"jsonrpc":"2.0","id":3,"error":{"code":-32002,"message":"Resource not found"}})");
  auto out = to_modern_response(legacy, ctx("resources/read", true, json{{"uri", "test://nope"}}));
  EXPECT_EQ(out["id"], "client-1");
  EXPECT_EQ(out["error"]["code"], -32602);
  EXPECT_EQ(out["error"]["message"], "Resource not found");
  EXPECT_EQ(out["error"]["data"]["uri"], "test://nope");
  EXPECT_FALSE(out.contains("result"));
}

TEST(ToModern, ResourceNotFoundKeepsUpstreamData) {
  auto legacy = json::parse(
      R"({"jsonrpc":"2.0","id":3,"error":{"code":-32002,"message":"gone","data":{"uri":"test://x","why":"deleted"}}})");
  auto out = to_modern_response(legacy, ctx("resources/read", true, json{{"uri", "test://x"}}));
  EXPECT_EQ(out["error"]["data"], json::parse(R"({"uri":"test://x","why":"deleted"})"));
}

TEST(ToModern, ReservedCodesUndefinedIn2026BecomeInternalError) {
  // basic/index.mdx: -32042 MUST NOT be emitted; -32020..-32099 only with defined meanings.
  auto legacy = json::parse(R"({"jsonrpc":"2.0","id":3,"error":{"code":-32042,"message":"URL elicitation required"}})");
  auto out = to_modern_response(legacy, ctx("tools/call"));
  EXPECT_EQ(out["error"]["code"], -32603);
  EXPECT_NE(out["error"]["message"].get<std::string>().find("URL elicitation required"), std::string::npos);
  EXPECT_EQ(out["error"]["data"]["upstreamError"]["code"], -32042);
}

TEST(ToModern, OrdinaryErrorsPassThrough) {
  auto legacy = json::parse(R"({"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"Unknown tool: x"}})");
  auto out = to_modern_response(legacy, ctx("tools/call"));
  EXPECT_EQ(out["error"], legacy["error"]);
  auto custom = json::parse(R"({"jsonrpc":"2.0","id":3,"error":{"code":-32000,"message":"busy"}})");
  EXPECT_EQ(to_modern_response(custom, ctx("tools/call"))["error"]["code"], -32000);
}

TEST(ToModern, MalformedUpstreamResponsesBecomeInternalErrors) {
  for (const char* text : {R"([1])", R"({"jsonrpc":"2.0","id":1})", R"({"jsonrpc":"2.0","id":1,"result":5})",
                           R"({"jsonrpc":"2.0","id":1,"error":"boom"})"}) {
    auto out = to_modern_response(json::parse(text), ctx("tools/call"));
    EXPECT_EQ(out["error"]["code"], -32603) << text;
    EXPECT_EQ(out["id"], "client-1") << text;
  }
}

TEST(ToModern, HttpStatusForForwardedErrors) {
  EXPECT_EQ(http_status_for_forwarded_error(-32601), 404u);
  EXPECT_EQ(http_status_for_forwarded_error(-32021), 400u);
  EXPECT_EQ(http_status_for_forwarded_error(-32602), 200u);
  EXPECT_EQ(http_status_for_forwarded_error(-32603), 200u);
}

TEST(ToModern, ProgressGetsClientToken) {
  RequestMeta meta;
  meta.progress_token = "abc123";
  auto n = json::parse(R"({"jsonrpc":"2.0","method":"notifications/progress",
    "params":{"progressToken":12,"progress":50,"total":100,"message":"Reticulating splines..."}})");
  auto out = to_modern_notification(n, meta);
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)["params"]["progressToken"], "abc123");
  EXPECT_EQ((*out)["params"]["progress"], 50);
  EXPECT_EQ((*out)["params"]["message"], "Reticulating splines...");
  meta.progress_token = nullptr;  // the client asked for no progress
  EXPECT_FALSE(to_modern_notification(n, meta));
}

TEST(ToModern, LogMessagesOnlyWithLogLevelAndAtLeastThatSevere) {
  auto msg = [](const char* level) {
    return json{{"jsonrpc", "2.0"}, {"method", "notifications/message"}, {"params", {{"level", level}, {"data", "x"}}}};
  };
  RequestMeta meta;
  EXPECT_FALSE(to_modern_notification(msg("emergency"), meta));  // MUST NOT without logLevel
  meta.log_level = "warning";
  EXPECT_FALSE(to_modern_notification(msg("info"), meta));
  EXPECT_TRUE(to_modern_notification(msg("warning"), meta));
  EXPECT_TRUE(to_modern_notification(msg("error"), meta));
  EXPECT_FALSE(to_modern_notification(msg("bogus"), meta));
}

TEST(ToModern, SubscriptionNotificationsAreNotForwardedOnRequestStreams) {
  RequestMeta meta;
  EXPECT_FALSE(
      to_modern_notification(json::parse(R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})"), meta));
  EXPECT_FALSE(to_modern_notification(json::parse(R"({"jsonrpc":"2.0","method":"notifications/resources/updated",
    "params":{"uri":"a"}})"),
                                      meta));
  EXPECT_FALSE(to_modern_notification(json("junk"), meta));
}

TEST(ToModern, ServerInfoFromInitialize) {
  EXPECT_EQ(server_info_from_initialize(json{{"serverInfo", kServerInfo}}), kServerInfo);
  auto fallback = server_info_from_initialize(json::parse(R"({"serverInfo":{"name":5}})"));
  EXPECT_TRUE(fallback["name"].is_string());
  EXPECT_TRUE(fallback["version"].is_string());
}
