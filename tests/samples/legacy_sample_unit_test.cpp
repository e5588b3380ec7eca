// Pure-function tests of the sample's building blocks (no sockets).
#include "event_stream.hpp"
#include "handlers.hpp"
#include "protocol.hpp"
#include "server.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace legacy {
namespace {

TEST(LegacyProtocol, ParsesMessagesAndBoundsNesting) {
  EXPECT_TRUE(parse_message(R"({"jsonrpc":"2.0","id":1,"method":"ping"})").has_value());
  EXPECT_FALSE(parse_message("{not json").has_value());
  EXPECT_FALSE(parse_message(std::string(100, '[') + std::string(100, ']')).has_value());
  // Brackets inside strings do not count as nesting.
  EXPECT_TRUE(parse_message(R"({"a":")" + std::string(100, '[') + R"("})").has_value());
}

TEST(LegacyProtocol, ClassifiesMessages) {
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"ping"})")), MessageKind::kRequest);
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","method":"notifications/initialized"})")),
            MessageKind::kNotification);
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","id":"a","result":{}})")), MessageKind::kResponse);
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"1.0","id":1,"method":"ping"})")), MessageKind::kInvalid);
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})")), MessageKind::kInvalid);
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})")),
            MessageKind::kInvalid);
  EXPECT_EQ(classify_message(json::parse("[]")), MessageKind::kInvalid);
}

TEST(LegacyProtocol, SupportedVersions) {
  EXPECT_TRUE(is_supported_protocol_version("2025-11-25"));
  EXPECT_TRUE(is_supported_protocol_version("2025-03-26"));
  EXPECT_FALSE(is_supported_protocol_version("2026-07-28"));
}

TEST(LegacyEventStream, EventIdsRoundTrip) {
  auto parsed = EventStream::parse_event_id("p12-7");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->first, "p12");
  EXPECT_EQ(parsed->second, 7u);
  EXPECT_FALSE(EventStream::parse_event_id("p12-").has_value());
  EXPECT_FALSE(EventStream::parse_event_id("-3").has_value());
  EXPECT_FALSE(EventStream::parse_event_id("p1-3x").has_value());
}

TEST(LegacyEventStream, BufferIsBounded) {
  boost::asio::io_context io;
  EventStream stream(io.get_executor(), "p1", 3);
  for (int i = 0; i < 5; ++i) stream.send(json{{"n", i}});
  EXPECT_EQ(stream.events().size(), 3u);
  EXPECT_EQ(stream.first_held_seq(), 3u);
  EXPECT_EQ(stream.next_seq(), 6u);
  stream.finish();
  stream.send(json{{"n", 9}});
  EXPECT_EQ(stream.next_seq(), 6u) << "nothing is appended after finish";
}

TEST(LegacyCatalog, ToolNamesAreUniqueAndWellFormed) {
  Server server({});
  json tools = list_tools(server)["tools"];
  std::set<std::string> names;
  static const std::regex kName("[A-Za-z0-9_.-]{1,128}");
  for (const auto& tool : tools) {
    std::string name = tool["name"];
    EXPECT_TRUE(std::regex_match(name, kName)) << name;
    EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
    EXPECT_TRUE(tool["inputSchema"].is_object()) << name;
    EXPECT_FALSE(tool["description"].get<std::string>().empty()) << name;
  }
  EXPECT_TRUE(names.count("test_input_required_result_multiple_inputs"));
  EXPECT_FALSE(names.count("test_dynamic_tool"));
  server.toggle_dynamic_tool();
  EXPECT_EQ(list_tools(server)["tools"].size(), tools.size() + 1);
}

TEST(LegacyCatalog, ResourcesAndTemplate) {
  Server server({});
  auto text = read_resource(server, {{"uri", "test://static-text"}});
  EXPECT_EQ(text["contents"][0]["text"], "This is the content of the static text resource.");
  auto templated = read_resource(server, {{"uri", "test://template/123/data"}});
  EXPECT_EQ(json::parse(templated["contents"][0]["text"].get<std::string>())["id"], "123");
  try {
    read_resource(server, {{"uri", "test://template/../etc/data"}});
    FAIL() << "a path-like id must not match the template";
  } catch (const McpError& error) {
    EXPECT_EQ(error.code(), error_code::kResourceNotFound);
    EXPECT_EQ(error.data()["uri"], "test://template/../etc/data");
  }
}

TEST(LegacyCatalog, CompletionFiltersByPrefix) {
  auto result = complete({{"ref", {{"type", "ref/prompt"}, {"name", "test_prompt_with_arguments"}}},
                          {"argument", {{"name", "arg1"}, {"value", "par"}}}});
  EXPECT_EQ(result["completion"]["values"], json::array({"paris", "park", "party"}));
  auto none = complete({{"ref", {{"type", "ref/prompt"}, {"name", "unknown"}}},
                        {"argument", {{"name", "arg1"}, {"value", ""}}}});
  EXPECT_TRUE(none["completion"]["values"].empty());
  EXPECT_THROW(complete({{"ref", 3}}), McpError);
}

}  // namespace
}  // namespace legacy
