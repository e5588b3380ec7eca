#include "translate/jsonrpc.hpp"

#include <gtest/gtest.h>

using namespace mcp::translate;

TEST(JsonRpc, ClassifiesRequestNotificationResponse) {
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})")).kind,
            MessageKind::Request);
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","id":"a","method":"x","params":{}})")).kind,
            MessageKind::Request);
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","method":"notifications/cancelled"})")).kind,
            MessageKind::Notification);
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","id":1,"result":{}})")).kind, MessageKind::Response);
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"m"}})")).kind,
            MessageKind::Response);
}

TEST(JsonRpc, RejectsMalformedMessagesWithAReason) {
  for (const char* text : {R"([1,2])", R"({"id":1,"method":"x"})", R"({"jsonrpc":"1.0","id":1,"method":"x"})",
                           R"({"jsonrpc":"2.0","id":1,"method":5})", R"({"jsonrpc":"2.0","id":1,"method":""})",
                           R"({"jsonrpc":"2.0","id":1,"method":"x","params":[1]})",
                           R"({"jsonrpc":"2.0","id":1,"method":"x","result":{}})", R"({"jsonrpc":"2.0"})"}) {
    auto c = classify_message(json::parse(text));
    EXPECT_EQ(c.kind, MessageKind::Invalid) << text;
    EXPECT_FALSE(c.problem.empty()) << text;
  }
}

TEST(JsonRpc, IdMustBeStringOrIntegerNeverNull) {
  // basic/index.mdx: "Unlike base JSON-RPC, the ID MUST NOT be null."
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","id":null,"method":"x"})")).kind, MessageKind::Invalid);
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","id":1.5,"method":"x"})")).kind, MessageKind::Invalid);
  EXPECT_EQ(classify_message(json::parse(R"({"jsonrpc":"2.0","id":{},"method":"x"})")).kind, MessageKind::Invalid);
  EXPECT_TRUE(is_valid_request_id(json(-3)));
  EXPECT_TRUE(is_valid_request_id(json("x")));
  EXPECT_FALSE(is_valid_request_id(json(nullptr)));
}

TEST(JsonRpc, InvalidMessageStillReportsReadableId) {
  auto c = classify_message(json::parse(R"({"jsonrpc":"1.0","id":7,"method":"x"})"));
  EXPECT_EQ(c.id, json(7));
}

TEST(JsonRpc, BuildsErrorAndResult) {
  auto e = make_error_response("r1", -32601, "Method not found: x");
  EXPECT_EQ(e, json::parse(R"({"jsonrpc":"2.0","id":"r1","error":{"code":-32601,"message":"Method not found: x"}})"));
  auto with_data = make_error_response(1, -32022, "Unsupported protocol version", json{{"supported", {"2026-07-28"}}});
  EXPECT_EQ(with_data["error"]["data"]["supported"][0], "2026-07-28");
  EXPECT_EQ(make_result_response(2, json::object()), json::parse(R"({"jsonrpc":"2.0","id":2,"result":{}})"));
}
