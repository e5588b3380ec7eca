#include "translate/request_meta.hpp"

#include <gtest/gtest.h>

using namespace mcp::translate;

namespace {
json valid_params() {
  return json::parse(R"({"_meta":{
    "io.modelcontextprotocol/protocolVersion":"2026-07-28",
    "io.modelcontextprotocol/clientInfo":{"name":"c","version":"1"},
    "io.modelcontextprotocol/clientCapabilities":{"sampling":{}},
    "progressToken":"tok"}})");
}
const MetaError& error_of(const MetaResult& r) { return std::get<MetaError>(r); }
}  // namespace

TEST(RequestMeta, ReadsAllFields) {
  auto r = read_request_meta(valid_params());
  ASSERT_TRUE(std::holds_alternative<RequestMeta>(r));
  const auto& m = std::get<RequestMeta>(r);
  EXPECT_EQ(m.protocol_version, "2026-07-28");
  EXPECT_EQ(m.client_capabilities, json::parse(R"({"sampling":{}})"));
  EXPECT_EQ(m.client_info["name"], "c");
  EXPECT_EQ(m.progress_token, "tok");
  EXPECT_FALSE(m.log_level);
}

TEST(RequestMeta, ClientInfoIsOptional) {
  // clientInfo is a SHOULD: servers MUST NOT require it (conformance server-stateless).
  auto p = valid_params();
  p["_meta"].erase("io.modelcontextprotocol/clientInfo");
  auto r = read_request_meta(p);
  ASSERT_TRUE(std::holds_alternative<RequestMeta>(r));
  EXPECT_TRUE(std::get<RequestMeta>(r).client_info.is_null());
}

TEST(RequestMeta, MissingRequiredFieldsAreInvalidParams400) {
  // basic/index.mdx: missing required field -> -32602, HTTP 400.
  std::vector<json> cases{json(nullptr), json::object(), json::parse(R"({"_meta":{}})"),
                          json::parse(R"({"_meta":"x"})")};
  auto no_version = valid_params();
  no_version["_meta"].erase("io.modelcontextprotocol/protocolVersion");
  auto no_caps = valid_params();
  no_caps["_meta"].erase("io.modelcontextprotocol/clientCapabilities");
  auto caps_not_object = valid_params();
  caps_not_object["_meta"]["io.modelcontextprotocol/clientCapabilities"] = "all";
  auto version_not_string = valid_params();
  version_not_string["_meta"]["io.modelcontextprotocol/protocolVersion"] = 20260728;
  cases.insert(cases.end(), {no_version, no_caps, caps_not_object, version_not_string});
  for (const auto& c : cases) {
    auto r = read_request_meta(c);
    ASSERT_TRUE(std::holds_alternative<MetaError>(r)) << c.dump();
    EXPECT_EQ(error_of(r).code, -32602) << c.dump();
    EXPECT_EQ(error_of(r).http_status, 400u);
  }
  EXPECT_NE(error_of(read_request_meta(no_caps)).message.find("clientCapabilities"), std::string::npos);
}

TEST(RequestMeta, ValidatesLogLevelAndProgressToken) {
  auto p = valid_params();
  p["_meta"]["io.modelcontextprotocol/logLevel"] = "warning";
  EXPECT_EQ(*std::get<RequestMeta>(read_request_meta(p)).log_level, "warning");
  p["_meta"]["io.modelcontextprotocol/logLevel"] = "loud";
  EXPECT_TRUE(std::holds_alternative<MetaError>(read_request_meta(p)));
  auto q = valid_params();
  q["_meta"]["progressToken"] = json::array();
  EXPECT_TRUE(std::holds_alternative<MetaError>(read_request_meta(q)));
  q["_meta"]["progressToken"] = 5;
  EXPECT_EQ(std::get<RequestMeta>(read_request_meta(q)).progress_token, 5);
}

TEST(RequestMeta, UnsupportedVersionListsSupportedAndRequested) {
  EXPECT_FALSE(check_protocol_version("2026-07-28"));
  for (const char* v : {"v999.0.0", "2025-11-25", "1900-01-01"}) {
    auto e = check_protocol_version(v);
    ASSERT_TRUE(e) << v;
    EXPECT_EQ(e->code, -32022);
    EXPECT_EQ(e->http_status, 400u);
    EXPECT_EQ(e->data["supported"], json::array({"2026-07-28"}));
    EXPECT_EQ(e->data["requested"], v);
  }
}

TEST(RequestMeta, LogLevelRanksFollowSyslogOrder) {
  EXPECT_LT(log_level_rank("debug"), log_level_rank("info"));
  EXPECT_LT(log_level_rank("warning"), log_level_rank("error"));
  EXPECT_EQ(log_level_rank("emergency"), 7);
  EXPECT_EQ(log_level_rank("verbose"), -1);
}
