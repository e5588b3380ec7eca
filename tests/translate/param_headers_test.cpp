#include "translate/param_headers.hpp"

#include <gtest/gtest.h>

using namespace mcp::translate;

namespace {
// streamable-http.mdx "Example tool definition", plus integer/boolean/nested params.
const json kTool = json::parse(R"({
  "name":"execute_sql",
  "inputSchema":{"type":"object","properties":{
    "region":{"type":"string","x-mcp-header":"Region"},
    "limit":{"type":"integer","x-mcp-header":"Limit"},
    "dry":{"type":"boolean","x-mcp-header":"Dry-Run"},
    "target":{"type":"object","properties":{"zone":{"type":"string","x-mcp-header":"Zone"}}},
    "items":{"type":"array","items":{"type":"object","properties":{"x":{"type":"string","x-mcp-header":"Hidden"}}}},
    "query":{"type":"string"}},
  "required":["region","query"]}})");

using Headers = std::map<std::string, std::string>;
}  // namespace

TEST(ParamHeaders, CollectsOnlyStaticallyReachableAnnotations) {
  auto params = header_params(kTool["inputSchema"]);
  std::vector<std::string> names;
  for (const auto& p : params) names.push_back(p.header_name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"Dry-Run", "Limit", "Region", "Zone"}));  // not the one under items
}

TEST(ParamHeaders, MatchingHeadersPass) {
  auto args = json::parse(R"({"region":"us-west1","query":"SELECT 1","limit":42,"dry":false,"target":{"zone":"b"}})");
  EXPECT_FALSE(validate_param_headers(
      kTool, args, Headers{{"region", "us-west1"}, {"limit", "42"}, {"dry-run", "false"}, {"zone", "b"}}));
}

TEST(ParamHeaders, HeaderMissingButValueInBody) {
  auto args = json::parse(R"({"region":"us-west1","query":"q"})");
  auto e = validate_param_headers(kTool, args, Headers{});
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("Mcp-Param-Region"), std::string::npos);
}

TEST(ParamHeaders, NullOrAbsentValueExpectsNoHeader) {
  EXPECT_FALSE(validate_param_headers(kTool, json::parse(R"({"region":null,"query":"q"})"), Headers{}));
  EXPECT_FALSE(validate_param_headers(kTool, json::parse(R"({"query":"q"})"), Headers{}));
  // ...and a header with no body value does not match the body.
  EXPECT_TRUE(validate_param_headers(kTool, json::parse(R"({"query":"q"})"), Headers{{"region", "us-west1"}}));
}

TEST(ParamHeaders, DifferentValueIsMismatch) {
  auto e = validate_param_headers(kTool, json::parse(R"({"region":"us-west1"})"), Headers{{"region", "eu-west1"}});
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("does not match"), std::string::npos);
  // Header values are case-sensitive.
  EXPECT_TRUE(validate_param_headers(kTool, json::parse(R"({"region":"us-west1"})"), Headers{{"region", "US-WEST1"}}));
}

TEST(ParamHeaders, IntegersCompareNumerically) {
  // Server Validation note: 42.0 and 42 are equal.
  EXPECT_FALSE(validate_param_headers(kTool, json::parse(R"({"limit":42})"), Headers{{"limit", "42.0"}}));
  EXPECT_FALSE(validate_param_headers(kTool, json::parse(R"({"limit":-7})"), Headers{{"limit", "-7"}}));
  EXPECT_TRUE(validate_param_headers(kTool, json::parse(R"({"limit":42})"), Headers{{"limit", "43"}}));
  EXPECT_TRUE(validate_param_headers(kTool, json::parse(R"({"limit":42})"), Headers{{"limit", "42abc"}}));
  EXPECT_TRUE(validate_param_headers(kTool, json::parse(R"({"limit":42})"), Headers{{"limit", " 42"}}));
}

TEST(ParamHeaders, BooleansAreLowercase) {
  EXPECT_FALSE(validate_param_headers(kTool, json::parse(R"({"dry":true})"), Headers{{"dry-run", "true"}}));
  EXPECT_TRUE(validate_param_headers(kTool, json::parse(R"({"dry":true})"), Headers{{"dry-run", "True"}}));
  EXPECT_TRUE(validate_param_headers(kTool, json::parse(R"({"dry":true})"), Headers{{"dry-run", "1"}}));
}

TEST(ParamHeaders, Base64SentinelIsDecodedBeforeComparing) {
  // "Hello, 世界" from the Value Encoding table.
  auto args = json{{"region", "Hello, \xe4\xb8\x96\xe7\x95\x8c"}};
  EXPECT_FALSE(validate_param_headers(kTool, args, Headers{{"region", "=?base64?SGVsbG8sIOS4lueVjA==?="}}));
  EXPECT_FALSE(validate_param_headers(kTool, json{{"region", "Hello"}}, Headers{{"region", "=?base64?SGVsbG8=?="}}));
  // Invalid padding / characters -> reject.
  EXPECT_TRUE(validate_param_headers(kTool, json{{"region", "Hello"}}, Headers{{"region", "=?base64?SGVsbG8?="}}));
  EXPECT_TRUE(validate_param_headers(kTool, json{{"region", "Hello"}}, Headers{{"region", "=?base64?SGVs!!!bG8=?="}}));
  // Without the full wrapper the value is literal.
  EXPECT_FALSE(validate_param_headers(kTool, json{{"region", "SGVsbG8="}}, Headers{{"region", "SGVsbG8="}}));
  EXPECT_FALSE(
      validate_param_headers(kTool, json{{"region", "=?base64?SGVsbG8="}}, Headers{{"region", "=?base64?SGVsbG8="}}));
}

TEST(ParamHeaders, InvalidCharactersAreRejected) {
  auto e = validate_param_headers(kTool, json{{"region", "a\nb"}}, Headers{{"region", "a\nb"}});
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("invalid"), std::string::npos);
}

TEST(ParamHeaders, NestedPropertyPath) {
  EXPECT_FALSE(validate_param_headers(kTool, json::parse(R"({"target":{"zone":"b"}})"), Headers{{"zone", "b"}}));
  EXPECT_TRUE(validate_param_headers(kTool, json::parse(R"({"target":{"zone":"b"}})"), Headers{}));
}

TEST(ParamHeaders, UnannotatedHeadersAreIgnoredAndToolsWithoutSchemaPass) {
  EXPECT_FALSE(validate_param_headers(kTool, json::parse(R"({"query":"q"})"), Headers{{"other", "x"}}));
  EXPECT_FALSE(validate_param_headers(json::parse(R"({"name":"t"})"), json::object(), Headers{{"region", "x"}}));
}
