// The park strategy's bookkeeping (bridge/mrtr_exchanges.hpp): the bounded
// store with expiry on a fake clock, and one exchange's rounds. No sockets,
// no upstream: the test plays both the upstream's server requests (ask) and
// the client's retries (answer).
#include "bridge/mrtr_exchanges.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include "bridge/request_state.hpp"
#include "fake_upstream.hpp"
#include "translate/input_required.hpp"

namespace mcp::bridge {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using test::run_until;
using test::run_until_done;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  ExchangeStore::Clock fn() {
    return [this] { return now; };
  }
};

std::shared_ptr<Exchange> make_exchange(asio::io_context& ioc, std::string id, json prefilled = json::object()) {
  return std::make_shared<Exchange>(ioc.get_executor(), std::move(id),
                                    ExchangeBinding{"p", "tools/call", ParamsBinding::of(json{{"name", "t"}}),
                                                    {{"elicitation", json::object()}}},
                                    std::move(prefilled), nullptr);
}

json elicitation(int id, const char* key) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"method", "elicitation/create"},
          {"params", {{"message", key}, {"_meta", {{"mcp-bridge/inputKey", key}}}}}};
}

TEST(ParamsBinding, DigestIsTheSha256OfTheBindingTextShortOrLong) {
  const json params{{"name", "t"}, {"arguments", {{"x", 1}}}, {"_meta", {{"progressToken", 1}}}};
  EXPECT_EQ(ParamsBinding::of(params).digest(), sha256_hex(R"({"arguments":{"x":1},"name":"t"})"));
  const json large{{"name", "t"}, {"arguments", {{"text", std::string(ParamsBinding::kMaxKeptText, 'a')}}}};
  EXPECT_EQ(ParamsBinding::of(large).digest(), sha256_hex(translate::request_binding_text(large)));
  EXPECT_NE(ParamsBinding::of(large).digest(), ParamsBinding::of(params).digest());
}

TEST(Exchange, WithoutAnIdDrawsOneWhenFirstAskedAndKeepsIt) {
  asio::io_context ioc;
  auto a = make_exchange(ioc, "");
  auto b = make_exchange(ioc, "");
  const std::string id = a->id();
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a->id(), id);
  EXPECT_NE(b->id(), id);
  EXPECT_EQ(make_exchange(ioc, "given")->id(), "given");
}

TEST(ExchangeStore, BoundsTheParkedExchanges) {
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);  // parked waits hold no work of their own
  FakeClock clock;
  ExchangeStore store(2, clock.fn());
  EXPECT_TRUE(store.park(make_exchange(ioc, "a"), 1, 1000ms));
  EXPECT_TRUE(store.park(make_exchange(ioc, "b"), 1, 1000ms));
  EXPECT_FALSE(store.park(make_exchange(ioc, "c"), 1, 1000ms));
  EXPECT_EQ(store.size(), 2u);
  ASSERT_NE(store.take("a", 1), nullptr);  // taking frees a slot
  EXPECT_TRUE(store.park(make_exchange(ioc, "c"), 1, 1000ms));
}

TEST(ExchangeStore, TakeNeedsTheRoundAndTakesOnce) {
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);  // parked waits hold no work of their own
  FakeClock clock;
  ExchangeStore store(8, clock.fn());
  store.park(make_exchange(ioc, "a"), 2, 1000ms);
  EXPECT_EQ(store.take("a", 1), nullptr);  // an older round's state
  EXPECT_EQ(store.take("zz", 2), nullptr);
  EXPECT_NE(store.take("a", 2), nullptr);
  EXPECT_EQ(store.take("a", 2), nullptr);  // a second retry with the same state
}

TEST(ExchangeStore, ExpiryFollowsTheClockAndFreesTheExchange) {
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);  // parked waits hold no work of their own
  FakeClock clock;
  ExchangeStore store(8, clock.fn());
  auto a = make_exchange(ioc, "a");
  std::weak_ptr<Exchange> weak = a;
  store.park(std::move(a), 1, 1000ms);
  store.park(make_exchange(ioc, "b"), 1, 5000ms);
  clock.now += 999ms;
  EXPECT_TRUE(store.expire().empty());
  clock.now += 1ms;
  EXPECT_EQ(store.take("a", 1), nullptr);  // past its deadline even before a sweep
  auto expired = store.expire();
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0]->id(), "a");
  EXPECT_EQ(store.size(), 1u);
  expired.clear();
  EXPECT_TRUE(weak.expired());  // nothing else holds it
  clock.now += 4000ms;
  EXPECT_EQ(store.expire().size(), 1u);
  EXPECT_EQ(store.size(), 0u);
}

