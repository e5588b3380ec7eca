// The transport-independent legacy session pieces, without sockets or
// sleeping: routing (legacy_session_core.hpp), initialize / re-initialize
// rules (legacy_handshake.hpp) and backoff with a fake clock (backoff.hpp).
#include "upstream/legacy_session_core.hpp"

#include <map>

#include <gtest/gtest.h>

#include "translate/jsonrpc.hpp"
#include "upstream/backoff.hpp"
#include "upstream/legacy_handshake.hpp"

using namespace mcp::upstream;
using json = nlohmann::json;
using ms = std::chrono::milliseconds;

namespace {

json request(json id, const std::string& method) {
  return {{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", method}, {"params", json::object()}};
}
json notification(const std::string& method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}
json result(json id) { return {{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"result", json::object()}}; }
json progress(json token) { return notification("notifications/progress", {{"progressToken", token}, {"progress", 1}}); }

PendingCall call_of(std::string method) {
  PendingCall c;
  c.method = std::move(method);
  return c;
}

void expect_route(const Route& r, Destination to, const json& call_id) {
  EXPECT_EQ(r.to, to);
  EXPECT_EQ(r.call_id, call_id);
}

// A core with a usable session and recording sinks.
struct Recorded {
  std::vector<json> unsolicited;
  std::vector<std::pair<json, json>> server_requests;  // (request, related id)
};

class CoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core.set_sinks({[this](const json& n) { seen.unsolicited.push_back(n); },
                    [this](json r, json related) { seen.server_requests.emplace_back(std::move(r), std::move(related)); }});
    core.mark_usable();
  }
  // Registers call `id` of `method`; its notifications land in notes[id].
  void add(const json& id, const std::string& method) {
    core.add_call(id, PendingCall{method, [this, id](const json& n) { notes[id.dump()].push_back(n); },
                                  [this, id](json r) { responses[id.dump()].push_back(std::move(r)); }, nullptr});
  }

  LegacySessionCore core{8};
  Recorded seen;
  std::map<std::string, std::vector<json>> notes, responses;
};

}  // namespace

// ---- routing ----------------------------------------------------------------

TEST_F(CoreTest, ResponseGoesToItsCallOnceAndEndsIt) {
  add(1, "tools/call");
  add(2, "tools/list");
  expect_route(core.dispatch(result(2)), Destination::CallResponse, 2);
  ASSERT_EQ(responses["2"].size(), 1u);
  EXPECT_TRUE(responses["1"].empty());
  EXPECT_EQ(core.in_flight(), 1u);  // the answered call left the table
  // A duplicate response finds no call any more.
  EXPECT_EQ(core.dispatch(result(2)).to, Destination::Dropped);
  EXPECT_EQ(responses["2"].size(), 1u);
}

TEST_F(CoreTest, ResponseForUnknownIdIsDropped) {
  add(1, "tools/call");
  Route r = core.dispatch(result(7));
  EXPECT_EQ(r.to, Destination::Dropped);
  EXPECT_NE(r.why.find("7"), std::string::npos);
  EXPECT_TRUE(responses.empty());
  EXPECT_TRUE(seen.unsolicited.empty());
  // An error response with a null id (the upstream could not read our id) is dropped too.
  EXPECT_EQ(core.route({{"jsonrpc", "2.0"}, {"id", nullptr}, {"error", {{"code", -32700}, {"message", "x"}}}}).to,
            Destination::Dropped);
}

TEST_F(CoreTest, ResponseIdsMatchByJsonValueNotText) {
  add("5", "tools/call");
  EXPECT_EQ(core.route(result(5)).to, Destination::Dropped);  // integer 5 is not string "5"
  EXPECT_EQ(core.route(result("5")).to, Destination::CallResponse);
}

TEST_F(CoreTest, ProgressGoesToTheCallWhoseIdIsItsToken) {
  add(1, "tools/call");
  add(2, "tools/call");
  // On a session-wide channel (stdio, GET stream) ...
  expect_route(core.dispatch(progress(2)), Destination::CallNotification, 2);
  // ... and even on another call's stream: the token decides.
  expect_route(core.dispatch(progress(2), 1), Destination::CallNotification, 2);
  EXPECT_EQ(notes["2"].size(), 2u);
  EXPECT_TRUE(notes["1"].empty());
}

TEST_F(CoreTest, NotificationOnACallsOwnStreamGoesToThatCall) {
  add(1, "tools/call");
  const json log = notification("notifications/message", {{"level", "info"}, {"data", "hi"}});
  expect_route(core.dispatch(log, 1), Destination::CallNotification, 1);
  ASSERT_EQ(notes["1"].size(), 1u);
  EXPECT_EQ(notes["1"][0], log);
  // Progress with a token that is no pending call stays with the stream's call.
  expect_route(core.dispatch(progress(99), 1), Destination::CallNotification, 1);
  EXPECT_TRUE(seen.unsolicited.empty());
}

