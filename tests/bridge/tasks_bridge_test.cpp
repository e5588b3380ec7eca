// bridge/tasks.hpp against a scripted legacy task server (no sockets): signed
// task handles (principal, tampering, expiry on an injected clock, key
// rotation) and the input path (a task's elicitation/create -> tasks/get
// inputRequests -> tasks/update -> the upstream's answer).
#include <gtest/gtest.h>

#include <map>

#include "bridge/tasks.hpp"
#include "fake_upstream.hpp"
#include "translate/canonical.hpp"
#include "translate/jsonrpc.hpp"
#include "translate/tasks.hpp"

namespace mcp::bridge {
namespace {

namespace asio = boost::asio;
using test::FakeServerState;
using test::FakeSession;
using test::run_until;
using test::run_until_done;

StateKey key(std::string id, char fill) { return StateKey{std::move(id), std::string(kMinSecretBytes, fill)}; }

struct Clock {
  std::int64_t now = 1'700'000'000'000;
};

TaskOptions options(KeyRing keys) {
  TaskOptions o;
  o.keys = std::move(keys);
  o.owner = "http://127.0.0.1:1";
  o.input_wait = std::chrono::milliseconds(500);
  o.gather_window = std::chrono::milliseconds(10);
  return o;
}

const json kTask = json::parse(R"({"taskId":"up-1","status":"working","createdAt":"2025-11-25T10:30:00Z",
  "lastUpdatedAt":"2025-11-25T10:30:00Z","ttl":60000,"pollInterval":500})");

const json kTasksUpstream = json::parse(R"({"capabilities":{"tasks":{"requests":{"tools":{"call":{}}}}}})");
const json kDeclaring = json::parse(R"({"extensions":{"io.modelcontextprotocol/tasks":{}}})");

TEST(TaskHandles, RoundTripToTheOwningSessionKey) {
  asio::io_context ioc;
  Clock clock;
  auto tasks = std::make_shared<TaskBridge>(ioc.get_executor(), options(KeyRing({key("k1", 'a')})),
                                            [&clock] { return clock.now; });
  auto owner = pool::SessionKey::make("Bearer alice", kDeclaring, "info");
  const std::string handle = tasks->make_handle("Bearer alice", owner, kTask);
  auto target = tasks->open_handle(handle, "Bearer alice");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->key, owner);
  EXPECT_EQ(target->upstream_task_id, "up-1");
  EXPECT_EQ(handle.find("Bearer"), std::string::npos);  // the credential is never in a handle
  EXPECT_FALSE(tasks->open_handle(handle, "Bearer mallory"));  // another principal
  EXPECT_FALSE(tasks->open_handle(handle, ""));
  EXPECT_FALSE(tasks->open_handle("tasks-conformance-nonexistent-12345", "Bearer alice"));
}

