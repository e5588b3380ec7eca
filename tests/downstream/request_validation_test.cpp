// Every HTTP-level rule of the 2026-07-28 Streamable HTTP server, without sockets.
#include "downstream/request_validation.hpp"

#include <gtest/gtest.h>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include "translate/header_value.hpp"

namespace http = boost::beast::http;
using namespace mcp::downstream;
using json = nlohmann::json;

namespace {

json meta(std::string version = "2026-07-28") {
  return {{"io.modelcontextprotocol/protocolVersion", version},
          {"io.modelcontextprotocol/clientCapabilities", json::object()}};
}

json tools_call(std::string name, json id = 7) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"method", "tools/call"},
          {"params", {{"name", name}, {"arguments", json::object()}, {"_meta", meta()}}}};
}

HttpRequest post(const json& body = json::object()) {
  HttpRequest req{http::verb::post, "/mcp", 11};
  req.set(http::field::host, "127.0.0.1:8080");
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "application/json, text/event-stream");
  req.body() = body.dump();
  return req;
}

// A request with correct standard headers for `body`.
HttpRequest valid_post(const json& body) {
  auto req = post(body);
  req.set("MCP-Protocol-Version", "2026-07-28");
  req.set("Mcp-Method", body["method"].get<std::string>());
  if (body["method"] == "tools/call" || body["method"] == "prompts/get")
    req.set("Mcp-Name", mcp::translate::encode_header_value(body["params"]["name"].get<std::string>()));
  if (body["method"] == "resources/read")
    req.set("Mcp-Name", mcp::translate::encode_header_value(body["params"]["uri"].get<std::string>()));
  return req;
}

void expect_mismatch(const std::optional<Rejection>& r, const json& id) {
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400u);
  EXPECT_EQ(r->body["error"]["code"], -32020);
  EXPECT_EQ(r->body["id"], id);
}

AccessPolicy default_policy() { return make_access_policy("127.0.0.1", {}, {}); }

}  // namespace

// --- routing: POST only on /mcp, 404 elsewhere
TEST(Route, PostOnMcpIsAccepted) {
  auto r = route(post());
  ASSERT_TRUE(std::holds_alternative<Endpoint>(r));
  EXPECT_EQ(std::get<Endpoint>(r), Endpoint::Mcp);
}

TEST(Route, QueryStringIsIgnored) {
  auto req = post();
  req.target("/mcp?x=1");
  EXPECT_TRUE(std::holds_alternative<Endpoint>(route(req)));
}

TEST(Route, GetAndDeleteOnMcpAre405WithAllowPost) {
  for (auto verb : {http::verb::get, http::verb::delete_, http::verb::put}) {
    auto req = post();
    req.method(verb);
    auto r = route(req);
    ASSERT_TRUE(std::holds_alternative<Rejection>(r));
    EXPECT_EQ(std::get<Rejection>(r).status, 405u);
    EXPECT_EQ(std::get<Rejection>(r).allow, "POST");
  }
}

TEST(Route, OtherPathsAre404) {
  auto req = post();
  req.target("/sse");
  auto r = route(req);
  ASSERT_TRUE(std::holds_alternative<Rejection>(r));
  EXPECT_EQ(std::get<Rejection>(r).status, 404u);
}

TEST(Route, HealthzTakesGetOnly) {
  auto req = post();
  req.target("/healthz");
  EXPECT_EQ(std::get<Rejection>(route(req)).status, 405u);
  req.method(http::verb::get);
  EXPECT_EQ(std::get<Endpoint>(route(req)), Endpoint::Healthz);
}

// --- DNS rebinding: Host and Origin
TEST(OriginHost, LoopbackHostsAreAccepted) {
  for (const char* host : {"localhost", "localhost:3000", "127.0.0.1:8080", "[::1]:8080", "LOCALHOST"}) {
    auto req = post();
    req.set(http::field::host, host);
    EXPECT_FALSE(check_origin_and_host(req, default_policy())) << host;
  }
}

TEST(OriginHost, ForeignHostIs403WithJsonRpcErrorWithoutId) {
  auto req = post();
  req.set(http::field::host, "evil.example.com");
  auto r = check_origin_and_host(req, default_policy());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403u);
  EXPECT_EQ(r->body["jsonrpc"], "2.0");
  EXPECT_FALSE(r->body.contains("id"));
  EXPECT_TRUE(r->body["error"].contains("code"));
}