TEST_F(CoreTest, OtherNotificationsAreUnsolicited) {
  add(1, "tools/call");
  EXPECT_EQ(core.dispatch(notification("notifications/tools/list_changed")).to, Destination::Unsolicited);
  EXPECT_EQ(core.dispatch(progress(99)).to, Destination::Unsolicited);  // no pending call has that token
  // A stream id that is no pending call (it already ended) does not capture messages.
  EXPECT_EQ(core.dispatch(notification("notifications/message"), 42).to, Destination::Unsolicited);
  ASSERT_EQ(seen.unsolicited.size(), 3u);
  EXPECT_EQ(seen.unsolicited[0]["method"], "notifications/tools/list_changed");
  EXPECT_TRUE(notes["1"].empty());
}

TEST_F(CoreTest, ServerRequestOnACallsStreamIsRelatedToThatCall) {
  add(1, "tools/call");
  add(2, "tools/call");
  expect_route(core.dispatch(request("srv-1", "elicitation/create"), 2), Destination::ServerRequest, 2);
  ASSERT_EQ(seen.server_requests.size(), 1u);
  EXPECT_EQ(seen.server_requests[0].first["id"], "srv-1");
  EXPECT_EQ(seen.server_requests[0].second, 2);
}

// ---- attribution rule (no transport association) ------------------------------

TEST_F(CoreTest, AttributionWithoutPendingCallsIsNull) {
  EXPECT_TRUE(core.route(request("s", "roots/list")).call_id.is_null());
}

TEST_F(CoreTest, AttributionPicksTheOnlyCallThatMayWaitOnTheClient) {
  add(1, "tools/list");
  add(2, "tools/call");
  add(3, "initialize");
  add(4, "completion/complete");
  expect_route(core.route(request("s", "sampling/createMessage")), Destination::ServerRequest, 2);
}

TEST_F(CoreTest, AttributionCountsPromptsGetAndResourcesRead) {
  add(1, "prompts/get");
  EXPECT_EQ(core.route(request("s", "elicitation/create")).call_id, 1);
  core.remove_call(1);
  add(2, "resources/read");
  EXPECT_EQ(core.route(request("s", "elicitation/create")).call_id, 2);
}

TEST_F(CoreTest, AttributionWithTwoCandidatesIsNull) {
  add(1, "tools/call");
  add(2, "prompts/get");
  EXPECT_TRUE(core.route(request("s", "elicitation/create")).call_id.is_null());
  core.remove_call(2);  // back to one candidate
  EXPECT_EQ(core.route(request("s", "elicitation/create")).call_id, 1);
}

TEST_F(CoreTest, AttributionIgnoresCallsThatCannotWaitOnTheClient) {
  add(1, "tools/list");
  add(2, "initialize");
  EXPECT_TRUE(core.route(request("s", "ping")).call_id.is_null());
}

// ---- invalid input ------------------------------------------------------------

TEST_F(CoreTest, InvalidMessagesAreDroppedWithAReason) {
  add(1, "tools/call");
  const std::vector<json> invalid = {
      json::array(),
      json("text"),
      {{"id", 1}, {"result", json::object()}},                                      // no "jsonrpc"
      {{"jsonrpc", "1.0"}, {"id", 1}, {"result", json::object()}},                  // wrong version
      {{"jsonrpc", "2.0"}, {"id", 1}, {"method", 3}},                               // method not a string
      {{"jsonrpc", "2.0"}, {"id", nullptr}, {"method", "ping"}},                    // request with null id
      {{"jsonrpc", "2.0"}, {"id", 1.5}, {"method", "ping"}},                        // fractional id
      {{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object()}, {"error", {}}},   // both result and error
      {{"jsonrpc", "2.0"}, {"method", "notifications/progress"}, {"params", 1}},    // params not an object
      {{"jsonrpc", "2.0"}},
  };
  for (const auto& m : invalid) {
    Route r = core.dispatch(m, 1);
    EXPECT_EQ(r.to, Destination::Dropped) << m.dump();
    EXPECT_FALSE(r.why.empty()) << m.dump();
  }
  EXPECT_TRUE(responses.empty());
  EXPECT_TRUE(notes.empty());
  EXPECT_TRUE(seen.unsolicited.empty());
  EXPECT_TRUE(seen.server_requests.empty());
  EXPECT_EQ(core.in_flight(), 1u);
}

// ---- call table and session state ----------------------------------------------

