// Multi round-trip requests through Bridge::handle() against the fake legacy
// upstream (fake_upstream.hpp, tools mrtr_*): no sockets. Expectations from
// basic/patterns/mrtr.mdx and basic/index.mdx (-32021).
#include <gtest/gtest.h>

#include "bridge/make_bridge.hpp"
#include "fake_upstream.hpp"

namespace mcp::test {
namespace {

using namespace std::chrono_literals;
using bridge::DownstreamRequest;
using bridge::Reply;

const json kAllInputs = json::parse(R"({"elicitation":{},"sampling":{},"roots":{"listChanged":true}})");

json meta(json caps) {
  return {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
          {"io.modelcontextprotocol/clientInfo", {{"name", "test-client"}, {"version", "9.9"}}},
          {"io.modelcontextprotocol/clientCapabilities", std::move(caps)}};
}

json call(json id, const std::string& tool, json extra = json::object(), json caps = kAllInputs) {
  json params{{"name", tool}, {"arguments", json::object()}, {"_meta", meta(std::move(caps))}};
  for (auto& [k, v] : extra.items()) params[k] = v;
  return {{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", "tools/call"}, {"params", std::move(params)}};
}

json accept(json content) { return {{"action", "accept"}, {"content", std::move(content)}}; }

class MrtrBridgeTest : public ::testing::Test {
 protected:
  void SetUp() override { make(); }
  void make() {
    state = std::make_shared<FakeServerState>();
    factory = std::make_shared<FakeFactory>(ioc.get_executor(), state);
    opts.health_probe = false;
    opts.mrtr.gather_window = 20ms;
    opts.mrtr.owner = "test";
    bridge = bridge::make_bridge(ioc.get_executor(), factory, opts);
  }
  Reply handle(json message, std::string authorization = "") {
    DownstreamRequest req;
    req.message = std::move(message);
    req.authorization = std::move(authorization);
    req.via_http = false;
    return run_until_done(ioc, bridge->handle(std::move(req), [](json) {}));
  }
  std::size_t upstream_calls() const {
    std::size_t n = 0;
    for (const auto& r : state->requests) n += r.value("method", "") == "tools/call";
    return n;
  }
  static const json& result(const Reply& r) { return r.body["result"]; }

  boost::asio::io_context ioc;
  // Parked exchanges wait on channels, which hold no work: keep the context running between requests.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{ioc.get_executor()};
  std::shared_ptr<FakeServerState> state;
  std::shared_ptr<FakeFactory> factory;
  bridge::BridgeOptions opts;
  std::shared_ptr<bridge::Bridge> bridge;
};

TEST_F(MrtrBridgeTest, ElicitationBecomesAnInputRequestAndTheRetryCompletesTheParkedCall) {
  Reply first = handle(call(1, "mrtr_name"));
  ASSERT_EQ(first.http_status, 200u) << first.body.dump();
  EXPECT_EQ(first.body["id"], 1);
  ASSERT_EQ(result(first)["resultType"], "input_required") << first.body.dump();
  const json& input = result(first)["inputRequests"]["user_name"];
  EXPECT_EQ(input["method"], "elicitation/create");
  EXPECT_EQ(input["params"]["message"], "What is your name?");
  EXPECT_FALSE(input["params"].contains("_meta"));  // the bridge's key hint stays upstream-side
  ASSERT_TRUE(result(first)["requestState"].is_string());

  Reply second = handle(call(2, "mrtr_name",
                             {{"inputResponses", {{"user_name", accept({{"name", "Alice"}})}}},
                              {"requestState", result(first)["requestState"]}}));
  ASSERT_EQ(second.http_status, 200u) << second.body.dump();
  EXPECT_EQ(second.body["id"], 2);
  EXPECT_EQ(result(second)["resultType"], "complete");
  const std::string text = result(second)["content"][0]["text"];
  EXPECT_NE(text.find("Alice"), std::string::npos) << text;
  EXPECT_NE(text.find("\"id\":910"), std::string::npos) << text;  // the answer went to the waiting request
  EXPECT_EQ(upstream_calls(), 1u);  // parked, not re-run
  EXPECT_EQ(state->completed_calls.size(), 1u);
}

TEST_F(MrtrBridgeTest, RequestsSentTogetherArriveInOneResultAndMissingAnswersAreAskedAgain) {
  Reply first = handle(call(1, "mrtr_three"));
  const json& requests = result(first)["inputRequests"];
  ASSERT_EQ(requests.size(), 3u) << first.body.dump();
  EXPECT_EQ(requests["user_name"]["method"], "elicitation/create");
  EXPECT_EQ(requests["greeting"]["method"], "sampling/createMessage");
  EXPECT_EQ(requests["client_roots"]["method"], "roots/list");

  json sampled{{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "Hi"}}}, {"model", "m"}};
  Reply second = handle(call(2, "mrtr_three",
                             {{"inputResponses", {{"user_name", accept({{"name", "Bo"}})}, {"greeting", sampled}}},
                              {"requestState", result(first)["requestState"]}}));
  ASSERT_EQ(result(second)["resultType"], "input_required") << second.body.dump();
  EXPECT_EQ(result(second)["inputRequests"].size(), 1u);
  EXPECT_TRUE(result(second)["inputRequests"].contains("client_roots"));
  EXPECT_NE(result(second)["requestState"], result(first)["requestState"]);

  Reply third = handle(call(3, "mrtr_three",
                            {{"inputResponses", {{"client_roots", {{"roots", json::array()}}}, {"extra", json::object()}}},
                             {"requestState", result(second)["requestState"]}}));
  ASSERT_EQ(result(third)["resultType"], "complete") << third.body.dump();
  EXPECT_EQ(upstream_calls(), 1u);
}

TEST_F(MrtrBridgeTest, FurtherQuestionsGiveFurtherRoundsAndOldStatesAreRejected) {
  Reply r1 = handle(call(1, "mrtr_two_steps"));
  ASSERT_TRUE(result(r1)["inputRequests"].contains("step1")) << r1.body.dump();
  Reply r2 = handle(call(2, "mrtr_two_steps",
                         {{"inputResponses", {{"step1", accept({{"name", "A"}})}}},
                          {"requestState", result(r1)["requestState"]}}));
  ASSERT_TRUE(result(r2)["inputRequests"].contains("step2")) << r2.body.dump();
  EXPECT_NE(result(r2)["requestState"], result(r1)["requestState"]);

  // Replaying round 1's state: an error, and the exchange is still usable.
  Reply replay = handle(call(9, "mrtr_two_steps",
                             {{"inputResponses", {{"step1", accept({{"name", "B"}})}}},
                              {"requestState", result(r1)["requestState"]}}));
  EXPECT_EQ(replay.http_status, 400u);
  EXPECT_EQ(replay.body["error"]["code"], -32602);

  Reply r3 = handle(call(3, "mrtr_two_steps",
                         {{"inputResponses", {{"step2", accept({{"color", "blue"}})}}},
                          {"requestState", result(r2)["requestState"]}}));
  ASSERT_EQ(result(r3)["resultType"], "complete") << r3.body.dump();
}

TEST_F(MrtrBridgeTest, TamperedOrMismatchedStateIsAnErrorAndReachesNothingUpstream) {
  Reply first = handle(call(1, "mrtr_name"), "Bearer alice");
  const std::string state_text = result(first)["requestState"];
  const json answers{{"user_name", accept({{"name", "Eve"}})}};
  const std::size_t before = state->requests.size();

  auto expect_rejected = [&](const Reply& r, const char* why) {
    EXPECT_EQ(r.http_status, 400u) << why;
    EXPECT_EQ(r.body["error"]["code"], -32602) << why << ": " << r.body.dump();
    EXPECT_FALSE(r.body.contains("result")) << why;
  };
  expect_rejected(handle(call(2, "mrtr_name", {{"inputResponses", answers}, {"requestState", state_text + "-TAMPERED"}}),
                         "Bearer alice"),
                  "tampered");
  expect_rejected(handle(call(3, "mrtr_name", {{"inputResponses", answers}, {"requestState", state_text}}),
                         "Bearer mallory"),
                  "other principal");
  expect_rejected(handle(call(4, "mrtr_two_steps", {{"inputResponses", answers}, {"requestState", state_text}}),
                         "Bearer alice"),
                  "other params");
  expect_rejected(handle(call(5, "mrtr_name", {{"requestState", 42}}), "Bearer alice"), "not a string");
  EXPECT_EQ(state->requests.size(), before);

  // The genuine retry still works.
  Reply ok = handle(call(6, "mrtr_name", {{"inputResponses", answers}, {"requestState", state_text}}), "Bearer alice");
  EXPECT_EQ(result(ok)["resultType"], "complete") << ok.body.dump();
}

TEST_F(MrtrBridgeTest, InvalidInputResponsesAreProtocolErrors) {
  Reply null_responses = handle(call(1, "mrtr_name", {{"inputResponses", nullptr}}));
  EXPECT_EQ(null_responses.http_status, 400u);
  EXPECT_EQ(null_responses.body["error"]["code"], -32602);
  Reply number = handle(call(2, "mrtr_name", {{"inputResponses", {{"user_name", 12345}}}}));
  EXPECT_EQ(number.body["error"]["code"], -32602);
  EXPECT_EQ(upstream_calls(), 0u);
}

TEST_F(MrtrBridgeTest, AnswersSentWithTheFirstRequestAreUsedAndExtraKeysIgnored) {
  Reply r = handle(call(1, "mrtr_name",
                        {{"inputResponses",
                          {{"user_name", accept({{"name", "Alice"}})}, {"unknown_extra_key", accept({{"x", 1}})}}}}));
  ASSERT_EQ(result(r)["resultType"], "complete") << r.body.dump();
  EXPECT_NE(result(r)["content"][0]["text"].get<std::string>().find("Alice"), std::string::npos);

  Reply wrong_key = handle(call(2, "mrtr_name", {{"inputResponses", {{"wrong_key", accept({{"x", 1}})}}}}));
  EXPECT_EQ(result(wrong_key)["resultType"], "input_required") << wrong_key.body.dump();
}

TEST_F(MrtrBridgeTest, KeysWithoutAHintAreDerived) {
  Reply r = handle(call(1, "mrtr_unhinted"));
  EXPECT_TRUE(result(r)["inputRequests"].contains("elicitation_1")) << r.body.dump();
}

TEST_F(MrtrBridgeTest, AnUndeclaredCapabilityIsMinus32021AndTheCallIsCancelled) {
  Reply r = handle(call(1, "mrtr_name", json::object(), json{{"sampling", json::object()}}));
  EXPECT_EQ(r.http_status, 400u);
  EXPECT_EQ(r.body["error"]["code"], -32021) << r.body.dump();
  EXPECT_EQ(r.body["error"]["data"]["requiredCapabilities"], (json{{"elicitation", json::object()}}));
}

TEST_F(MrtrBridgeTest, UrlElicitationRequiredBecomesUrlInputRequests) {
  json url_caps{{"elicitation", {{"form", json::object()}, {"url", json::object()}}}};
  Reply first = handle(call(1, "mrtr_url", json::object(), url_caps));
  ASSERT_EQ(result(first)["resultType"], "input_required") << first.body.dump();
  const json& input = result(first)["inputRequests"]["e-1"];
  EXPECT_EQ(input["params"]["mode"], "url");
  EXPECT_EQ(input["params"]["url"], "https://example.com/connect");
  // The retry runs the request again (nothing was parked).
  Reply retry = handle(call(2, "mrtr_url",
                            {{"inputResponses", {{"e-1", {{"action", "accept"}}}}},
                             {"requestState", result(first)["requestState"]}},
                            url_caps));
  EXPECT_EQ(upstream_calls(), 2u);
  EXPECT_EQ(result(retry)["resultType"], "input_required");

  Reply form_only = handle(call(3, "mrtr_url", json::object(), json{{"elicitation", json::object()}}));
  EXPECT_EQ(form_only.http_status, 400u);
  EXPECT_EQ(form_only.body["error"]["code"], -32021);
  EXPECT_EQ(form_only.body["error"]["data"]["requiredCapabilities"], (json{{"elicitation", {{"url", json::object()}}}}));
}

TEST_F(MrtrBridgeTest, ARetryThatNeverComesCancelsTheUpstreamCall) {
  opts.mrtr.exchange_timeout = 40ms;
  make();
  Reply first = handle(call(1, "mrtr_name"));
  ASSERT_EQ(result(first)["resultType"], "input_required");
  ioc.run_for(200ms);  // past the exchange timeout: swept and cancelled
  Reply late = handle(call(2, "mrtr_name",
                           {{"inputResponses", {{"user_name", accept({{"name", "Late"}})}}},
                            {"requestState", result(first)["requestState"]}}));
  EXPECT_EQ(late.body["error"]["code"], -32602) << late.body.dump();
  EXPECT_TRUE(state->completed_calls.empty());
}

TEST_F(MrtrBridgeTest, ParkedExchangesAreBounded) {
  opts.mrtr.max_exchanges = 1;
  make();
  Reply first = handle(call(1, "mrtr_name"));
  ASSERT_EQ(result(first)["resultType"], "input_required");
  Reply second = handle(call(2, "mrtr_name"));
  EXPECT_EQ(second.http_status, 503u);
  EXPECT_EQ(second.body["error"]["code"], -32603);
  EXPECT_NE(second.body["error"]["message"].get<std::string>().find("waiting"), std::string::npos);
  // The first one is unaffected.
  Reply done = handle(call(3, "mrtr_name",
                           {{"inputResponses", {{"user_name", accept({{"name", "A"}})}}},
                            {"requestState", result(first)["requestState"]}}));
  EXPECT_EQ(result(done)["resultType"], "complete") << done.body.dump();
}

TEST_F(MrtrBridgeTest, ServerRequestsOutsideAnyClientRequest) {
  opts.mrtr.roots = {"/srv/data dir"};
  make();
  handle(call(1, "echo", json::object(), kAllInputs));
  ASSERT_EQ(factory->sessions.size(), 1u);
  auto& handler = factory->sessions[0]->server_request_handler();
  auto ask = [&](json request) { return run_until_done(ioc, handler(std::move(request), nullptr)); };
  json roots = ask({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "roots/list"}});
  EXPECT_EQ(roots["result"]["roots"], json::parse(R"([{"uri":"file:///srv/data%20dir","name":"data dir"}])"));
  EXPECT_EQ(ask({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "ping"}})["result"], json::object());
  json sampling = ask({{"jsonrpc", "2.0"}, {"id", 3}, {"method", "sampling/createMessage"}, {"params", json::object()}});
  EXPECT_EQ(sampling["error"]["code"], -32601);
  EXPECT_NE(sampling["error"]["message"].get<std::string>().find("outside"), std::string::npos);

  // A client that did not declare roots: refused.
  handle(call(2, "echo", json::object(), json::object()));
  ASSERT_EQ(factory->sessions.size(), 2u);
  json refused = run_until_done(
      ioc, factory->sessions[1]->server_request_handler()({{"jsonrpc", "2.0"}, {"id", 4}, {"method", "roots/list"}},
                                                          nullptr));
  EXPECT_EQ(refused["error"]["code"], -32601);
}

// server-everything asks roots/list right after initialized and caches the
// answer: an empty list there would hide the client's roots from every later
// call. Without --root the bridge refuses (transient -32603), so the server
// asks again within a call and the client answers through MRTR.
TEST_F(MrtrBridgeTest, RootsOutsideAnyClientRequestWithoutConfiguredRootsAreRefusedNotEmpty) {
  ASSERT_TRUE(opts.mrtr.roots.empty());
  handle(call(1, "echo", json::object(), kAllInputs));
  ASSERT_EQ(factory->sessions.size(), 1u);
  json answer = run_until_done(
      ioc, factory->sessions[0]->server_request_handler()({{"jsonrpc", "2.0"}, {"id", 7}, {"method", "roots/list"}},
                                                          nullptr));
  EXPECT_FALSE(answer.contains("result")) << answer.dump();
  EXPECT_EQ(answer["id"], 7);
  EXPECT_EQ(answer["error"]["code"], -32603);
  EXPECT_NE(answer["error"]["message"].get<std::string>().find("--root"), std::string::npos);
}

TEST_F(MrtrBridgeTest, OtherMethodsAreNeverInputRequired) {
  Reply r = handle({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/list"}, {"params", {{"_meta", meta(kAllInputs)}}}});
  EXPECT_FALSE(result(r).contains("inputRequests"));
  EXPECT_NE(result(r).value("resultType", ""), "input_required");
}

// --- Across replicas (bridge/mrtr_forward.hpp, bridge/mrtr_replay.hpp): two
// bridges sharing one state key stand in for two replicas.

class MrtrReplicasTest : public MrtrBridgeTest {
 protected:
  void SetUp() override {
    opts.mrtr.keys = bridge::KeyRing({bridge::StateKey{"shared", std::string(32, 's')}});
    make();
    bridge->set_advertised_url("http://127.0.0.1:4001");
    other_state = std::make_shared<FakeServerState>();
    other_factory = std::make_shared<FakeFactory>(ioc.get_executor(), other_state);
    other = bridge::make_bridge(ioc.get_executor(), other_factory, opts);
    other->set_advertised_url("http://127.0.0.1:4002");
  }
  Reply handle_on_other(json message, bool from_peer = false) {
    DownstreamRequest req;
    req.message = std::move(message);
    req.via_http = false;
    req.from_peer = from_peer;
    return run_until_done(ioc, other->handle(std::move(req), [](json) {}));
  }
  std::size_t other_upstream_calls() const {
    std::size_t n = 0;
    for (const auto& r : other_state->requests) n += r.value("method", "") == "tools/call";
    return n;
  }
  void use_replay() {
    opts.mrtr.strategy.global = bridge::MrtrStrategy::Replay;
    SetUp();
  }
  std::shared_ptr<FakeServerState> other_state;
  std::shared_ptr<FakeFactory> other_factory;
  std::shared_ptr<bridge::Bridge> other;
};

TEST_F(MrtrReplicasTest, AParkRetryOnAnotherReplicaIsForwardedToTheOwnerNamedInTheState) {
  Reply first = handle(call(1, "mrtr_name"));
  ASSERT_EQ(result(first)["resultType"], "input_required") << first.body.dump();
  const json retry = call(2, "mrtr_name",
                          {{"inputResponses", {{"user_name", accept({{"name", "Alice"}})}}},
                           {"requestState", result(first)["requestState"]}});

  Reply elsewhere = handle_on_other(retry);
  EXPECT_EQ(elsewhere.forward_to, "http://127.0.0.1:4001");
  EXPECT_EQ(elsewhere.body["error"]["code"], -32602);  // what a transport without a forwarder answers
  EXPECT_EQ(other_upstream_calls(), 0u);               // nothing ran on the wrong replica

  Reply hop_again = handle_on_other(retry, /*from_peer=*/true);
  EXPECT_TRUE(hop_again.forward_to.empty());  // a forwarded request is never forwarded again
  EXPECT_EQ(hop_again.body["error"]["code"], -32602);

  Reply at_owner = handle(retry);  // what the forwarded request finds on the owner
  EXPECT_TRUE(at_owner.forward_to.empty());
  ASSERT_EQ(result(at_owner)["resultType"], "complete") << at_owner.body.dump();
  EXPECT_EQ(upstream_calls(), 1u);
}

TEST_F(MrtrReplicasTest, ReplayReRunsTheRequestAnsweringEarlierQuestionsFromTheState) {
  use_replay();
  Reply r1 = handle(call(1, "mrtr_two_steps"));
  ASSERT_EQ(result(r1)["resultType"], "input_required") << r1.body.dump();
  ASSERT_EQ(result(r1)["inputRequests"].size(), 1u);
  ASSERT_TRUE(result(r1)["inputRequests"].contains("step1"));
  ioc.run_for(50ms);
  EXPECT_EQ(state->cancelled_ids.size(), 1u);  // nothing stays parked: the upstream call was cancelled

  // Round 2 on the other replica: step1 is answered from the state, step2 is new.
  Reply r2 = handle_on_other(call(2, "mrtr_two_steps",
                                  {{"inputResponses", {{"step1", accept({{"name", "Ada"}})}}},
                                   {"requestState", result(r1)["requestState"]}}));
  ASSERT_EQ(result(r2)["resultType"], "input_required") << r2.body.dump();
  EXPECT_TRUE(r2.forward_to.empty());
  ASSERT_EQ(result(r2)["inputRequests"].size(), 1u) << r2.body.dump();
  EXPECT_TRUE(result(r2)["inputRequests"].contains("step2"));
  ioc.run_for(50ms);
  EXPECT_EQ(other_state->cancelled_ids.size(), 1u);

  // Round 3 back on the first replica: both answers come from state + retry.
  Reply r3 = handle(call(3, "mrtr_two_steps",
                         {{"inputResponses", {{"step2", accept({{"color", "blue"}})}}},
                          {"requestState", result(r2)["requestState"]}}));
  ASSERT_EQ(result(r3)["resultType"], "complete") << r3.body.dump();
  const std::string text = result(r3)["content"][0]["text"];
  EXPECT_NE(text.find("Ada"), std::string::npos) << text;
  EXPECT_NE(text.find("blue"), std::string::npos) << text;
  EXPECT_EQ(upstream_calls(), 2u);        // rounds 1 and 3 ran here
  EXPECT_EQ(other_upstream_calls(), 1u);  // round 2 ran there
  EXPECT_EQ(state->completed_calls.size(), 1u);
}

TEST_F(MrtrReplicasTest, ReplayGathersRequestsSentTogetherAndAsksOnlyTheUnanswered) {
  use_replay();
  Reply first = handle(call(1, "mrtr_three"));
  ASSERT_EQ(result(first)["inputRequests"].size(), 3u) << first.body.dump();
  json sampled{{"role", "assistant"}, {"content", {{"type", "text"}, {"text", "Hi"}}}, {"model", "m"}};
  Reply second = handle_on_other(call(2, "mrtr_three",
                                      {{"inputResponses", {{"user_name", accept({{"name", "Bo"}})}, {"greeting", sampled}}},
                                       {"requestState", result(first)["requestState"]}}));
  ASSERT_EQ(result(second)["resultType"], "input_required") << second.body.dump();
  EXPECT_EQ(result(second)["inputRequests"].size(), 1u);
  EXPECT_TRUE(result(second)["inputRequests"].contains("client_roots"));
  Reply third = handle(call(3, "mrtr_three",
                            {{"inputResponses", {{"client_roots", {{"roots", json::array()}}}}},
                             {"requestState", result(second)["requestState"]}}));
  ASSERT_EQ(result(third)["resultType"], "complete") << third.body.dump();
  EXPECT_NE(result(third)["content"][0]["text"].get<std::string>().find("Bo"), std::string::npos);
}

TEST_F(MrtrReplicasTest, ReplayCanBeChosenPerTool) {
  opts.mrtr.strategy.replay_tools = {"mrtr_name"};
  SetUp();
  Reply first = handle(call(1, "mrtr_name"));
  Reply done = handle_on_other(call(2, "mrtr_name",
                                    {{"inputResponses", {{"user_name", accept({{"name", "Cy"}})}}},
                                     {"requestState", result(first)["requestState"]}}));
  ASSERT_EQ(result(done)["resultType"], "complete") << done.body.dump();
  EXPECT_EQ(other_upstream_calls(), 1u);

  Reply parked = handle(call(3, "mrtr_two_steps"));  // not listed: parked on this replica
  Reply forwarded = handle_on_other(call(4, "mrtr_two_steps",
                                         {{"inputResponses", {{"step1", accept({{"name", "D"}})}}},
                                          {"requestState", result(parked)["requestState"]}}));
  EXPECT_EQ(forwarded.forward_to, "http://127.0.0.1:4001");
}

TEST_F(MrtrReplicasTest, ReplayAnswersPastTheBoundAreAClearErrorAndNothingRuns) {
  opts.mrtr.strategy.global = bridge::MrtrStrategy::Replay;
  opts.mrtr.max_replay_answer_bytes = 200;
  SetUp();
  Reply first = handle(call(1, "mrtr_name"));
  ASSERT_EQ(result(first)["resultType"], "input_required");
  Reply big = handle_on_other(call(2, "mrtr_name",
                                   {{"inputResponses", {{"user_name", accept({{"name", std::string(500, 'z')}})}}},
                                    {"requestState", result(first)["requestState"]}}));
  EXPECT_EQ(big.http_status, 400u);
  EXPECT_EQ(big.body["error"]["code"], -32602) << big.body.dump();
  EXPECT_NE(big.body["error"]["message"].get<std::string>().find("park"), std::string::npos);
  EXPECT_EQ(other_upstream_calls(), 0u);
}

}  // namespace
}  // namespace mcp::test