// Found by fuzz_http_request: header bytes quoted back in the error message
// made dump() throw on the response path. The message is valid and bounded.
TEST(OriginHost, HostQuotedBackIsValidUtf8AndBounded) {
  auto req = post();
  req.set(http::field::host, "calhos\x86" + std::string(1000, 'x'));
  auto r = check_origin_and_host(req, default_policy());
  ASSERT_TRUE(r);
  const std::string message = r->body["error"]["message"];
  EXPECT_NO_THROW((void)r->body.dump());
  EXPECT_NE(message.find("calhos\xEF\xBF\xBD"), std::string::npos) << message;  // U+FFFD
  EXPECT_LT(message.size(), 400u);
}

TEST(ContentNegotiation, ContentTypeQuotedBackIsValidUtf8) {
  auto req = post();
  req.set(http::field::content_type, "applicat\x89\x89ion/json");
  auto r = check_content_negotiation(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415u);
  EXPECT_NO_THROW((void)r->body.dump());
}

TEST(OriginHost, MissingHostIs403) {
  auto req = post();
  req.erase(http::field::host);
  EXPECT_EQ(check_origin_and_host(req, default_policy())->status, 403u);
}

TEST(OriginHost, ForeignOriginIs403EvenWithLoopbackHost) {
  auto req = post();
  req.set(http::field::origin, "http://evil.example.com");
  EXPECT_EQ(check_origin_and_host(req, default_policy())->status, 403u);
  req.set(http::field::origin, "null");
  EXPECT_EQ(check_origin_and_host(req, default_policy())->status, 403u);
}

TEST(OriginHost, LoopbackOriginIsAccepted) {
  auto req = post();
  req.set(http::field::origin, "http://localhost:5173");
  EXPECT_FALSE(check_origin_and_host(req, default_policy()));
}

TEST(OriginHost, ConfiguredHostAndOriginAreAccepted) {
  auto policy = make_access_policy("10.0.0.5", {"mcp.example.com"}, {"https://app.example.com/"});
  auto req = post();
  req.set(http::field::host, "mcp.example.com");
  req.set(http::field::origin, "https://app.example.com");
  EXPECT_FALSE(check_origin_and_host(req, policy));
  req.set(http::field::host, "10.0.0.5:8080");  // the listen address
  EXPECT_FALSE(check_origin_and_host(req, policy));
  req.set(http::field::origin, "https://other.example.com");
  EXPECT_EQ(check_origin_and_host(req, policy)->status, 403u);
}

TEST(OriginHost, WildcardHostDisablesHostCheckButNotOriginCheck) {
  auto policy = make_access_policy("0.0.0.0", {"*"}, {});
  auto req = post();
  req.set(http::field::host, "anything.example");
  EXPECT_FALSE(check_origin_and_host(req, policy));
  req.set(http::field::origin, "http://evil.example.com");
  EXPECT_EQ(check_origin_and_host(req, policy)->status, 403u);
}

// --- Content-Type (415) and Accept (406)
TEST(ContentNegotiation, JsonWithCharsetIsAccepted) {
  auto req = post();
  req.set(http::field::content_type, "Application/JSON; charset=utf-8");
  EXPECT_FALSE(check_content_negotiation(req));
}

TEST(ContentNegotiation, OtherContentTypeIs415) {
  auto req = post();
  req.set(http::field::content_type, "text/plain");
  EXPECT_EQ(check_content_negotiation(req)->status, 415u);
  req.erase(http::field::content_type);
  EXPECT_EQ(check_content_negotiation(req)->status, 415u);
}

TEST(ContentNegotiation, AcceptMustAdmitJsonAndEventStream) {
  auto req = post();
  req.set(http::field::accept, "application/json");
  EXPECT_EQ(check_content_negotiation(req)->status, 406u);
  req.set(http::field::accept, "text/event-stream");
  EXPECT_EQ(check_content_negotiation(req)->status, 406u);
  req.set(http::field::accept, "text/event-stream, application/json");
  EXPECT_FALSE(check_content_negotiation(req));
  req.set(http::field::accept, "*/*");
  EXPECT_FALSE(check_content_negotiation(req));
  req.set(http::field::accept, "application/*, text/*;q=0.5");
  EXPECT_FALSE(check_content_negotiation(req));
  req.set(http::field::accept, "application/json, text/event-stream;q=0");
  EXPECT_EQ(check_content_negotiation(req)->status, 406u);
  req.erase(http::field::accept);  // absent = */*
  EXPECT_FALSE(check_content_negotiation(req));
}