TEST(CoreState, CallsNeedAUsableSessionExceptWhileStarting) {
  LegacySessionCore core(2);
  EXPECT_FALSE(core.usable());
  EXPECT_THROW(core.add_call(1, call_of("tools/call")), UpstreamError);
  core.add_call("init", call_of("initialize"), /*starting=*/true);
  core.mark_usable();
  EXPECT_TRUE(core.usable());
  core.add_call(1, call_of("tools/call"));
  EXPECT_THROW(core.add_call(1, call_of("tools/call")), UpstreamError);  // duplicate id
  EXPECT_THROW(core.add_call(2, call_of("tools/call")), UpstreamError);  // max_calls = 2
  EXPECT_EQ(core.in_flight(), 2u);
  core.remove_call(1);
  core.remove_call(1);  // idempotent
  EXPECT_EQ(core.in_flight(), 1u);
}

TEST(CoreState, MarkDeadFailsWaitingCallsAndIsFinal) {
  LegacySessionCore core;
  core.mark_usable();
  std::vector<std::string> failures;
  core.add_call(1, PendingCall{"tools/call", nullptr, nullptr, [&](const std::string& why) { failures.push_back(why); }});
  core.add_call(2, call_of("tools/call"));  // reads its own failure (HTTP): stays until removed
  core.mark_dead("upstream process exited with status 3");
  EXPECT_FALSE(core.usable());
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0], "upstream process exited with status 3");
  EXPECT_EQ(core.in_flight(), 1u);
  core.mark_dead("later reason");
  EXPECT_EQ(core.dead_reason(), "upstream process exited with status 3");
  core.mark_usable();  // a dead session never comes back
  EXPECT_FALSE(core.usable());
  try {
    core.add_call(3, call_of("tools/call"));
    FAIL() << "call added to a dead session";
  } catch (const UpstreamError& e) {
    EXPECT_STREQ(e.what(), "upstream process exited with status 3");
  }
  EXPECT_THROW(core.add_call("init", call_of("initialize"), /*starting=*/true), UpstreamError);
}

TEST(CoreState, RegistrationEndsWithItsScope) {
  LegacySessionCore core;
  core.mark_usable();
  {
    CallRegistration r(core, 1, call_of("tools/call"));
    EXPECT_EQ(core.in_flight(), 1u);
  }
  EXPECT_EQ(core.in_flight(), 0u);
}

// ---- initialize and re-initialize rules --------------------------------------------

TEST(Handshake, VersionListsPerTransport) {
  for (auto v : {"2025-11-25", "2025-06-18", "2025-03-26"}) {
    EXPECT_TRUE(accepts_protocol_version(v, LegacyTransport::StreamableHttp)) << v;
    EXPECT_TRUE(accepts_protocol_version(v, LegacyTransport::Stdio)) << v;
  }
  // 2024-11-05 had stdio but not Streamable HTTP.
  EXPECT_TRUE(accepts_protocol_version("2024-11-05", LegacyTransport::Stdio));
  EXPECT_FALSE(accepts_protocol_version("2024-11-05", LegacyTransport::StreamableHttp));
  EXPECT_FALSE(accepts_protocol_version("2026-07-28", LegacyTransport::Stdio));
  EXPECT_FALSE(accepts_protocol_version("", LegacyTransport::Stdio));
}

