// Starts the real mcp-legacy-sample binary (over HTTP on an ephemeral
// loopback port, and over stdio pipes) and speaks MCP 2025-11-25 to it.
#include "child_process.hpp"
#include "http_test_client.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>

namespace sample_test {
namespace {

using namespace std::chrono_literals;

const std::string kBinary = MCP_LEGACY_SAMPLE_PATH;

json request(int id, const std::string& method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

json initialize_params(const std::string& version = "2025-11-25", json capabilities = json::object()) {
  return {{"protocolVersion", version},
          {"capabilities", std::move(capabilities)},
          {"clientInfo", {{"name", "legacy-sample-test"}, {"version", "1.0.0"}}}};
}

bool has_tool(const json& result, const std::string& name) {
  for (const auto& tool : result["tools"])
    if (tool["name"] == name) return true;
  return false;
}

// The JSON-RPC response in a POST answer, whether JSON or SSE.
json response_message(const HttpResponse& response) {
  if (response.header("content-type").rfind("text/event-stream", 0) == 0) {
    for (auto& message : sse_messages(response.body))
      if (message.contains("result") || message.contains("error")) return message;
    return nullptr;
  }
  return json::parse(response.body, nullptr, false);
}

class HttpSample : public ::testing::Test {
 protected:
  void SetUp() override {
    process_ = std::make_unique<ChildProcess>(std::vector<std::string>{kBinary, "--http", "127.0.0.1:0"});
    auto line = process_->read_line(10s);
    ASSERT_TRUE(line.has_value()) << "the sample did not print its port";
    const std::string prefix = "listening on 127.0.0.1:";
    ASSERT_EQ(line->rfind(prefix, 0), 0u) << *line;
    port_ = static_cast<std::uint16_t>(std::stoi(line->substr(prefix.size())));
    ASSERT_GT(port_, 0);
  }
  void TearDown() override {
    if (process_) {
      process_->terminate();
      EXPECT_EQ(process_->wait_exit(5s), 0) << "the sample did not stop cleanly on SIGTERM";
    }
  }

  HttpResponse post(const json& message, Headers headers = {}) {
    if (!session_.empty()) {
      headers.emplace_back("Mcp-Session-Id", session_);
      headers.emplace_back("MCP-Protocol-Version", "2025-11-25");
    }
    return http_exchange(port_, http::verb::post, message.dump(), headers);
  }

  // initialize + notifications/initialized; leaves session_ set.
  json initialize(json capabilities = json::object()) {
    auto response = post(request(1, "initialize", initialize_params("2025-11-25", std::move(capabilities))));
    EXPECT_EQ(response.status, 200u);
    session_ = response.header("mcp-session-id");
    EXPECT_FALSE(session_.empty());
    auto initialized = post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
    EXPECT_EQ(initialized.status, 202u);
    return response_message(response);
  }

  std::unique_ptr<ChildProcess> process_;
  std::uint16_t port_ = 0;
  std::string session_;
};

TEST_F(HttpSample, InitializeListAndCallTool) {
  json init = initialize();
  EXPECT_EQ(init["result"]["protocolVersion"], "2025-11-25");
  EXPECT_TRUE(init["result"]["capabilities"].contains("logging"));
  EXPECT_EQ(init["result"]["serverInfo"]["name"], "mcp-legacy-sample");

  auto list = post(request(2, "tools/list"));
  ASSERT_EQ(list.status, 200u);
  json tools = response_message(list);
  EXPECT_TRUE(has_tool(tools["result"], "test_simple_text"));
  EXPECT_TRUE(has_tool(tools["result"], "test_sampling"));
  EXPECT_TRUE(has_tool(tools["result"], "json_schema_2020_12_tool"));

  auto call = post(request(3, "tools/call", {{"name", "test_simple_text"}, {"arguments", json::object()}}));
  ASSERT_EQ(call.status, 200u);
  EXPECT_EQ(call.header("content-type"), "application/json");
  json result = response_message(call);
  EXPECT_EQ(result["id"], 3);
  EXPECT_EQ(result["result"]["content"][0]["text"], "This is a simple text response for testing.");
}

TEST_F(HttpSample, SessionIsRequiredAndEndsWithDelete) {
  initialize();
  auto missing = http_exchange(port_, http::verb::post, request(2, "tools/list").dump());
  EXPECT_EQ(missing.status, 400u);
  auto unknown = http_exchange(port_, http::verb::post, request(2, "tools/list").dump(), {{"Mcp-Session-Id", "nope"}});
  EXPECT_EQ(unknown.status, 404u);
  auto bad_version = http_exchange(port_, http::verb::post, request(2, "tools/list").dump(),
                                   {{"Mcp-Session-Id", session_}, {"MCP-Protocol-Version", "1999-01-01"}});
  EXPECT_EQ(bad_version.status, 400u);

  auto deleted = http_exchange(port_, http::verb::delete_, "", {{"Mcp-Session-Id", session_}});
  EXPECT_EQ(deleted.status, 200u);
  auto after = post(request(3, "tools/list"));
  EXPECT_EQ(after.status, 404u);
}

TEST_F(HttpSample, RejectsForeignOriginAndHost) {
  auto body = request(1, "initialize", initialize_params()).dump();
  EXPECT_EQ(http_exchange(port_, http::verb::post, body, {{"Origin", "http://evil.example.com"}}).status, 403u);
  EXPECT_EQ(http_exchange(port_, http::verb::post, body, {{"Host", "evil.example.com"}}).status, 403u);
  auto local = http_exchange(port_, http::verb::post, body,
                             {{"Origin", "http://localhost:" + std::to_string(port_)}});
  EXPECT_EQ(local.status, 200u);
}

TEST_F(HttpSample, NegotiatesProtocolVersion) {
  auto older = http_exchange(port_, http::verb::post, request(1, "initialize", initialize_params("2025-06-18")).dump());
  EXPECT_EQ(response_message(older)["result"]["protocolVersion"], "2025-06-18");
  auto unknown = http_exchange(port_, http::verb::post, request(1, "initialize", initialize_params("1999-01-01")).dump());
  EXPECT_EQ(response_message(unknown)["result"]["protocolVersion"], "2025-11-25");
}

TEST_F(HttpSample, LimitsBodySize) {
  std::string huge(2 * 1024 * 1024, ' ');
  auto response = http_exchange(port_, http::verb::post, huge);
  EXPECT_EQ(response.status, 413u);
}

TEST_F(HttpSample, ProgressTokenGetsAnSseStream) {
  initialize();
  auto call = post(request(2, "tools/call",
                           {{"name", "test_tool_with_progress"},
                            {"arguments", json::object()},
                            {"_meta", {{"progressToken", "tok-1"}}}}));
  ASSERT_EQ(call.status, 200u);
  EXPECT_EQ(call.header("content-type"), "text/event-stream");
  std::vector<double> progress;
  json final_response;
  for (auto& message : sse_messages(call.body)) {
    if (message.value("method", "") == "notifications/progress") {
      EXPECT_EQ(message["params"]["progressToken"], "tok-1");
      progress.push_back(message["params"]["progress"].get<double>());
    }
    if (message.contains("result")) final_response = message;
  }
  EXPECT_EQ(progress, (std::vector<double>{0, 50, 100}));
  EXPECT_EQ(final_response["id"], 2);
}

TEST_F(HttpSample, ElicitationRoundTripOverThePostStream) {
  initialize({{"elicitation", json::object()}});
  SseRequest call(port_,
                  request(2, "tools/call", {{"name", "test_elicitation"}, {"arguments", {{"message", "Who are you?"}}}}),
                  {{"Mcp-Session-Id", session_}, {"MCP-Protocol-Version", "2025-11-25"}});
  auto elicitation = call.read_until([](const json& m) { return m.value("method", "") == "elicitation/create"; });
  ASSERT_TRUE(elicitation.has_value()) << call.raw();
  EXPECT_EQ((*elicitation)["params"]["message"], "Who are you?");
  EXPECT_EQ((*elicitation)["params"]["requestedSchema"]["required"], json::array({"username", "email"}));

  json answer = {{"jsonrpc", "2.0"},
                 {"id", (*elicitation)["id"]},
                 {"result", {{"action", "accept"}, {"content", {{"username", "ada"}, {"email", "ada@example.com"}}}}}};
  EXPECT_EQ(post(answer).status, 202u);

  auto result = call.read_until([](const json& m) { return m.contains("result") || m.contains("error"); });
  ASSERT_TRUE(result.has_value()) << call.raw();
  EXPECT_EQ((*result)["id"], 2);
  std::string text = (*result)["result"]["content"][0]["text"];
  EXPECT_NE(text.find("action=accept"), std::string::npos) << text;
  EXPECT_NE(text.find("ada@example.com"), std::string::npos) << text;
}

TEST_F(HttpSample, ElicitationWithoutCapabilityIsRejected) {
  initialize();  // no elicitation capability
  auto call = post(request(2, "tools/call", {{"name", "test_elicitation"}, {"arguments", {{"message", "hi"}}}}));
  json response = response_message(call);
  EXPECT_EQ(response["error"]["code"], -32021);
  EXPECT_TRUE(response["error"]["data"]["requiredCapabilities"].contains("elicitation"));
}

TEST_F(HttpSample, UnknownResourceIsResourceNotFound) {
  initialize();
  auto read = post(request(2, "resources/read", {{"uri", "test://nonexistent"}}));
  json response = response_message(read);
  EXPECT_EQ(response["error"]["code"], -32002);
  EXPECT_EQ(response["error"]["data"]["uri"], "test://nonexistent");
}

class StdioSample : public ::testing::Test {
 protected:
  void SetUp() override {
    process_ = std::make_unique<ChildProcess>(std::vector<std::string>{kBinary, "--stdio", "--log-level", "warn"});
  }

  json call(const json& message) {
    EXPECT_TRUE(process_->write_line(message.dump()));
    return next_message();
  }
  json next_message() {
    auto line = process_->read_line(10s);
    if (!line) return nullptr;
    return json::parse(*line, nullptr, false);
  }
  void initialize(json capabilities = json::object()) {
    json init = call(request(1, "initialize", initialize_params("2025-11-25", std::move(capabilities))));
    ASSERT_EQ(init["result"]["protocolVersion"], "2025-11-25");
    ASSERT_TRUE(process_->write_line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"));
  }

  std::unique_ptr<ChildProcess> process_;
};

TEST_F(StdioSample, InitializeListCallAndExitOnEof) {
  initialize();
  json tools = call(request(2, "tools/list"));
  EXPECT_TRUE(has_tool(tools["result"], "test_simple_text"));
  json result = call(request(3, "tools/call", {{"name", "test_simple_text"}}));
  EXPECT_EQ(result["id"], 3);
  EXPECT_EQ(result["result"]["content"][0]["text"], "This is a simple text response for testing.");
  json garbage = call(json("not an object"));
  EXPECT_EQ(garbage["error"]["code"], -32600);
  process_->close_stdin();
  EXPECT_EQ(process_->wait_exit(5s), 0);
}

TEST_F(StdioSample, SamplingRoundTrip) {
  initialize({{"sampling", json::object()}});
  ASSERT_TRUE(process_->write_line(
      request(2, "tools/call", {{"name", "test_sampling"}, {"arguments", {{"prompt", "Say hi"}}}}).dump()));
  json sampling = next_message();
  ASSERT_EQ(sampling["method"], "sampling/createMessage") << sampling.dump();
  EXPECT_EQ(sampling["params"]["messages"][0]["content"]["text"], "Say hi");
  EXPECT_EQ(sampling["params"]["maxTokens"], 100);
  json reply = {{"jsonrpc", "2.0"},
                {"id", sampling["id"]},
                {"result", {{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "hi!"}}}, {"model", "m"}}}};
  ASSERT_TRUE(process_->write_line(reply.dump()));
  json result = next_message();
  EXPECT_EQ(result["id"], 2);
  EXPECT_EQ(result["result"]["content"][0]["text"], "LLM response: hi!");
}

TEST_F(StdioSample, LogMessagesFollowTheLevel) {
  initialize();
  EXPECT_EQ(call(request(2, "logging/setLevel", {{"level", "info"}}))["result"], json::object());
  ASSERT_TRUE(process_->write_line(request(3, "tools/call", {{"name", "test_tool_with_logging"}}).dump()));
  std::vector<std::string> logs;
  json message;
  for (int i = 0; i < 10; ++i) {  // three logs, then the response
    message = next_message();
    if (message.is_null() || message.contains("id")) break;
    EXPECT_EQ(message["method"], "notifications/message");
    logs.push_back(message["params"]["data"].get<std::string>());
  }
  EXPECT_EQ(logs, (std::vector<std::string>{"Tool execution started", "Tool processing data",
                                            "Tool execution completed"}));
  EXPECT_EQ(message["id"], 3);

  EXPECT_EQ(call(request(4, "logging/setLevel", {{"level", "error"}}))["result"], json::object());
  json quiet = call(request(5, "tools/call", {{"name", "test_tool_with_logging"}}));
  EXPECT_EQ(quiet["id"], 5) << "info messages must be filtered at level error";
}

TEST_F(StdioSample, ParallelClientRequestsForMultipleInputs) {
  initialize({{"elicitation", json::object()}, {"sampling", json::object()}, {"roots", json::object()}});
  ASSERT_TRUE(process_->write_line(
      request(2, "tools/call", {{"name", "test_input_required_result_multiple_inputs"}}).dump()));
  // All three requests are out before the client answers any of them.
  std::map<std::string, json> asked;
  for (int i = 0; i < 3; ++i) {
    json message = next_message();
    ASSERT_TRUE(message.contains("method")) << message.dump();
    asked[message["method"].get<std::string>()] = message;
  }
  ASSERT_EQ(asked.size(), 3u);
  auto reply = [&](const std::string& method, json result) {
    ASSERT_TRUE(asked.count(method)) << method;
    ASSERT_TRUE(process_->write_line(
        json{{"jsonrpc", "2.0"}, {"id", asked[method]["id"]}, {"result", std::move(result)}}.dump()));
  };
  reply("roots/list", {{"roots", json::array({{{"uri", "file:///test/root"}, {"name", "Test Root"}}})}});
  reply("sampling/createMessage",
        {{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "Hello there!"}}}, {"model", "m"}});
  reply("elicitation/create", {{"action", "accept"}, {"content", {{"name", "Alice"}}}});
  json result = next_message();
  EXPECT_EQ(result["id"], 2);
  std::string text = result["result"]["content"][0]["text"];
  EXPECT_NE(text.find("Alice"), std::string::npos) << text;
  EXPECT_NE(text.find("Hello there!"), std::string::npos) << text;
  EXPECT_NE(text.find("file:///test/root"), std::string::npos) << text;
}

TEST_F(StdioSample, CancelledRequestGetsNoResponse) {
  initialize({{"elicitation", json::object()}});
  ASSERT_TRUE(process_->write_line(
      request(2, "tools/call", {{"name", "test_input_required_result_elicitation"}}).dump()));
  json elicitation = next_message();
  ASSERT_EQ(elicitation["method"], "elicitation/create") << elicitation.dump();
  ASSERT_TRUE(process_->write_line(
      json{{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 2}}}}.dump()));
  // The next line is the ping's answer: the cancelled call never answers.
  json pong = call(request(3, "ping"));
  EXPECT_EQ(pong["id"], 3);
  EXPECT_EQ(pong["result"], json::object());
}

}  // namespace
}  // namespace sample_test