TEST(ContentNegotiation, MediaRangesAndQAreReadIgnoringCase) {
  auto req = post();
  req.set(http::field::accept, "Application/JSON, TEXT/Event-Stream");
  EXPECT_FALSE(check_content_negotiation(req));
  req.set(http::field::accept, "APPLICATION/*, Text/Event-Stream; Q=0.0");
  EXPECT_EQ(check_content_negotiation(req)->status, 406u);
  req.set(http::field::accept, "application/json, text/event-stream; Q = 0");  // not "q=": the range stands
  EXPECT_FALSE(check_content_negotiation(req));
  req.set(http::field::accept, "application/jsonx, text/event-stream");  // a longer subtype is another one
  EXPECT_EQ(check_content_negotiation(req)->status, 406u);
  req.set(http::field::content_type, "application/json-seq");
  EXPECT_EQ(check_content_negotiation(req)->status, 415u);
  req.set(http::field::content_type, " APPLICATION/JSON ;charset=utf-8");
  req.set(http::field::accept, "application/json, text/event-stream");
  EXPECT_FALSE(check_content_negotiation(req));
}

// --- JSON parse error
TEST(ParseBody, InvalidJsonIs400ParseErrorWithNullId) {
  auto r = parse_body("{not json");
  ASSERT_TRUE(std::holds_alternative<Rejection>(r));
  auto& rej = std::get<Rejection>(r);
  EXPECT_EQ(rej.status, 400u);
  EXPECT_EQ(rej.body["error"]["code"], -32700);
  EXPECT_TRUE(rej.body["id"].is_null());
  EXPECT_TRUE(std::holds_alternative<json>(parse_body(R"({"jsonrpc":"2.0"})")));
}

// --- standard headers
TEST(StandardHeaders, ValidRequestPasses) {
  auto body = tools_call("get_weather");
  EXPECT_FALSE(check_standard_headers(valid_post(body), body));
  json list = {{"jsonrpc", "2.0"}, {"id", "a"}, {"method", "tools/list"}, {"params", {{"_meta", meta()}}}};
  EXPECT_FALSE(check_standard_headers(valid_post(list), list));
  json read = {{"jsonrpc", "2.0"},
               {"id", 1},
               {"method", "resources/read"},
               {"params", {{"uri", "file:///x.json"}, {"_meta", meta()}}}};
  EXPECT_FALSE(check_standard_headers(valid_post(read), read));
}

TEST(StandardHeaders, MissingProtocolVersionHeader) {
  auto body = tools_call("t");
  auto req = valid_post(body);
  req.erase("MCP-Protocol-Version");
  expect_mismatch(check_standard_headers(req, body), 7);
}

TEST(StandardHeaders, ProtocolVersionHeaderMustEqualBodyMeta) {
  auto body = tools_call("t");
  body["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = "v999.0.0";
  expect_mismatch(check_standard_headers(valid_post(body), body), 7);
}

TEST(StandardHeaders, UnsupportedButConsistentVersionIsLeftToTheBridge) {
  auto body = tools_call("t");
  body["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = "v999.0.0";
  auto req = valid_post(body);
  req.set("MCP-Protocol-Version", "v999.0.0");
  EXPECT_FALSE(check_standard_headers(req, body));  // bridge answers -32022
}

TEST(StandardHeaders, MissingBodyMetaIsLeftToTheBridge) {
  json body = {{"jsonrpc", "2.0"}, {"id", 101}, {"method", "server/discover"}, {"params", json::object()}};
  EXPECT_FALSE(check_standard_headers(valid_post(body), body));  // bridge answers -32602
}

TEST(StandardHeaders, MethodHeaderMissingOrDifferentOrWrongCase) {
  json body = {{"jsonrpc", "2.0"}, {"id", "x"}, {"method", "tools/list"}, {"params", {{"_meta", meta()}}}};
  auto req = valid_post(body);
  req.erase("Mcp-Method");
  expect_mismatch(check_standard_headers(req, body), "x");
  req.set("Mcp-Method", "prompts/list");
  expect_mismatch(check_standard_headers(req, body), "x");
  req.set("Mcp-Method", "TOOLS/LIST");  // values are case-sensitive
  expect_mismatch(check_standard_headers(req, body), "x");
}

TEST(StandardHeaders, HeaderNamesAreCaseInsensitive) {
  json body = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}, {"params", {{"_meta", meta()}}}};
  auto req = post(body);
  req.set("mcp-protocol-version", "2026-07-28");
  req.set("MCP-METHOD", "tools/list");
  EXPECT_FALSE(check_standard_headers(req, body));
}

TEST(StandardHeaders, WhitespaceAroundValuesIsIgnored) {
  auto body = tools_call("echo");
  auto req = valid_post(body);
  req.set("Mcp-Name", "  echo  ");
  EXPECT_FALSE(check_standard_headers(req, body));
}

