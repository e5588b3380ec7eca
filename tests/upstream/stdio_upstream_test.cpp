// StdioUpstreamSession against tests/upstream/fake_stdio_server.cpp.
#include "upstream/stdio_upstream.hpp"

#include <signal.h>

#include <cerrno>
#include <csignal>
#include <filesystem>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace asio = boost::asio;
using namespace mcp::upstream;
using namespace mcp::upstream::test;
using namespace asio::experimental::awaitable_operators;
using json = nlohmann::json;

namespace {

StdioUpstreamOptions fake_options(std::vector<std::string> extra_args = {}) {
  StdioUpstreamOptions o;
  o.argv = {FAKE_STDIO_SERVER};
  for (auto& a : extra_args) o.argv.push_back(a);
  o.restart_backoff_min = std::chrono::milliseconds(200);
  o.restart_backoff_max = std::chrono::milliseconds(800);
  o.shutdown_grace = std::chrono::milliseconds(300);
  return o;
}

class StdioUpstreamTest : public ::testing::Test {
 protected:
  // As mcp-bridge's main does: writing to a child that already exited is an
  // error code (EPIPE) for the upstream to report, not a signal that kills the
  // process (it killed this test binary once, on a child exiting at start).
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }
  asio::io_context ctx;
};

}  // namespace

TEST_F(StdioUpstreamTest, InitializeAndCall) {
  auto factory = make_stdio_session_factory(ctx.get_executor(), fake_options());
  EXPECT_NE(factory->describe().find("fake_stdio_server"), std::string::npos);
  auto s = factory->create({});
  run_co(ctx, s->start(init_params()));
  EXPECT_TRUE(s->usable());
  EXPECT_EQ(s->initialize_result()["serverInfo"]["name"], "fake-stdio");
  json r = run_co(ctx, s->call(tool_call(*s, "echo", {{"x", 1}}), nullptr, {}));
  EXPECT_EQ(r["result"]["content"][0]["text"], R"({"x":1})");
  EXPECT_EQ(s->in_flight(), 0u);
  run_co(ctx, s->shutdown());
  EXPECT_FALSE(s->usable());
}

TEST_F(StdioUpstreamTest, ManyConcurrentCallsAreMatchedById) {
  auto s = make_stdio_session_factory(ctx.get_executor(), fake_options())->create({});
  run_co(ctx, s->start(init_params()));
  constexpr int kCalls = 50;
  int ok = 0;
  for (int i = 0; i < kCalls; ++i) {
    asio::co_spawn(ctx, s->call(tool_call(*s, "echo", {{"i", i}}), nullptr, {}),
                   [&ok, i](std::exception_ptr e, json r) {
                     if (!e && r["result"]["content"][0]["text"] == json{{"i", i}}.dump()) ++ok;
                   });
  }
  EXPECT_TRUE(run_until(ctx, [&] { return ok == kCalls; }));
  run_co(ctx, s->shutdown());
}

TEST_F(StdioUpstreamTest, ProgressGoesToTheCallHandlerOtherNotificationsToUnsolicited) {
  auto s = make_stdio_session_factory(ctx.get_executor(), fake_options())->create({});
  std::vector<json> unsolicited;
  s->set_unsolicited_handler([&](const json& n) { unsolicited.push_back(n); });
  run_co(ctx, s->start(init_params()));
  std::vector<json> progress;
  auto req = tool_call(*s, "progress");
  const auto id = req["id"];
  json r = run_co(ctx, s->call(req, [&](const json& n) { progress.push_back(n); }, {}));
  EXPECT_EQ(r["result"]["content"][0]["text"], "done");
  ASSERT_EQ(progress.size(), 2u);
  EXPECT_EQ(progress[0]["params"]["progressToken"], id);
  EXPECT_EQ(progress[1]["params"]["progress"], 2);
  run_co(ctx, s->call(tool_call(*s, "list_changed"), nullptr, {}));
  ASSERT_TRUE(run_until(ctx, [&] { return !unsolicited.empty(); }));
  EXPECT_EQ(unsolicited[0]["method"], "notifications/tools/list_changed");
  run_co(ctx, s->shutdown());
}

