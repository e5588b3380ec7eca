#include "translate/discover.hpp"

#include <gtest/gtest.h>

using namespace mcp::translate;

namespace {
const json kInit = json::parse(R"({
  "protocolVersion":"2025-11-25",
  "capabilities":{"tools":{"listChanged":true},"resources":{"subscribe":true,"listChanged":true},
                  "prompts":{"listChanged":false},"completions":{},"logging":{},
                  "tasks":{"list":{},"cancel":{}},"experimental":{"x":{}},"weird":{}},
  "serverInfo":{"name":"ExampleServer","version":"1.0.0","title":"Example"},
  "instructions":"This server provides weather and resource utilities."})");
}

TEST(Discover, ResultHasAllRequiredFields) {
  // schema DiscoverResult: required cacheScope, capabilities, resultType, supportedVersions, ttlMs.
  auto r = make_discover_result(kInit, DiscoverOptions{}, CacheHint{3600000, CacheScope::Public});
  EXPECT_EQ(r["supportedVersions"], json::array({"2026-07-28"}));
  EXPECT_EQ(r["resultType"], "complete");
  EXPECT_EQ(r["ttlMs"], 3600000);
  EXPECT_EQ(r["cacheScope"], "public");
  EXPECT_EQ(r["instructions"], kInit["instructions"]);
  EXPECT_EQ(r["_meta"]["io.modelcontextprotocol/serverInfo"], kInit["serverInfo"]);
  EXPECT_FALSE(r.contains("serverInfo"));  // lives in _meta since spec PR #3002
}

TEST(Discover, CapabilitiesInModernVocabulary) {
  auto caps = to_modern_server_capabilities(kInit["capabilities"], DiscoverOptions{});
  EXPECT_EQ(caps, json::parse(R"({"tools":{},"resources":{},"prompts":{},"completions":{},"logging":{},
                                  "experimental":{"x":{}}})"));
  EXPECT_FALSE(caps.contains("tasks"));  // moved to the io.modelcontextprotocol/tasks extension
}

TEST(Discover, SubscriptionFlagsOnlyWhenAdvertised) {
  DiscoverOptions opts;
  opts.advertise_subscriptions = true;
  auto caps = to_modern_server_capabilities(kInit["capabilities"], opts);
  EXPECT_EQ(caps["tools"], json::parse(R"({"listChanged":true})"));
  EXPECT_EQ(caps["resources"], json::parse(R"({"listChanged":true,"subscribe":true})"));
  EXPECT_EQ(caps["prompts"], json::object());
}

TEST(Discover, MinimalInitializeResult) {
  auto r = make_discover_result(json::parse(R"({"protocolVersion":"2025-03-26"})"), DiscoverOptions{}, CacheHint{});
  EXPECT_EQ(r["capabilities"], json::object());
  EXPECT_FALSE(r.contains("instructions"));
  EXPECT_EQ(r["ttlMs"], 0);
  EXPECT_EQ(r["cacheScope"], "private");
  EXPECT_TRUE(r["_meta"]["io.modelcontextprotocol/serverInfo"]["name"].is_string());
}