TEST(Handshake, InitializeResponseIsChecked) {
  const json good = {{"jsonrpc", "2.0"}, {"id", 1},
                     {"result", {{"protocolVersion", "2025-06-18"}, {"capabilities", json::object()}}}};
  EXPECT_EQ(accept_initialize_response(good, LegacyTransport::StreamableHttp)["protocolVersion"], "2025-06-18");

  auto message_of = [](const json& response) {
    try {
      accept_initialize_response(response, LegacyTransport::StreamableHttp);
    } catch (const UpstreamError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message_of({{"id", 1}, {"error", {{"code", -32602}, {"message", "no"}}}}).find("rejected"),
            std::string::npos);
  EXPECT_NE(message_of({{"id", 1}, {"result", "x"}}).find("rejected"), std::string::npos);
  EXPECT_NE(message_of({{"id", 1}, {"result", {{"protocolVersion", "2024-11-05"}}}}).find("'2024-11-05'"),
            std::string::npos);
  EXPECT_NE(message_of({{"id", 1}, {"result", {{"protocolVersion", 7}}}}).find("unsupported"), std::string::npos);
  EXPECT_NE(message_of({{"id", 1}, {"result", json::object()}}).find("unsupported"), std::string::npos);
}

TEST(Handshake, VersionHeaderFrom20250618On) {
  EXPECT_TRUE(sends_version_header("2025-11-25"));
  EXPECT_TRUE(sends_version_header("2025-06-18"));
  EXPECT_FALSE(sends_version_header("2025-03-26"));
  EXPECT_FALSE(sends_version_header(""));
}

TEST(Handshake, OneReinitializeAfter404WithSessionId) {
  EXPECT_EQ(on_post_status(200, true, 0), ExpiryAction::Proceed);
  EXPECT_EQ(on_post_status(202, true, 0), ExpiryAction::Proceed);
  EXPECT_EQ(on_post_status(404, false, 0), ExpiryAction::Proceed);  // no session: 404 is an ordinary answer
  EXPECT_EQ(on_post_status(404, true, 0), ExpiryAction::Reinitialize);
  EXPECT_EQ(on_post_status(404, true, 1), ExpiryAction::Fail);  // expired again right after: no loop
  EXPECT_EQ(on_post_status(200, true, 1), ExpiryAction::Proceed);
}

TEST(Handshake, Messages) {
  const json init = make_initialize_request("bridge-init-1", {{"protocolVersion", "2025-11-25"}});
  EXPECT_EQ(init["method"], "initialize");
  EXPECT_EQ(init["id"], "bridge-init-1");
  EXPECT_EQ(init["params"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(mcp::translate::classify_message(init).kind, mcp::translate::MessageKind::Request);
  EXPECT_EQ(mcp::translate::classify_message(make_initialized_notification()).kind,
            mcp::translate::MessageKind::Notification);
}

// ---- backoff --------------------------------------------------------------------------

TEST(Backoff, ExponentialAndCapped) {
  EXPECT_EQ(backoff_delay(0, ms(100), ms(1000)).count(), 0);
  EXPECT_EQ(backoff_delay(1, ms(100), ms(1000)).count(), 100);
  EXPECT_EQ(backoff_delay(2, ms(100), ms(1000)).count(), 200);
  EXPECT_EQ(backoff_delay(4, ms(100), ms(1000)).count(), 800);
  EXPECT_EQ(backoff_delay(5, ms(100), ms(1000)).count(), 1000);
  EXPECT_EQ(backoff_delay(500, ms(100), ms(1000)).count(), 1000);
}

// A clock the test moves by hand.
struct FakeClock {
  std::chrono::steady_clock::time_point t{std::chrono::hours(1000)};
  SteadyNow fn() {
    return [this] { return t; };
  }
};

TEST(RestartBackoff, SequenceWithAFakeClock) {
  FakeClock clock;
  RestartBackoff b(ms(100), ms(400), ms(60'000), clock.fn());
  EXPECT_EQ(b.delay_before_start(), ms(0));
  b.start_failed();
  EXPECT_EQ(b.delay_before_start(), ms(100));
  clock.t += ms(30);  // time already waited counts
  EXPECT_EQ(b.delay_before_start(), ms(70));
  clock.t += ms(70);
  EXPECT_EQ(b.delay_before_start(), ms(0));
  b.start_failed();
  EXPECT_EQ(b.delay_before_start(), ms(200));
  b.start_failed();
  EXPECT_EQ(b.delay_before_start(), ms(400));
  b.start_failed();
  EXPECT_EQ(b.delay_before_start(), ms(400));  // capped
  EXPECT_EQ(b.failures(), 4u);
}

TEST(RestartBackoff, EarlyDeathCountsStableDeathStartsOver) {
  FakeClock clock;
  RestartBackoff b(ms(100), ms(10'000), ms(60'000), clock.fn());
  auto started = clock.t;
  clock.t += ms(5'000);
  b.died(started);  // died after 5 s: a failure
  clock.t += ms(1);
  started = clock.t;
  clock.t += ms(1'000);
  b.died(started);  // again early: second failure in a row
  EXPECT_EQ(b.failures(), 2u);
  EXPECT_EQ(b.delay_before_start(), ms(200));
  started = clock.t;
  clock.t += ms(60'000);
  b.died(started);  // ran a full minute: counts as a first failure again
  EXPECT_EQ(b.failures(), 1u);
  EXPECT_EQ(b.delay_before_start(), ms(100));
}

TEST(ReconnectDelay, FailuresBackOffAndGiveUp) {
  const ReconnectLimits limits{ms(50), ms(200), 4};
  EXPECT_EQ(reconnect_delay(1, std::nullopt, limits), ms(50));
  EXPECT_EQ(reconnect_delay(2, std::nullopt, limits), ms(100));
  EXPECT_EQ(reconnect_delay(3, std::nullopt, limits), ms(200));
  EXPECT_EQ(reconnect_delay(4, std::nullopt, limits), std::nullopt);
}

TEST(ReconnectDelay, DroppedStreamFollowsServerRetryWithinBounds) {
  const ReconnectLimits limits{ms(50), ms(200), 4};
  EXPECT_EQ(reconnect_delay(0, std::nullopt, limits), ms(50));
  EXPECT_EQ(reconnect_delay(0, ms(120), limits), ms(120));
  EXPECT_EQ(reconnect_delay(0, ms(0), limits), ms(50));         // never a tight loop
  EXPECT_EQ(reconnect_delay(0, ms(3'600'000), limits), ms(200));  // never longer than max
}
