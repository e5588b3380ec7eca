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

TEST(Canonical, AppendWritesTheSameBytesAsDumpAfterWhatIsThere) {
  // The bytes a signed requestState's params digest depends on: json::dump(-1, ' ', true).
  const auto value = json::parse(R"({"b":[1,2.5,-3e-7,true,null,"x\"y"],"a":{"\u00e9":"\u2603","z":{}},"n":1e300})");
  std::string out = "prefix:";
  mcp::translate::append_canonical_json(out, value);
  EXPECT_EQ(out, "prefix:" + value.dump(-1, ' ', true));
  mcp::translate::append_canonical_json(out, json("tail"));
  EXPECT_EQ(out, "prefix:" + value.dump(-1, ' ', true) + "\"tail\"");
}

TEST(Canonical, InvalidUtf8ThrowsAndTheNextTextIsUnaffected) {
  std::string out;
  EXPECT_THROW(mcp::translate::append_canonical_json(out, json(std::string("\xff\xfe"))), json::type_error);
  EXPECT_EQ(canonical_json(json::parse(R"({"k":"v"})")), R"({"k":"v"})");
}
