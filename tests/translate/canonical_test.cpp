#include "translate/canonical.hpp"

#include <gtest/gtest.h>

using mcp::translate::canonical_json;
using nlohmann::json;

TEST(Canonical, KeyOrderDoesNotMatter) {
  auto a = json::parse(R"({"sampling":{"tools":{},"context":{}},"elicitation":{"form":{},"url":{}}})");
  auto b = json::parse(R"({"elicitation":{"url":{},"form":{}},"sampling":{"context":{},"tools":{}}})");
  EXPECT_EQ(canonical_json(a), canonical_json(b));
  EXPECT_EQ(canonical_json(a), R"({"elicitation":{"form":{},"url":{}},"sampling":{"context":{},"tools":{}}})");
}

TEST(Canonical, DifferentCapabilitiesDiffer) {
  EXPECT_NE(canonical_json(json::parse(R"({"sampling":{}})")), canonical_json(json::parse(R"({})")));
  EXPECT_NE(canonical_json(json::parse(R"({"a":[1,2]})")), canonical_json(json::parse(R"({"a":[2,1]})")));
}

TEST(Canonical, NonAsciiIsEscapedTheSameWay) {
  EXPECT_EQ(canonical_json(json::parse("{\"n\":\"\\u00e9\"}")), canonical_json(json::parse("{\"n\":\"\xc3\xa9\"}")));
}
