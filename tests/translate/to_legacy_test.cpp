#include "translate/to_legacy.hpp"

#include <gtest/gtest.h>

using namespace mcp::translate;

TEST(ToLegacy, RewritesIdStripsReservedMetaAndRewritesProgressToken) {
  auto modern = json::parse(R"({"jsonrpc":"2.0","id":"client-7","method":"tools/call","params":{
    "name":"echo","arguments":{"x":1},
    "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
             "io.modelcontextprotocol/clientCapabilities":{},
             "io.modelcontextprotocol/clientInfo":{"name":"c","version":"1"},
             "io.modelcontextprotocol/logLevel":"info",
             "progressToken":"abc","traceparent":"00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01",
             "com.example/flag":true}}})");
  auto legacy = to_legacy_request(modern, 42);
  EXPECT_EQ(legacy["id"], 42);
  EXPECT_EQ(legacy["method"], "tools/call");
  EXPECT_EQ(legacy["params"]["name"], "echo");
  EXPECT_EQ(legacy["params"]["arguments"], json::parse(R"({"x":1})"));
  const auto& meta = legacy["params"]["_meta"];
  EXPECT_EQ(meta["progressToken"], 42);
  EXPECT_EQ(meta["traceparent"], modern["params"]["_meta"]["traceparent"]);
  EXPECT_EQ(meta["com.example/flag"], true);
  for (const auto& [k, v] : meta.items()) EXPECT_FALSE(k.starts_with("io.modelcontextprotocol/")) << k;
  EXPECT_EQ(modern["id"], "client-7");  // input untouched
}

TEST(ToLegacy, DropsEmptiedMeta) {
  auto modern = json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{
    "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})");
  auto legacy = to_legacy_request(modern, 3);
  EXPECT_EQ(legacy, json::parse(R"({"jsonrpc":"2.0","id":3,"method":"tools/list","params":{}})"));
}

TEST(ToLegacy, NoProgressTokenAddedWhenClientAskedNone) {
  auto modern = json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a",
    "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})");
  EXPECT_FALSE(to_legacy_request(modern, 9)["params"].contains("_meta"));
}

// The bridge moves the parsed request in (no copy between parse and forward):
// rewritten in place, it must be exactly the request a copy gives, for every
// shape of _meta the spec allows or a client may send.
TEST(ToLegacy, MovedInRequestIsRewrittenInPlaceLikeACopy) {
  const char* cases[] = {
      R"({"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"a","arguments":{"x":[1,{"y":2}]},
        "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"roots":{}},
                 "progressToken":7,"traceparent":"00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"}}})",
      R"({"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"p","_meta":{"io.modelcontextprotocol/logLevel":"info"}}})",
      R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":"not an object"}})",
      R"({"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"cursor":"c2"}})",
      R"({"jsonrpc":"2.0","id":4,"method":"ping"})",
      R"({"jsonrpc":"2.0","id":5,"method":"tools/list","params":[1,2]})",
  };
  for (const char* text : cases) {
    json modern = json::parse(text);
    const json from_copy = to_legacy_request(modern, 99);
    const json in_place = to_legacy_request(std::move(modern), 99);
    EXPECT_EQ(in_place, from_copy) << text;
    EXPECT_EQ(in_place["id"], 99) << text;
  }
  // What the rewrite keeps and drops, on the moved-in request.
  json legacy = to_legacy_request(json::parse(cases[0]), 99);
  EXPECT_EQ(legacy["params"]["_meta"], json::parse(R"({"progressToken":99,
    "traceparent":"00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"})"));
  EXPECT_EQ(legacy["params"]["arguments"], json::parse(R"({"x":[1,{"y":2}]})"));
  EXPECT_FALSE(to_legacy_request(json::parse(cases[1]), 1)["params"].contains("_meta"));
  EXPECT_FALSE(to_legacy_request(json::parse(cases[2]), 1)["params"].contains("_meta"));
}

TEST(ToLegacy, InitializeParamsFromMeta) {
  RequestMeta meta;
  meta.protocol_version = "2026-07-28";
  meta.client_capabilities = json::parse(R"({"sampling":{},"elicitation":{"form":{}},"roots":{},
    "experimental":{"x":{}},"extensions":{"io.modelcontextprotocol/ui":{"mimeTypes":["text/html;profile=mcp-app"]},
    "io.modelcontextprotocol/tasks":{}}})");
  meta.client_info = json::parse(R"({"name":"ExampleClient","version":"1.0.0"})");
  InitializeOptions opts;
  auto p = make_initialize_params(meta, opts);
  EXPECT_EQ(p["protocolVersion"], "2025-11-25");
  EXPECT_EQ(p["clientInfo"], meta.client_info);
  // Server-to-client request capabilities only when MRTR relays them; the
  // client's extensions (MCP Apps) reach the upstream, the tasks extension
  // (the bridge's own, over legacy tasks) does not.
  EXPECT_EQ(p["capabilities"], json::parse(R"({"experimental":{"x":{}},
    "extensions":{"io.modelcontextprotocol/ui":{"mimeTypes":["text/html;profile=mcp-app"]}}})"));

  opts.forward_client_request_capabilities = true;
  auto q = make_initialize_params(meta, opts);
  EXPECT_TRUE(q["capabilities"].contains("sampling"));
  EXPECT_TRUE(q["capabilities"].contains("elicitation"));
  EXPECT_EQ(q["capabilities"]["extensions"],
            json::parse(R"({"io.modelcontextprotocol/ui":{"mimeTypes":["text/html;profile=mcp-app"]}})"));
}

TEST(ToLegacy, OnlyTheTasksExtensionLeavesNoExtensionsUpstream) {
  RequestMeta meta;
  meta.client_capabilities = json::parse(R"({"extensions":{"io.modelcontextprotocol/tasks":{}}})");
  auto p = make_initialize_params(meta, InitializeOptions{});
  EXPECT_FALSE(p["capabilities"].contains("extensions"));
}

TEST(ToLegacy, InitializeFallsBackToDefaultClientInfo) {
  RequestMeta meta;
  meta.client_info = json::parse(R"({"name":"no-version"})");
  InitializeOptions opts;
  auto p = make_initialize_params(meta, opts);
  EXPECT_EQ(p["clientInfo"], opts.default_client_info);
  EXPECT_TRUE(p["capabilities"].is_object());
}
