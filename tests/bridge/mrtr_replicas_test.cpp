// MRTR across replicas, the pure parts: the replay strategy's state payload
// and answer merging (bridge/mrtr_replay.hpp, bridge/request_state.hpp) and
// the park strategy's forwarding decision (bridge/mrtr_forward.hpp).
// Expectations from issue 7 item 3 and basic/patterns/mrtr.mdx; no sockets.
#include <gtest/gtest.h>

#include <boost/beast/core/string.hpp>

#include "bridge/bridge.hpp"
#include "bridge/mrtr_forward.hpp"
#include "bridge/mrtr_replay.hpp"
#include "bridge/request_state.hpp"
#include "translate/base64.hpp"

namespace mcp::bridge {
namespace {

KeyRing one_key() { return KeyRing({StateKey{"k1", std::string(32, 'k')}}); }

StateClaims replay_claims(json answers) {
  return StateClaims{"replay",          "x9", 2, "http://127.0.0.1:1", sha256_hex("Bearer a"), "tools/call",
                     sha256_hex("{}"), 10'000, std::move(answers)};
}

StateExpectation expect() { return StateExpectation{sha256_hex("Bearer a"), "tools/call", sha256_hex("{}"), 5'000}; }

TEST(ReplayStrategy, ParsesOnlyTheTwoNames) {
  EXPECT_EQ(parse_strategy("park"), MrtrStrategy::Park);
  EXPECT_EQ(parse_strategy("replay"), MrtrStrategy::Replay);
  EXPECT_FALSE(parse_strategy("Replay").has_value());
  EXPECT_FALSE(parse_strategy("").has_value());
}

TEST(ReplayStrategy, PerToolChoiceOverridesTheGlobalOneForToolsCallOnly) {
  StrategyPolicy policy{MrtrStrategy::Park, {"lookup"}};
  EXPECT_EQ(strategy_for(policy, "tools/call", json{{"name", "lookup"}}), MrtrStrategy::Replay);
  EXPECT_EQ(strategy_for(policy, "tools/call", json{{"name", "book_flight"}}), MrtrStrategy::Park);
  EXPECT_EQ(strategy_for(policy, "tools/call", json{{"name", 7}}), MrtrStrategy::Park);
  EXPECT_EQ(strategy_for(policy, "prompts/get", json{{"name", "lookup"}}), MrtrStrategy::Park);
  policy.global = MrtrStrategy::Replay;
  EXPECT_EQ(strategy_for(policy, "resources/read", json{{"uri", "x://y"}}), MrtrStrategy::Replay);
  EXPECT_EQ(strategy_for(policy, "tools/call", nullptr), MrtrStrategy::Replay);
}

TEST(ReplayStrategy, MergedAnswersKeepEarlierAnswersAndAddNewKeys) {
  const json from_state{{"a", {{"action", "accept"}}}};
  const json retry{{"a", {{"action", "decline"}}}, {"b", {{"roots", json::array()}}}};
  const json merged = merge_answers(from_state, retry);
  EXPECT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged["a"]["action"], "accept");  // an answer given is never replaced
  EXPECT_EQ(merged["b"]["roots"], json::array());
  EXPECT_EQ(merge_answers(nullptr, retry), retry);
  EXPECT_EQ(merge_answers(from_state, nullptr), from_state);
}

TEST(ReplayStrategy, AnswersPastTheBoundAreRefusedWithAClearMessage) {
  json answers{{"a", {{"text", std::string(100, 'x')}}}};
  EXPECT_FALSE(replay_answers_too_large(answers, 1000).has_value());
  auto message = replay_answers_too_large(answers, 50);
  ASSERT_TRUE(message.has_value());
  EXPECT_NE(message->find("park"), std::string::npos) << *message;
  EXPECT_NE(message->find("50 bytes"), std::string::npos) << *message;
}

TEST(ReplayState, CarriesTheAnswersUnderTheSignature) {
  const json answers{{"user_name", {{"action", "accept"}, {"content", {{"name", "Ada"}}}}}};
  auto keys = one_key();
  auto v = verify_state(sign_state(replay_claims(answers), keys), keys, expect());
  ASSERT_TRUE(std::holds_alternative<StateClaims>(v)) << std::get<StateError>(v).reason;
  EXPECT_EQ(std::get<StateClaims>(v).strategy, "replay");
  EXPECT_EQ(std::get<StateClaims>(v).answers, answers);
  EXPECT_EQ(std::get<StateClaims>(v).round, 2u);
}

TEST(ReplayState, ChangedAnswersFailVerification) {
  auto keys = one_key();
  const std::string state = sign_state(replay_claims(json{{"k", {{"action", "decline"}}}}), keys);
  const auto dot = state.find('.');
  json payload = json::parse(*translate::base64_decode(state.substr(0, dot)));
  payload["ans"]["k"]["action"] = "accept";
  const std::string forged = translate::base64_encode(payload.dump()) + state.substr(dot);
  auto v = verify_state(forged, keys, expect());
  ASSERT_TRUE(std::holds_alternative<StateError>(v));
  EXPECT_EQ(std::get<StateError>(v).reason, "requestState failed integrity verification");
}

TEST(ReplayState, AParkStateCarriesNoAnswers) {
  auto claims = replay_claims(json{{"k", json::object()}});
  claims.strategy = "park";
  auto keys = one_key();
  const std::string state = sign_state(claims, keys);
  json payload = json::parse(*translate::base64_decode(state.substr(0, state.find('.'))));
  EXPECT_FALSE(payload.contains("ans"));
}

TEST(ReplayState, TheLargestReplayStateStaysWithinTheVerifiedLength) {
  // Answers at the bound, all bytes escaped-free: the signed state must still verify.
  json answers{{"big", {{"text", std::string(kMaxReplayAnswerBytes - 40, 'y')}}}};
  ASSERT_LE(answers.dump().size(), kMaxReplayAnswerBytes);
  auto keys = one_key();
  const std::string state = sign_state(replay_claims(answers), keys);
  EXPECT_LE(state.size(), kMaxStateBytes);
  EXPECT_TRUE(std::holds_alternative<StateClaims>(verify_state(state, keys, expect())));
}

TEST(RetryRouting, OwnStatesStayAndOthersAreForwardedOnce) {
  const std::string a = "http://127.0.0.1:4001", b = "http://127.0.0.1:4002";
  EXPECT_EQ(route_retry(a, a, false), RetryRoute::Local);
  EXPECT_EQ(route_retry(a, a, true), RetryRoute::Local);  // a forwarded retry reaching its owner
  EXPECT_EQ(route_retry(a, b, false), RetryRoute::Forward);
  EXPECT_EQ(route_retry(a, b, true), RetryRoute::Misrouted);  // never forwarded twice
  EXPECT_EQ(route_retry("stdio", b, false), RetryRoute::Misrouted);
  EXPECT_EQ(route_retry("127.0.0.1:4001", b, false), RetryRoute::Misrouted);  // pre-URL owners
  EXPECT_EQ(route_retry("https://10.0.0.1", b, false), RetryRoute::Misrouted);
}

TEST(RetryRouting, EndToEndHeadersTravelHopByHopOnesDoNot) {
  for (const char* kept : {"Authorization", "MCP-Protocol-Version", "Mcp-Method", "Mcp-Name", "Mcp-Param-Region",
                           "Accept", "Content-Type", "Host", "Origin", "traceparent"})
    EXPECT_TRUE(forwarded_request_header(kept)) << kept;
  for (const char* dropped : {"Connection", "keep-alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
                              "Content-Length", "Expect", "Proxy-Authorization", "mcp-bridge-forwarded-by"})
    EXPECT_FALSE(forwarded_request_header(dropped)) << dropped;
  EXPECT_TRUE(boost::beast::iequals(kForwardedHeader, "Mcp-Bridge-Forwarded-By"));
}

TEST(RetryRouting, ALostExchangeIsAJsonRpcErrorTellingTheClientToStartOver) {
  json e = exchange_lost_error(7);
  EXPECT_EQ(e["jsonrpc"], "2.0");
  EXPECT_EQ(e["id"], 7);
  EXPECT_EQ(e["error"]["code"], -32602);
  EXPECT_EQ(e["error"]["data"]["reason"], "exchange_lost");
  const std::string message = e["error"]["message"];
  EXPECT_NE(message.find("lost"), std::string::npos);
  EXPECT_NE(message.find("again"), std::string::npos);
  EXPECT_FALSE(e.contains("result"));
}

}  // namespace
}  // namespace mcp::bridge
