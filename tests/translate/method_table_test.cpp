#include "translate/method_table.hpp"

#include <gtest/gtest.h>

using namespace mcp::translate;

TEST(MethodTable, DiscoverIsSynthesizedAndCacheable) {
  auto m = lookup_method("server/discover");
  EXPECT_EQ(m.route, MethodRoute::Synthesize);
  EXPECT_TRUE(m.cacheable);
}

TEST(MethodTable, CacheableMethodsMatchCachingPage) {
  // server/utilities/caching.mdx "Cacheable Results".
  for (const char* method :
       {"tools/list", "prompts/list", "resources/list", "resources/templates/list", "resources/read"}) {
    auto m = lookup_method(method);
    EXPECT_EQ(m.route, MethodRoute::Forward) << method;
    EXPECT_TRUE(m.cacheable) << method;
  }
  for (const char* method : {"tools/call", "prompts/get", "completion/complete"}) {
    auto m = lookup_method(method);
    EXPECT_EQ(m.route, MethodRoute::Forward) << method;
    EXPECT_FALSE(m.cacheable) << method;
  }
}

TEST(MethodTable, RequiredCapabilities) {
  EXPECT_EQ(lookup_method("tools/call").required_capability, "tools");
  EXPECT_EQ(lookup_method("resources/templates/list").required_capability, "resources");
  EXPECT_EQ(lookup_method("prompts/get").required_capability, "prompts");
  EXPECT_EQ(lookup_method("completion/complete").required_capability, "completions");
}

TEST(MethodTable, RemovedMethods) {
  // changelog.mdx + conformance server-stateless removed-method probes.
  for (const char* method : {"initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe",
                             "notifications/initialized", "tasks/result", "tasks/list"}) {
    auto m = lookup_method(method);
    EXPECT_EQ(m.route, MethodRoute::Removed) << method;
    EXPECT_NE(method_not_found_message(method, m.route).find("removed"), std::string::npos);
  }
}

TEST(MethodTable, UnknownAndUnsupported) {
  EXPECT_EQ(lookup_method("unknown/method").route, MethodRoute::Unknown);
  EXPECT_EQ(lookup_method("Tools/List").route, MethodRoute::Unknown);  // method names are case-sensitive
  EXPECT_EQ(lookup_method("subscriptions/listen").route, MethodRoute::Listen);
  EXPECT_EQ(method_not_found_message("unknown/method", MethodRoute::Unknown), "Method not found: unknown/method");
}

// With io.modelcontextprotocol/tasks, tasks/get|update|cancel are extension
// methods (the bridge serves them when the extension applies).
TEST(MethodTable, TaskExtensionMethods) {
  for (const char* method : {"tasks/get", "tasks/update", "tasks/cancel"})
    EXPECT_EQ(lookup_method(method).route, MethodRoute::Extension) << method;
}