TEST(Exchange, GathersQuestionsThenDeliversAnswers) {
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);  // parked waits hold no work of their own
  auto ex = make_exchange(ioc, "x");
  json first_answer, second_answer;
  asio::co_spawn(ioc, ex->ask(elicitation(1, "one")), [&](std::exception_ptr, json a) { first_answer = a; });
  asio::co_spawn(ioc, ex->ask(elicitation(2, "two")), [&](std::exception_ptr, json a) { second_answer = a; });
  auto outcome = run_until_done(ioc, ex->wait(20ms, 2000ms));
  ASSERT_TRUE(outcome);
  ASSERT_EQ(outcome->kind, Exchange::Kind::Questions);
  EXPECT_TRUE(outcome->value.contains("one"));
  EXPECT_TRUE(outcome->value.contains("two"));
  EXPECT_FALSE(outcome->value["one"]["params"].contains("_meta"));  // the hint stays in the bridge

  // One answer missing, one extra: the missing one stays open, the extra is ignored.
  EXPECT_EQ(ex->answer(json{{"one", {{"action", "accept"}}}, {"extra", {{"action", "accept"}}}}), 1u);
  ASSERT_TRUE(run_until(ioc, [&] { return !first_answer.is_null(); }));
  EXPECT_EQ(first_answer["id"], 1);
  EXPECT_EQ(first_answer["result"]["action"], "accept");
  auto again = run_until_done(ioc, ex->wait(20ms, 2000ms));
  ASSERT_TRUE(again);
  ASSERT_EQ(again->kind, Exchange::Kind::Questions);
  EXPECT_EQ(again->value.size(), 1u);
  EXPECT_TRUE(again->value.contains("two"));
  EXPECT_TRUE(second_answer.is_null());

  ex->answer(json{{"two", {{"action", "decline"}}}});
  ASSERT_TRUE(run_until(ioc, [&] { return !second_answer.is_null(); }));
  EXPECT_EQ(second_answer["result"]["action"], "decline");
  ex->finish(json{{"jsonrpc", "2.0"}, {"id", 7}, {"result", {{"content", json::array()}}}});
  auto final_outcome = run_until_done(ioc, ex->wait(20ms, 2000ms));
  ASSERT_TRUE(final_outcome);
  EXPECT_EQ(final_outcome->kind, Exchange::Kind::Final);
  EXPECT_EQ(final_outcome->value["id"], 7);
}

TEST(Exchange, AnswersSentBeforeTheQuestionAnswerItAtOnce) {
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);  // parked waits hold no work of their own
  auto ex = make_exchange(ioc, "x", json{{"one", {{"action", "accept"}, {"content", {{"name", "Alice"}}}}}});
  json answer = run_until_done(ioc, ex->ask(elicitation(1, "one")));
  EXPECT_EQ(answer["result"]["content"]["name"], "Alice");
  EXPECT_TRUE(ex->open_requests().empty());
}

TEST(Exchange, WaitTimesOutWhenNothingHappens) {
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);  // parked waits hold no work of their own
  auto ex = make_exchange(ioc, "x");
  auto outcome = run_until_done(ioc, ex->wait(10ms, 30ms));
  EXPECT_FALSE(outcome);
}

TEST(Exchange, CancelFailsOpenQuestionsAndSignalsTheCall) {
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);  // parked waits hold no work of their own
  auto ex = make_exchange(ioc, "x");
  bool failed = false;
  asio::co_spawn(ioc, ex->ask(elicitation(1, "one")), [&](std::exception_ptr e, json) { failed = e != nullptr; });
  ASSERT_TRUE(run_until(ioc, [&] { return !ex->open_requests().empty(); }));
  bool call_cancelled = false;
  ex->call_started(json{{"method", "tools/call"}}).assign([&](asio::cancellation_type) { call_cancelled = true; });
  ex->cancel();
  ASSERT_TRUE(run_until(ioc, [&] { return failed && call_cancelled; }));
  EXPECT_TRUE(ex->open_requests().empty());
  auto outcome = run_until_done(ioc, ex->wait(10ms, 1000ms));
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->kind, Exchange::Kind::Cancelled);
  EXPECT_THROW(run_until_done(ioc, ex->ask(elicitation(2, "two"))), std::exception);
}

