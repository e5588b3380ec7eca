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
