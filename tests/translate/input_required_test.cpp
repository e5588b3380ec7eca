// Expectations from basic/patterns/mrtr.mdx (InputRequiredResult, inputResponses),
// 2026-07-28 client/elicitation.mdx (URL mode capability) and 2025-11-25
// client/elicitation.mdx (-32042), written from the spec text.
#include "translate/input_required.hpp"

#include <gtest/gtest.h>

#include <set>

namespace mcp::translate {
namespace {

json elicit(json meta = nullptr) {
  json r{{"jsonrpc", "2.0"}, {"id", 5}, {"method", "elicitation/create"},
         {"params", {{"message", "Name?"}, {"requestedSchema", {{"type", "object"}}}}}};
  if (!meta.is_null()) r["params"]["_meta"] = meta;
  return r;
}

auto none_taken = [](const std::string&) { return false; };

TEST(InputRequired, SupportedMethodsAreTheThreeFromTheSpec) {
  EXPECT_TRUE(supports_input_required("tools/call"));
  EXPECT_TRUE(supports_input_required("prompts/get"));
  EXPECT_TRUE(supports_input_required("resources/read"));
  EXPECT_FALSE(supports_input_required("tools/list"));
  EXPECT_FALSE(supports_input_required("prompts/list"));
}

TEST(InputRequired, KeyComesFromTheHintWhenValid) {
  EXPECT_EQ(choose_input_key(elicit({{"mcp-bridge/inputKey", "user_name"}}), none_taken), "user_name");
}

TEST(InputRequired, InvalidOrTakenHintFallsBackToDerivedKeys) {
  EXPECT_EQ(choose_input_key(elicit({{"mcp-bridge/inputKey", "has space"}}), none_taken), "elicitation_1");
  EXPECT_EQ(choose_input_key(elicit({{"mcp-bridge/inputKey", 7}}), none_taken), "elicitation_1");
  EXPECT_EQ(choose_input_key(elicit({{"mcp-bridge/inputKey", std::string(65, 'a')}}), none_taken), "elicitation_1");
  std::set<std::string> taken{"user_name", "elicitation_1"};
  auto is_taken = [&](const std::string& k) { return taken.contains(k); };
  EXPECT_EQ(choose_input_key(elicit({{"mcp-bridge/inputKey", "user_name"}}), is_taken), "elicitation_2");
}

TEST(InputRequired, DerivedKeysNameTheKind) {
  json sampling{{"id", 1}, {"method", "sampling/createMessage"}, {"params", json::object()}};
  json roots{{"id", 2}, {"method", "roots/list"}};
  EXPECT_EQ(choose_input_key(sampling, none_taken), "sampling_1");
  EXPECT_EQ(choose_input_key(roots, none_taken), "roots_1");
}

TEST(InputRequired, InputRequestDropsTheHintAndTheJsonRpcEnvelope) {
  json r = to_input_request(elicit({{"mcp-bridge/inputKey", "k"}, {"vendor/x", 1}}));
  EXPECT_EQ(r, (json{{"method", "elicitation/create"},
                     {"params",
                      {{"message", "Name?"}, {"requestedSchema", {{"type", "object"}}}, {"_meta", {{"vendor/x", 1}}}}}}));
  json bare = to_input_request(elicit({{"mcp-bridge/inputKey", "k"}}));
  EXPECT_FALSE(bare["params"].contains("_meta"));
  EXPECT_FALSE(bare.contains("id"));
  EXPECT_FALSE(bare.contains("jsonrpc"));
}

TEST(InputRequired, ResultCarriesResultTypeAndOmitsEmptyParts) {
  json reqs{{"a", {{"method", "roots/list"}, {"params", json::object()}}}};
  EXPECT_EQ(make_input_required_result(reqs, "S"),
            (json{{"resultType", "input_required"}, {"inputRequests", reqs}, {"requestState", "S"}}));
  EXPECT_EQ(make_input_required_result(json::object(), "S"),
            (json{{"resultType", "input_required"}, {"requestState", "S"}}));
}

TEST(InputRequired, CapabilityCheckFollowsTheDeclaredCapabilities) {
  json sampling{{"method", "sampling/createMessage"}, {"params", json::object()}};
  EXPECT_EQ(missing_client_capability(json{{"sampling", json::object()}}, sampling), std::nullopt);
  EXPECT_EQ(missing_client_capability(json{{"sampling", json::object()}}, elicit()),
            (json{{"elicitation", json::object()}}));
  EXPECT_EQ(missing_client_capability(json::object(), json{{"method", "roots/list"}}), (json{{"roots", json::object()}}));
  // URL mode needs elicitation.url; an empty elicitation object means form only.
  json url{{"method", "elicitation/create"}, {"params", {{"mode", "url"}, {"url", "https://x"}, {"message", "m"}}}};
  EXPECT_EQ(missing_client_capability(json{{"elicitation", json::object()}}, url),
            (json{{"elicitation", {{"url", json::object()}}}}));
  EXPECT_EQ(missing_client_capability(json{{"elicitation", {{"url", json::object()}}}}, url), std::nullopt);
  EXPECT_EQ(missing_client_capability(nullptr, sampling), (json{{"sampling", json::object()}}));
}

TEST(InputRequired, InputResponsesMustBeAnObjectOfObjects) {
  EXPECT_EQ(std::get<json>(read_input_responses(json::object())), json::object());
  json ok{{"inputResponses", {{"a", {{"action", "accept"}}}}}};
  EXPECT_EQ(std::get<json>(read_input_responses(ok)), ok["inputResponses"]);
  EXPECT_TRUE(std::holds_alternative<std::string>(read_input_responses(json{{"inputResponses", nullptr}})));
  EXPECT_TRUE(std::holds_alternative<std::string>(read_input_responses(json{{"inputResponses", json::array()}})));
  EXPECT_TRUE(
      std::holds_alternative<std::string>(read_input_responses(json{{"inputResponses", {{"user_name", 12345}}}})));
}

TEST(InputRequired, RequestStateMustBeANonEmptyString) {
  EXPECT_EQ(read_request_state(json::object()), std::nullopt);
  EXPECT_EQ(read_request_state(json{{"requestState", "abc"}}), "abc");
  EXPECT_EQ(read_request_state(json{{"requestState", 3}}), "");
  EXPECT_EQ(read_request_state(json{{"requestState", ""}}), "");
}

TEST(InputRequired, AnswerBecomesTheLegacyResponseToTheServerRequest) {
  json answer = to_legacy_answer(elicit(), json{{"action", "accept"}, {"content", {{"name", "Alice"}}},
                                                {"resultType", "complete"}});
  EXPECT_EQ(answer, (json{{"jsonrpc", "2.0"},
                          {"id", 5},
                          {"result", {{"action", "accept"}, {"content", {{"name", "Alice"}}}}}}));
}

TEST(InputRequired, BindingIgnoresMetaAndMrtrFieldsButNotArguments) {
  json first{{"name", "t"}, {"arguments", {{"x", 1}}}, {"_meta", {{"progressToken", 1}}}};
  json retry{{"arguments", {{"x", 1}}},
             {"name", "t"},
             {"inputResponses", {{"a", json::object()}}},
             {"requestState", "s"},
             {"_meta", {{"progressToken", 2}}}};
  EXPECT_EQ(request_binding_text(first), request_binding_text(retry));
  json other{{"name", "t"}, {"arguments", {{"x", 2}}}};
  EXPECT_NE(request_binding_text(first), request_binding_text(other));
  EXPECT_EQ(without_mrtr_fields(retry).contains("inputResponses"), false);
  EXPECT_EQ(without_mrtr_fields(retry).contains("requestState"), false);
}

// A requestState signs a digest of these bytes: they must stay exactly the
// canonical JSON of params without _meta, inputResponses and requestState
// (sorted keys at every depth, no whitespace, non-ASCII escaped).
TEST(InputRequired, BindingTextIsTheCanonicalJsonOfTheBoundParams) {
  const json params = json::parse(R"({"name":"t\u00e9","_meta":{"progressToken":1},"requestState":"s",
    "arguments":{"z":[1,"\u00e9",{"b":null,"a":true}],"a":1.5},"inputResponses":{"k":{}},"\u00e9":""})");
  EXPECT_EQ(request_binding_text(params),
            R"({"arguments":{"a":1.5,"z":[1,"\u00e9",{"a":true,"b":null}]},"name":"t\u00e9","\u00e9":""})");
  EXPECT_EQ(request_binding_text(json{{"_meta", json::object()}}), "{}");
  EXPECT_EQ(request_binding_text(json()), "{}");
  EXPECT_EQ(request_binding_text(json::array({1})), "{}");
  // Appended after what the buffer holds (a reused buffer), the same bytes.
  std::string buffer = "{\"kept\":";
  append_request_binding_text(buffer, params);
  EXPECT_EQ(buffer, "{\"kept\":" + request_binding_text(params));
}

TEST(InputRequired, UrlElicitationRequiredErrorBecomesUrlInputRequests) {
  json error{{"jsonrpc", "2.0"},
             {"id", 2},
             {"error",
              {{"code", -32042},
               {"message", "This request requires more information."},
               {"data",
                {{"elicitations",
                  {{{"mode", "url"},
                    {"elicitationId", "550e8400-e29b-41d4-a716-446655440000"},
                    {"url", "https://mcp.example.com/connect?elicitationId=550e8400"},
                    {"message", "Authorization is required."}},
                   {{"mode", "url"}, {"url", "https://x"}, {"message", "no id: skipped"}}}}}}}}};
  auto requests = url_elicitations_from_error(error);
  ASSERT_TRUE(requests);
  ASSERT_EQ(requests->size(), 1u);
  const json& r = (*requests)["550e8400-e29b-41d4-a716-446655440000"];
  EXPECT_EQ(r["method"], "elicitation/create");
  EXPECT_EQ(r["params"]["mode"], "url");
  EXPECT_EQ(r["params"]["url"], "https://mcp.example.com/connect?elicitationId=550e8400");
  EXPECT_EQ(r["params"]["elicitationId"], "550e8400-e29b-41d4-a716-446655440000");
  EXPECT_EQ(r["params"]["message"], "Authorization is required.");

  json other = error;
  other["error"]["code"] = -32603;
  EXPECT_EQ(url_elicitations_from_error(other), std::nullopt);
  EXPECT_EQ(url_elicitations_from_error(json{{"result", json::object()}}), std::nullopt);
}

}  // namespace
}  // namespace mcp::translate