TEST(Exchange, CancelAfterTheCallEndedSignalsNothing) {
  asio::io_context ioc;
  auto ex = make_exchange(ioc, "x");
  int signalled = 0;
  ex->call_started(json{{"method", "tools/call"}}).assign([&](asio::cancellation_type) { ++signalled; });
  ex->finish(json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object()}});
  ex->call_ended();
  ex->cancel();
  ioc.run();
  EXPECT_EQ(signalled, 0);
  EXPECT_TRUE(ex->cancelled());
}

TEST(Exchange, WaitEndsWhenTheCallEndsAndWhenTheAwaitingCoroutineIsCancelled) {
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);  // parked waits hold no work of their own
  auto ex = make_exchange(ioc, "x");
  asio::post(ioc, [ex] { ex->finish(json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object()}}); });
  auto outcome = run_until_done(ioc, ex->wait(10ms, 60000ms));
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->kind, Exchange::Kind::Final);

  auto idle = make_exchange(ioc, "y");
  asio::cancellation_signal client_gone;
  std::exception_ptr error;
  bool done = false;
  asio::co_spawn(ioc, idle->wait(10ms, 60000ms),
                 asio::bind_cancellation_slot(client_gone.slot(), [&](std::exception_ptr e, auto) {
                   error = e;
                   done = true;
                 }));
  ioc.poll();
  ASSERT_FALSE(done);
  client_gone.emit(asio::cancellation_type::terminal);
  ASSERT_TRUE(run_until(ioc, [&] { return done; }));
  ASSERT_TRUE(error);
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), asio::error::operation_aborted);
  }
}

TEST(CallRegistry, FindsByCallAndForgetsRemovedOrDeadExchanges) {
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);  // parked waits hold no work of their own
  CallRegistry calls;
  int session_a = 0, session_b = 0;
  auto ex = make_exchange(ioc, "x");
  calls.add(&session_a, 7, ex);
  EXPECT_EQ(calls.find(&session_a, json(7)), ex);
  EXPECT_EQ(calls.find(&session_b, json(7)), nullptr);
  EXPECT_EQ(calls.find(&session_a, json(nullptr)), nullptr);
  EXPECT_EQ(calls.find(&session_a, json("7")), nullptr);
  calls.remove(&session_a, 7);
  EXPECT_EQ(calls.find(&session_a, json(7)), nullptr);
  calls.add(&session_a, 8, ex);
  ex.reset();
  EXPECT_EQ(calls.find(&session_a, json(8)), nullptr);
}

TEST(CallRegistry, UnattributedRequestsGoToTheSoleActiveExchangeOnly) {
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);  // parked waits hold no work of their own
  CallRegistry calls;
  int session = 0, other = 0;
  auto active = make_exchange(ioc, "a");
  calls.add(&session, 1, active);
  EXPECT_EQ(calls.sole_active(&session), active);
  EXPECT_EQ(calls.sole_active(&other), nullptr);

  // A parked exchange blocked on an unanswered question cannot be asking: still unambiguous.
  auto blocked = make_exchange(ioc, "b");
  asio::co_spawn(ioc, blocked->ask(elicitation(1, "one")), asio::detached);
  ASSERT_TRUE(run_until(ioc, [&] { return blocked->waiting_on_client(); }));
  blocked->set_parked(true);
  calls.add(&session, 2, blocked);
  EXPECT_EQ(calls.sole_active(&session), active);

  // A parked exchange not blocked on a question might be the one asking: ambiguous.
  auto idle = make_exchange(ioc, "c");
  idle->set_parked(true);
  calls.add(&session, 3, idle);
  EXPECT_EQ(calls.sole_active(&session), nullptr);
  calls.remove(&session, 3);

  // Two active exchanges: ambiguous.
  auto second = make_exchange(ioc, "d");
  calls.add(&session, 4, second);
  EXPECT_EQ(calls.sole_active(&session), nullptr);
  blocked->cancel();
  ioc.run_for(std::chrono::milliseconds(10));
}

}  // namespace
}  // namespace mcp::bridge