TEST(TaskHandles, TamperedDescriptorOrSignatureIsRejected) {
  asio::io_context ioc;
  auto tasks = std::make_shared<TaskBridge>(ioc.get_executor(), options(KeyRing({key("k1", 'a')})));
  const std::string handle = tasks->make_handle("", pool::SessionKey::make("", kDeclaring), kTask);
  // Another task id / session key in the descriptor, keeping the signature.
  const auto first_dot = handle.find('.', 3);
  const std::string forged =
      "t1." + translate::encode_task_descriptor({"up-2", translate::canonical_json(kDeclaring), ""}) +
      handle.substr(first_dot);
  EXPECT_FALSE(tasks->open_handle(forged, ""));
  std::string flipped = handle;
  flipped[flipped.size() - 3] = flipped[flipped.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(tasks->open_handle(flipped, ""));
  // Signed with a key the verifier does not hold.
  auto other = std::make_shared<TaskBridge>(ioc.get_executor(), options(KeyRing({key("k9", 'z')})));
  EXPECT_FALSE(other->open_handle(handle, ""));
}

TEST(TaskHandles, LiveForTheTasksTtlThenExpire) {
  asio::io_context ioc;
  Clock clock;
  auto tasks = std::make_shared<TaskBridge>(ioc.get_executor(), options(KeyRing({key("k1", 'a')})),
                                            [&clock] { return clock.now; });
  const std::string handle = tasks->make_handle("", pool::SessionKey::make("", kDeclaring), kTask);
  clock.now += 60'000;  // the task's ttl: still accessible (SEP-2663: no early expiry)
  EXPECT_TRUE(tasks->open_handle(handle, ""));
  clock.now += 10 * 60'000;
  EXPECT_FALSE(tasks->open_handle(handle, ""));
}

TEST(TaskHandles, SurviveKeyRotation) {
  asio::io_context ioc;
  auto before = std::make_shared<TaskBridge>(ioc.get_executor(), options(KeyRing({key("old", 'a')})));
  auto after = std::make_shared<TaskBridge>(ioc.get_executor(), options(KeyRing({key("new", 'b'), key("old", 'a')})));
  const std::string handle = before->make_handle("", pool::SessionKey::make("", kDeclaring), kTask);
  EXPECT_TRUE(after->open_handle(handle, ""));
}

// A legacy server with one task: tasks/get answers its status, tasks/result
// blocks (the watcher) until the test ends it, tasks/cancel refuses a terminal task.
struct ScriptedUpstream {
  std::string status = "working";
  std::vector<json> seen;
  TaskBridge::CallOn call_on() {
    return [this](std::shared_ptr<upstream::UpstreamSession>, json request) -> asio::awaitable<json> {
      seen.push_back(request);
      const std::string method = request["method"];
      json task = kTask;
      task["status"] = status;
      if (method == "tasks/get") co_return json{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", task}};
      if (method == "tasks/cancel") {
        if (status == "completed")
          co_return translate::make_error_response(request["id"], -32602, "Task is already in a terminal status");
        status = "cancelled";
        co_return json{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", task}};
      }
      if (method == "tasks/result" && status == "completed")
        co_return json{{"jsonrpc", "2.0"}, {"id", request["id"]},
                       {"result", {{"content", {{{"type", "text"}, {"text", "done"}}}}}}};
      // tasks/result of a running task: blocks (until the test's io_context stops)
      asio::steady_timer forever(co_await asio::this_coro::executor, std::chrono::hours(1));
      co_await forever.async_wait(asio::use_awaitable);
      co_return json{};
    };
  }
};

struct TaskFixture : ::testing::Test {
  asio::io_context ioc;
  std::shared_ptr<FakeServerState> state = std::make_shared<FakeServerState>();
  std::shared_ptr<FakeSession> session = std::make_shared<FakeSession>(ioc.get_executor(), state);
  std::shared_ptr<TaskBridge> tasks =
      std::make_shared<TaskBridge>(ioc.get_executor(), options(KeyRing({key("k1", 'a')})));
  pool::SessionKey owner = pool::SessionKey::make("", kDeclaring);
  ScriptedUpstream upstream;
  std::string handle = tasks->make_handle("", owner, kTask);

  Reply call(std::string method, json params, json caps = kDeclaring, json init = kTasksUpstream) {
    TaskBridge::Acquire acquire = [this](pool::SessionKey k) -> asio::awaitable<std::shared_ptr<upstream::UpstreamSession>> {
      EXPECT_EQ(k, owner);
      co_return session;
    };
    ioc.restart();  // a previous run may have run out of work
    return run_until_done(ioc, tasks->handle(std::move(method), std::move(params), json(7), "", std::move(caps),
                                             std::move(init), std::move(acquire), upstream.call_on()));
  }
};

TEST_F(TaskFixture, ClientsWithoutTheExtensionGetMissingCapability) {
  Reply r = call("tasks/get", {{"taskId", handle}}, json::object());
  EXPECT_EQ(r.http_status, 400u);
  EXPECT_EQ(r.body["error"]["code"], -32021);
  EXPECT_EQ(r.body["error"]["data"], translate::tasks_required_capability_data());
  EXPECT_TRUE(upstream.seen.empty());
}

TEST_F(TaskFixture, NoExtensionWithoutLegacyToolTasksUpstream) {
  Reply r = call("tasks/get", {{"taskId", handle}}, kDeclaring, json::parse(R"({"capabilities":{"tools":{}}})"));
  EXPECT_EQ(r.http_status, 404u);
  EXPECT_EQ(r.body["error"]["code"], -32601);
}

TEST_F(TaskFixture, UnknownHandleIsInvalidParamsAndNothingReachesTheUpstream) {
  Reply r = call("tasks/get", {{"taskId", "tasks-conformance-nonexistent-12345"}});
  EXPECT_EQ(r.body["error"]["code"], -32602);
  EXPECT_TRUE(upstream.seen.empty());
}

TEST_F(TaskFixture, CompletedTaskInlinesTheResultUnderTheHandle) {
  upstream.status = "completed";
  Reply r = call("tasks/get", {{"taskId", handle}});
  ASSERT_TRUE(r.body.contains("result")) << r.body.dump();
  EXPECT_EQ(r.body["result"]["taskId"], handle);
  EXPECT_EQ(r.body["result"]["status"], "completed");
  EXPECT_EQ(r.body["result"]["result"]["content"][0]["text"], "done");
  ASSERT_EQ(upstream.seen.size(), 2u);
  EXPECT_EQ(upstream.seen[0]["params"]["taskId"], "up-1");  // the upstream's own id, not the handle
  EXPECT_EQ(upstream.seen[1]["method"], "tasks/result");
}

TEST_F(TaskFixture, CancellingATerminalTaskIsAcknowledged) {
  upstream.status = "completed";
  Reply r = call("tasks/cancel", {{"taskId", handle}});
  EXPECT_EQ(r.body["result"], json::parse(R"({"resultType":"complete"})"));
  upstream.status = "working";
  r = call("tasks/cancel", {{"taskId", handle}});
  EXPECT_EQ(r.body["result"], json::parse(R"({"resultType":"complete"})"));
  EXPECT_EQ(upstream.status, "cancelled");
}

TEST_F(TaskFixture, TaskInputGoesThroughTasksGetAndTasksUpdate) {
  upstream.status = "input_required";
  // The upstream's request for this task reaches the wrapped handler (the
  // watcher's tasks/result stream would carry it); MRTR never sees it.
  bool mrtr_saw_it = false;
  upstream::ServerRequestHandler mrtr = [&mrtr_saw_it](json r, json) -> asio::awaitable<json> {
    mrtr_saw_it = true;
    co_return translate::make_error_response(r["id"], -32601, "not for MRTR");
  };
  auto handler = tasks->wrap(*session, json::parse(R"({"elicitation":{}})"), mrtr);
  json elicitation = json::parse(R"({"jsonrpc":"2.0","id":41,"method":"elicitation/create","params":{
    "message":"Delete x?","requestedSchema":{"type":"object"},
    "_meta":{"io.modelcontextprotocol/related-task":{"taskId":"up-1"},"mcp-bridge/inputKey":"confirm"}}})");
  std::optional<json> upstream_got;
  asio::co_spawn(ioc, handler(elicitation, nullptr), [&](std::exception_ptr, json answer) { upstream_got = answer; });
  ASSERT_TRUE(run_until(ioc, [&] { return tasks->pending_inputs() == 1; }));

  Reply got = call("tasks/get", {{"taskId", handle}});
  ASSERT_TRUE(got.body.contains("result")) << got.body.dump();
  EXPECT_EQ(got.body["result"]["status"], "input_required");
  EXPECT_EQ(got.body["result"]["inputRequests"],
            json::parse(R"({"confirm":{"method":"elicitation/create",
              "params":{"message":"Delete x?","requestedSchema":{"type":"object"}}}})"));
  EXPECT_FALSE(upstream_got);

  Reply ack = call("tasks/update", {{"taskId", handle},
                                    {"inputResponses", {{"confirm", {{"action", "accept"}, {"content", {{"confirm", true}}}}},
                                                        {"unknown", {{"action", "decline"}}}}}});
  EXPECT_EQ(ack.body["result"], json::parse(R"({"resultType":"complete"})"));
  ioc.restart();
  ASSERT_TRUE(run_until(ioc, [&] { return upstream_got.has_value(); }));
  EXPECT_EQ(*upstream_got, json::parse(R"({"jsonrpc":"2.0","id":41,"result":{"action":"accept","content":{"confirm":true}}})"));
  EXPECT_FALSE(mrtr_saw_it);
  EXPECT_EQ(tasks->pending_inputs(), 0u);
  // Answered: an upstream still reporting input_required reads as working.
  Reply after = call("tasks/get", {{"taskId", handle}});
  EXPECT_EQ(after.body["result"]["status"], "working");
  EXPECT_FALSE(after.body["result"].contains("inputRequests"));
}

TEST_F(TaskFixture, UpdateWithMalformedInputResponsesIsInvalidParams) {
  Reply r = call("tasks/update", {{"taskId", handle}, {"inputResponses", 12}});
  EXPECT_EQ(r.body["error"]["code"], -32602);
  EXPECT_TRUE(upstream.seen.empty());
}

}  // namespace
}  // namespace mcp::bridge