TEST(StandardHeaders, NameHeaderMissingOrDifferent) {
  auto body = tools_call("echo");
  auto req = valid_post(body);
  req.erase("Mcp-Name");
  expect_mismatch(check_standard_headers(req, body), 7);
  req.set("Mcp-Name", "wrong_tool_name");
  expect_mismatch(check_standard_headers(req, body), 7);
}

TEST(StandardHeaders, NameHeaderForPromptsGetAndResourcesRead) {
  json prompt = {{"jsonrpc", "2.0"}, {"id", 2}, {"method", "prompts/get"}, {"params", {{"name", "p"}, {"_meta", meta()}}}};
  auto req = valid_post(prompt);
  req.set("Mcp-Name", "q");
  expect_mismatch(check_standard_headers(req, prompt), 2);
  json read = {{"jsonrpc", "2.0"}, {"id", 3}, {"method", "resources/read"}, {"params", {{"uri", "test://a"}, {"_meta", meta()}}}};
  req = valid_post(read);
  req.set("Mcp-Name", "test://b");
  expect_mismatch(check_standard_headers(req, read), 3);
}

TEST(StandardHeaders, Base64SentinelIsDecodedBeforeComparing) {
  auto body = tools_call("Hello, 世界");
  auto req = valid_post(body);
  req.set("Mcp-Name", "=?base64?SGVsbG8sIOS4lueVjA==?=");
  EXPECT_FALSE(check_standard_headers(req, body));
  req.set("Mcp-Name", "=?base64?SGVsbG8?=");  // "Hello": valid Base64, different value
  expect_mismatch(check_standard_headers(req, body), 7);
  req.set("Mcp-Name", "=?base64?SGVs!!!bG8=?=");  // not Base64
  expect_mismatch(check_standard_headers(req, body), 7);
}

TEST(StandardHeaders, SentinelLookalikeWithoutSuffixIsLiteral) {
  auto body = tools_call("=?base64?SGVsbG8=");
  auto req = valid_post(body);
  req.set("Mcp-Name", "=?base64?SGVsbG8=");
  EXPECT_FALSE(check_standard_headers(req, body));
}

TEST(StandardHeaders, RepeatedHeaderIsAMismatch) {
  auto body = tools_call("t");
  auto req = valid_post(body);
  req.insert("Mcp-Method", "tools/call");
  expect_mismatch(check_standard_headers(req, body), 7);
}

TEST(StandardHeaders, NotificationsAreCheckedOnlyForHeadersTheyCarry) {
  json n = {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}};
  auto req = post(n);
  EXPECT_FALSE(check_standard_headers(req, n));
  req.set("Mcp-Method", "notifications/other");
  auto r = check_standard_headers(req, n);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body["error"]["code"], -32020);
}

// --- collected headers
TEST(Collect, AuthorizationTraceAndParamHeaders) {
  auto body = tools_call("execute_sql");
  auto req = valid_post(body);
  req.set(http::field::authorization, "Bearer abc");
  req.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  req.set("tracestate", "congo=t61rcWkgMzE");
  req.set("baggage", "userId=alice");
  req.set("Mcp-Param-Region", " us-west1 ");
  req.set("MCP-PARAM-Greeting", "=?base64?SGVsbG8sIOS4lueVjA==?=");
  req.set("Mcp-Session-Id", "ignored");
  auto d = collect_request(req, body);
  EXPECT_EQ(d.message, body);
  EXPECT_TRUE(d.via_http);
  EXPECT_EQ(d.authorization, "Bearer abc");
  EXPECT_EQ(d.trace_headers.size(), 3u);
  EXPECT_EQ(d.trace_headers["tracestate"], "congo=t61rcWkgMzE");
  ASSERT_EQ(d.param_headers.size(), 2u);
  EXPECT_EQ(d.param_headers["region"], "us-west1");
  EXPECT_EQ(d.param_headers["greeting"], "=?base64?SGVsbG8sIOS4lueVjA==?=");  // the bridge decodes
}

// --- read errors -> status
TEST(ReadErrors, LimitsAndTimeoutsMapToStatuses) {
  EXPECT_EQ(rejection_for_read_error(http::error::body_limit, true)->status, 413u);
  EXPECT_EQ(rejection_for_read_error(http::error::header_limit, true)->status, 431u);
  EXPECT_EQ(rejection_for_read_error(boost::beast::error::timeout, true)->status, 408u);
  EXPECT_FALSE(rejection_for_read_error(boost::beast::error::timeout, false));  // idle keep-alive: just close
  EXPECT_FALSE(rejection_for_read_error(http::error::end_of_stream, false));
  EXPECT_EQ(rejection_for_read_error(http::error::bad_method, true)->status, 400u);
}
