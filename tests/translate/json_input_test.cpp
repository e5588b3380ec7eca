// translate::parse_json: bounded nesting and the invalid-UTF-8 policies.
#include "translate/json_input.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mcp::translate {
namespace {

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonInput, ParsesOrdinaryMessages) {
  auto p = parse_json(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_EQ(p.value["method"], "ping");
}

TEST(JsonInput, NotJsonIsAnError) {
  auto p = parse_json(R"({"jsonrpc":"2.0",)");
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.value.is_discarded());
  EXPECT_EQ(p.error, "not valid JSON");
}

TEST(JsonInput, NestingUpToTheBoundIsAccepted) {
  auto p = parse_json(nested_arrays(kMaxJsonDepth));
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_TRUE(p.value.is_array());
}

TEST(JsonInput, NestingPastTheBoundIsRefused) {
  auto p = parse_json(nested_arrays(kMaxJsonDepth + 1));
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.value.is_discarded());
  EXPECT_NE(p.error.find("nested deeper than"), std::string::npos) << p.error;
}

// 100000 levels inside an otherwise valid message: refused without building
// (or later copying) the deep value; before the bound this crashed the bridge.
TEST(JsonInput, VeryDeepNestingInsideAMessageIsRefused) {
  const std::string text = R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{"a":)" +
                           nested_arrays(100000) + "}}}";
  auto p = parse_json(text);
  EXPECT_FALSE(p.ok());
  EXPECT_TRUE(p.value.is_discarded());
  auto unclosed = parse_json(std::string(100000, '['));
  EXPECT_FALSE(unclosed.ok());
}

// The depth counts containers, objects and arrays alike, and closes with them:
// siblings at the bound are as fine as one chain.
TEST(JsonInput, TheBoundCountsOpenContainersOnly) {
  std::string deep_objects;
  for (std::size_t i = 0; i + 1 < kMaxJsonDepth; ++i) deep_objects += "{\"k\":";
  EXPECT_TRUE(parse_json(deep_objects + "[]" + std::string(kMaxJsonDepth - 1, '}')).ok());
  EXPECT_FALSE(parse_json(deep_objects + "[[]]" + std::string(kMaxJsonDepth - 1, '}')).ok());
  const std::string sibling = nested_arrays(kMaxJsonDepth - 1);
  auto p = parse_json("[" + sibling + "," + sibling + "," + sibling + "]");
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_EQ(p.value.size(), 3u);
}

TEST(JsonInput, TrailingBytesEmptyTextAndScalars) {
  EXPECT_EQ(parse_json("{} x").error, "not valid JSON");
  EXPECT_EQ(parse_json("{}{}").error, "not valid JSON");
  EXPECT_EQ(parse_json("").error, "not valid JSON");
  EXPECT_TRUE(parse_json(" {} \n").ok());
  auto n = parse_json("42");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value, 42);
}

TEST(JsonInput, InvalidUtf8IsRejectedForClients) {
  auto p = parse_json("{\"text\":\"caf\xE9\"}");
  EXPECT_FALSE(p.ok());
}

TEST(JsonInput, InvalidUtf8IsReplacedForUpstreams) {
  auto p = parse_json("{\"text\":\"caf\xE9 \xFF ok\"}", InvalidUtf8::Replace);
  ASSERT_TRUE(p.ok()) << p.error;
  EXPECT_EQ(p.value["text"], "caf\xEF\xBF\xBD \xEF\xBF\xBD ok");
}

TEST(JsonInput, ReplacingDoesNotRescueJsonThatIsBrokenOtherwise) {
  EXPECT_FALSE(parse_json("{\"text\":\"caf\xE9\"", InvalidUtf8::Replace).ok());
  EXPECT_FALSE(parse_json("[\"\xFF\"," + nested_arrays(kMaxJsonDepth + 1) + "]", InvalidUtf8::Replace).ok());
}

}  // namespace
}  // namespace mcp::translate