TEST_F(StdioUpstreamTest, ServerRequestIsAnsweredThroughTheHandler) {
  auto s = make_stdio_session_factory(ctx.get_executor(), fake_options())->create({});
  json seen_related = "unset";
  s->set_server_request_handler([&](json req, json related) -> asio::awaitable<json> {
    seen_related = related;
    co_return json{{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", {{"answer", req["method"]}}}};
  });
  run_co(ctx, s->start(init_params()));
  auto req = tool_call(*s, "ask");
  json r = run_co(ctx, s->call(req, nullptr, {}));
  const std::string text = r["result"]["content"][0]["text"];
  EXPECT_NE(text.find("sampling/createMessage"), std::string::npos) << text;
  // stdio has no per-call stream; the only tools/call in flight is the related call.
  EXPECT_EQ(seen_related, req["id"]);
  run_co(ctx, s->shutdown());
}

TEST_F(StdioUpstreamTest, SlowServerRequestHandlerDoesNotBlockOtherMessages) {
  auto s = make_stdio_session_factory(ctx.get_executor(), fake_options())->create({});
  // The handler waits (like an MRTR round trip to a client) until the test opens the gate.
  asio::steady_timer gate(ctx, std::chrono::minutes(1));
  bool handler_waiting = false;
  s->set_server_request_handler([&](json req, json) -> asio::awaitable<json> {
    handler_waiting = true;
    boost::system::error_code ec;
    co_await gate.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return json{{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", {{"late", true}}}};
  });
  run_co(ctx, s->start(init_params()));
  json ask_result;
  asio::co_spawn(ctx, s->call(tool_call(*s, "ask"), nullptr, {}), [&](std::exception_ptr e, json r) {
    if (!e) ask_result = std::move(r);
  });
  ASSERT_TRUE(run_until(ctx, [&] { return handler_waiting; }));
  // Meanwhile responses and progress keep flowing.
  std::vector<json> progress;
  json r = run_co(ctx, s->call(tool_call(*s, "progress"), [&](const json& n) { progress.push_back(n); }, {}));
  EXPECT_EQ(r["result"]["content"][0]["text"], "done");
  EXPECT_EQ(progress.size(), 2u);
  EXPECT_TRUE(ask_result.is_null());  // still waiting for its client
  gate.cancel();
  ASSERT_TRUE(run_until(ctx, [&] { return !ask_result.is_null(); }));
  EXPECT_NE(ask_result["result"]["content"][0]["text"].get<std::string>().find("late"), std::string::npos);
  run_co(ctx, s->shutdown());
}

TEST_F(StdioUpstreamTest, CancellationSendsNotificationsCancelled) {
  auto s = make_stdio_session_factory(ctx.get_executor(), fake_options())->create({});
  std::vector<json> unsolicited;
  s->set_unsolicited_handler([&](const json& n) { unsolicited.push_back(n); });
  run_co(ctx, s->start(init_params()));
  auto req = tool_call(*s, "slow");
  const auto id = req["id"];
  auto race = [&]() -> asio::awaitable<int> {
    asio::steady_timer t(ctx, std::chrono::milliseconds(100));
    auto r = co_await (s->call(req, nullptr, {}) || t.async_wait(asio::use_awaitable));
    co_return static_cast<int>(r.index());
  };
  EXPECT_EQ(run_co(ctx, race()), 1);  // the timer won; the call was cancelled
  // The fake server reports the notifications/cancelled it received.
  ASSERT_TRUE(run_until(ctx, [&] { return !unsolicited.empty(); }));
  EXPECT_EQ(unsolicited[0]["method"], "notifications/test_cancelled");
  EXPECT_EQ(unsolicited[0]["params"]["requestId"], id);
  EXPECT_EQ(s->in_flight(), 0u);
  run_co(ctx, s->shutdown());
}

TEST_F(StdioUpstreamTest, CancelledCallCompletesWithOperationAborted) {
  auto s = make_stdio_session_factory(ctx.get_executor(), fake_options())->create({});
  run_co(ctx, s->start(init_params()));
  asio::cancellation_signal sig;
  bool done = false;
  boost::system::error_code got;
  asio::co_spawn(ctx, s->call(tool_call(*s, "slow"), nullptr, {}),
                 asio::bind_cancellation_slot(sig.slot(), [&](std::exception_ptr e, json) {
                   try {
                     if (e) std::rethrow_exception(e);
                   } catch (const boost::system::system_error& se) {
                     got = se.code();
                   } catch (...) {
                   }
                   done = true;
                 }));
  run_for(ctx, std::chrono::milliseconds(100));
  sig.emit(asio::cancellation_type::terminal);
  ASSERT_TRUE(run_until(ctx, [&] { return done; }));
  EXPECT_EQ(got, asio::error::operation_aborted);
  run_co(ctx, s->shutdown());
}

TEST_F(StdioUpstreamTest, ChildDeathFailsInFlightCallsWithExitStatus) {
  auto s = make_stdio_session_factory(ctx.get_executor(), fake_options())->create({});
  run_co(ctx, s->start(init_params()));
  // One call is parked, the next one kills the child.
  std::string slow_error;
  bool slow_done = false;
  asio::co_spawn(ctx, s->call(tool_call(*s, "slow"), nullptr, {}), [&](std::exception_ptr e, json) {
    try {
      if (e) std::rethrow_exception(e);
    } catch (const UpstreamError& u) {
      slow_error = u.what();
    } catch (...) {
      slow_error = "wrong exception type";
    }
    slow_done = true;
  });
  run_for(ctx, std::chrono::milliseconds(50));
  try {
    run_co(ctx, s->call(tool_call(*s, "die"), nullptr, {}));
    FAIL() << "call to a dying child returned";
  } catch (const UpstreamError& e) {
    EXPECT_STREQ(e.what(), "upstream process exited with status 3");
  }
  ASSERT_TRUE(run_until(ctx, [&] { return slow_done; }));
  EXPECT_EQ(slow_error, "upstream process exited with status 3");
  EXPECT_FALSE(s->usable());
  EXPECT_THROW(run_co(ctx, s->call(tool_call(*s, "echo"), nullptr, {})), UpstreamError);
  run_co(ctx, s->shutdown());
}

TEST_F(StdioUpstreamTest, FactoryStartsAgainAfterAChildDied) {
  auto opts = fake_options();
  opts.restart_backoff_min = std::chrono::milliseconds(300);
  auto factory = make_stdio_session_factory(ctx.get_executor(), opts);
  auto s1 = factory->create({});
  run_co(ctx, s1->start(init_params()));
  EXPECT_THROW(run_co(ctx, s1->call(tool_call(*s1, "die"), nullptr, {})), UpstreamError);
  EXPECT_FALSE(s1->usable());
  // The next start first waits out the restart backoff (its sequence is
  // tested with a fake clock in legacy_session_core_test.cpp), then works.
  auto s2 = factory->create({});
  run_co(ctx, s2->start(init_params()));
  EXPECT_TRUE(s2->usable());
  run_co(ctx, s2->shutdown());
  run_co(ctx, s1->shutdown());
}

// A child that dies before answering initialize: start() fails with its exit
// status as soon as the exit is seen, not when the 30 s start timer fires.
// (5 s bounds "at once" loosely enough for a loaded or sanitized run.)
TEST_F(StdioUpstreamTest, ChildExitingBeforeOrDuringInitializeFailsStartWithItsExitStatus) {
  for (const char* option : {"--exit-at-start=7", "--exit-on-initialize=9"}) {
    auto s = make_stdio_session_factory(ctx.get_executor(), fake_options({option}))->create({});
    const auto began = std::chrono::steady_clock::now();
    const std::string error = start_error(ctx, *s);
    const auto took = std::chrono::steady_clock::now() - began;
    const std::string status = std::string(option).substr(std::string(option).find('=') + 1);
    EXPECT_NE(error.find("exited with status " + status), std::string::npos) << option << ": " << error;
    EXPECT_LT(took, std::chrono::seconds(5)) << option;
    EXPECT_FALSE(s->usable());
  }
}

TEST_F(StdioUpstreamTest, SpawnFailureIsAnUpstreamError) {
  StdioUpstreamOptions o;
  o.argv = {"/nonexistent/mcp-server"};
  auto s = make_stdio_session_factory(ctx.get_executor(), o)->create({});
  const std::string error = start_error(ctx, *s);
  EXPECT_NE(error.find("/nonexistent/mcp-server"), std::string::npos) << error;
  EXPECT_FALSE(s->usable());
}

TEST_F(StdioUpstreamTest, EnvAndCwdReachTheChild) {
  auto o = fake_options();
  o.env["MCP_UPSTREAM_TEST_VAR"] = "hello";
  o.cwd = std::filesystem::temp_directory_path().string();
  auto s = make_stdio_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  json r = run_co(ctx, s->call(tool_call(*s, "env", {{"name", "MCP_UPSTREAM_TEST_VAR"}}), nullptr, {}));
  EXPECT_EQ(r["result"]["value"], "hello");
  EXPECT_EQ(std::filesystem::path(r["result"]["cwd"].get<std::string>()),
            std::filesystem::canonical(std::filesystem::temp_directory_path()));
  run_co(ctx, s->shutdown());
}

TEST_F(StdioUpstreamTest, ShutdownEscalatesToSigkill) {
  // The child ignores both stdin EOF and SIGTERM: shutdown must still finish.
  auto s = make_stdio_session_factory(ctx.get_executor(), fake_options({"--ignore-sigterm", "--stay-after-eof"}))
               ->create({});
  run_co(ctx, s->start(init_params()));
  run_co(ctx, s->shutdown(), std::chrono::seconds(10));
  EXPECT_FALSE(s->usable());
}

TEST_F(StdioUpstreamTest, DroppedSessionStillStopsTheChild) {
  int pid = 0;
  {
    auto s = make_stdio_session_factory(ctx.get_executor(), fake_options())->create({});
    run_co(ctx, s->start(init_params()));
    pid = run_co(ctx, s->call(tool_call(*s, "pid"), nullptr, {}))["result"]["pid"];
    ASSERT_GT(pid, 0);
    ASSERT_EQ(::kill(pid, 0), 0);  // running
  }
  // The background shutdown runs on the io_context: the child must exit and
  // be reaped (then no process has that pid any more).
  EXPECT_TRUE(run_until(ctx, [&] { return ::kill(pid, 0) == -1 && errno == ESRCH; }, std::chrono::seconds(5)));
}

TEST_F(StdioUpstreamTest, NonJsonLinesAreSkipped) {
  auto s = make_stdio_session_factory(ctx.get_executor(), fake_options())->create({});
  run_co(ctx, s->start(init_params()));
  json r = run_co(ctx, s->call(tool_call(*s, "junk"), nullptr, {}));
  EXPECT_EQ(r["result"]["content"][0]["text"], "after junk");
  run_co(ctx, s->shutdown());
}

TEST_F(StdioUpstreamTest, OversizedLineKillsTheSessionWithAClearError) {
  auto o = fake_options();
  o.max_line_bytes = 1024 * 1024;
  auto s = make_stdio_session_factory(ctx.get_executor(), o)->create({});
  run_co(ctx, s->start(init_params()));
  try {
    run_co(ctx, s->call(tool_call(*s, "huge"), nullptr, {}));
    FAIL() << "oversized line accepted";
  } catch (const UpstreamError& e) {
    EXPECT_NE(std::string(e.what()).find("larger than"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(s->usable());
  run_co(ctx, s->shutdown());
}
