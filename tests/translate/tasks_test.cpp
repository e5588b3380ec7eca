// The io.modelcontextprotocol/tasks extension over legacy experimental tasks
// (translate/tasks.hpp), and extensions passing through the bridge (MCP Apps).
// Expected shapes are written from SEP-2663 and the 2025-11-25 tasks page,
// not from the code.
#include <gtest/gtest.h>

#include "translate/discover.hpp"
#include "translate/request_meta.hpp"
#include "translate/tasks.hpp"
#include "translate/to_legacy.hpp"
#include "translate/to_modern.hpp"

namespace mcp::translate {
namespace {

const json kLegacyTask = json::parse(R"({"taskId":"786512e2","status":"working",
  "statusMessage":"The operation is now in progress.","createdAt":"2025-11-25T10:30:00Z",
  "lastUpdatedAt":"2025-11-25T10:40:00Z","ttl":60000,"pollInterval":5000})");

json tool_with(std::string_view support) {
  return json{{"name", "t"}, {"execution", {{"taskSupport", std::string(support)}}}};
}

TEST(Tasks, UpstreamOffersToolTasksOnlyWithTasksRequestsToolsCall) {
  EXPECT_TRUE(upstream_supports_tool_tasks(
      json::parse(R"({"capabilities":{"tasks":{"list":{},"cancel":{},"requests":{"tools":{"call":{}}}}}})")));
  EXPECT_FALSE(upstream_supports_tool_tasks(json::parse(R"({"capabilities":{"tasks":{"list":{},"cancel":{}}}})")));
  EXPECT_FALSE(upstream_supports_tool_tasks(json::parse(R"({"capabilities":{"tasks":true}})")));
  EXPECT_FALSE(upstream_supports_tool_tasks(json::parse(R"({"capabilities":{}})")));
  EXPECT_FALSE(upstream_supports_tool_tasks(json("garbage")));
}

TEST(Tasks, ClientDeclaresTheExtensionUnderExtensions) {
  EXPECT_TRUE(client_declares_tasks(json::parse(R"({"extensions":{"io.modelcontextprotocol/tasks":{}}})")));
  EXPECT_FALSE(client_declares_tasks(json::parse(R"({"tasks":{}})")));  // the legacy slot is not the extension
  EXPECT_FALSE(client_declares_tasks(json::parse(R"({"extensions":{"io.modelcontextprotocol/ui":{}}})")));
  EXPECT_FALSE(client_declares_tasks(json::parse(R"({"extensions":{"io.modelcontextprotocol/tasks":true}})")));
  EXPECT_FALSE(client_declares_tasks(json(nullptr)));
}

TEST(Tasks, AugmentationFollowsTaskSupportAndTheClientsDeclaration) {
  const json optional = tool_with("optional"), required = tool_with("required"), forbidden = tool_with("forbidden");
  const json plain = json{{"name", "greet"}};
  EXPECT_EQ(decide_task_augmentation(&optional, true, true), TaskAugmentation::Augment);
  EXPECT_EQ(decide_task_augmentation(&optional, false, true), TaskAugmentation::None);  // falls through to sync
  EXPECT_EQ(decide_task_augmentation(&required, true, true), TaskAugmentation::Augment);
  EXPECT_EQ(decide_task_augmentation(&required, false, true), TaskAugmentation::MissingClientCapability);
  EXPECT_EQ(decide_task_augmentation(&forbidden, true, true), TaskAugmentation::None);
  EXPECT_EQ(decide_task_augmentation(&plain, true, true), TaskAugmentation::None);
  EXPECT_EQ(decide_task_augmentation(nullptr, true, true), TaskAugmentation::None);
  // Without the upstream capability, execution.taskSupport means nothing (tasks.mdx rule 1).
  EXPECT_EQ(decide_task_augmentation(&required, false, false), TaskAugmentation::None);
}

TEST(Tasks, TheClientsOwnTaskParamNeverReachesTheUpstream) {
  json request = json::parse(R"({"jsonrpc":"2.0","id":7,"method":"tools/call",
    "params":{"name":"greet","arguments":{},"task":{"ttl":60000,"pollInterval":100}}})");
  json plain = with_task_augmentation(request, false);
  EXPECT_FALSE(plain["params"].contains("task"));
  json augmented = with_task_augmentation(request, true);
  EXPECT_EQ(augmented["params"]["task"], json::object());
  EXPECT_EQ(augmented["params"]["name"], "greet");
  EXPECT_EQ(with_task_augmentation(json::parse(R"({"id":1,"method":"tools/call"})"), true)["params"]["task"],
            json::object());
}

TEST(Tasks, CreatedTaskIsFoundOnlyInACreateTaskResult) {
  EXPECT_EQ(created_task_of(json{{"id", 1}, {"result", {{"task", kLegacyTask}}}}), kLegacyTask);
  EXPECT_FALSE(created_task_of(json::parse(R"({"id":1,"result":{"content":[]}})")));
  EXPECT_FALSE(created_task_of(json::parse(R"({"id":1,"result":{"task":{"status":"working"}}})")));
  EXPECT_FALSE(created_task_of(json::parse(R"({"id":1,"error":{"code":-32603,"message":"x"}})")));
}

TEST(Tasks, CreateTaskResultIsFlatWithRenamedFieldsAndTheHandle) {
  json r = make_create_task_result(kLegacyTask, "H");
  EXPECT_EQ(r, json::parse(R"({"resultType":"task","taskId":"H","status":"working",
    "statusMessage":"The operation is now in progress.","createdAt":"2025-11-25T10:30:00Z",
    "lastUpdatedAt":"2025-11-25T10:40:00Z","ttlMs":60000,"pollIntervalMs":5000})"));
  for (const char* absent : {"task", "ttl", "pollInterval", "requestState", "result", "error", "inputRequests"})
    EXPECT_FALSE(r.contains(absent)) << absent;
}

TEST(Tasks, TtlNullOrFractionalBecomesNullAndBadPollIntervalIsDropped) {
  json legacy = kLegacyTask;
  legacy["ttl"] = nullptr;
  legacy["pollInterval"] = 2.5;
  json r = to_modern_task(legacy, "H");
  EXPECT_TRUE(r["ttlMs"].is_null());
  EXPECT_FALSE(r.contains("pollIntervalMs"));
  legacy["status"] = "exploded";  // not a status
  EXPECT_EQ(to_modern_task(legacy, "H")["status"], "working");
}

TEST(Tasks, CompletedTaskInlinesTheResultWithoutRelatedTaskMeta) {
  json legacy = kLegacyTask;
  legacy["status"] = "completed";
  json outcome = json::parse(R"({"jsonrpc":"2.0","id":9,"result":{"content":[{"type":"text","text":"done"}],
    "isError":true,"_meta":{"io.modelcontextprotocol/related-task":{"taskId":"786512e2"}}}})");
  json d = make_detailed_task(legacy, "H", outcome, json::object());
  EXPECT_EQ(d["resultType"], "complete");
  EXPECT_EQ(d["status"], "completed");  // a tool error is still a completed task
  EXPECT_EQ(d["result"], json::parse(R"({"content":[{"type":"text","text":"done"}],"isError":true})"));
  EXPECT_FALSE(d.contains("error"));
}

TEST(Tasks, AJsonRpcErrorOutcomeIsAFailedTaskWithTheError) {
  json legacy = kLegacyTask;
  legacy["status"] = "failed";
  json outcome = json::parse(R"({"jsonrpc":"2.0","id":9,"error":{"code":-32603,"message":"boom"}})");
  json d = make_detailed_task(legacy, "H", outcome, json::object());
  EXPECT_EQ(d["status"], "failed");
  EXPECT_EQ(d["error"], json::parse(R"({"code":-32603,"message":"boom"})"));
  EXPECT_FALSE(d.contains("result"));
}

TEST(Tasks, InputRequiredCarriesTheOutstandingRequestsOrReadsAsWorking) {
  json legacy = kLegacyTask;
  legacy["status"] = "input_required";
  json inputs = json::parse(R"({"confirm":{"method":"elicitation/create","params":{"message":"Sure?"}}})");
  json d = make_detailed_task(legacy, "H", nullptr, inputs);
  EXPECT_EQ(d["status"], "input_required");
  EXPECT_EQ(d["inputRequests"], inputs);
  json answered = make_detailed_task(legacy, "H", nullptr, json::object());
  EXPECT_EQ(answered["status"], "working");
  EXPECT_FALSE(answered.contains("inputRequests"));
  for (const json& t : {d, answered}) EXPECT_FALSE(t.contains("requestState"));
}

TEST(Tasks, WorkingAndCancelledTasksCarryNoPayload) {
  for (const char* status : {"working", "cancelled"}) {
    json legacy = kLegacyTask;
    legacy["status"] = status;
    json d = make_detailed_task(legacy, "H", nullptr, json::object());
    EXPECT_EQ(d["status"], status);
    for (const char* absent : {"result", "error", "inputRequests"}) EXPECT_FALSE(d.contains(absent)) << status;
  }
}

TEST(Tasks, AckIsResultTypeCompleteOnly) { EXPECT_EQ(make_task_ack(), json::parse(R"({"resultType":"complete"})")); }

TEST(Tasks, RelatedTaskOfAServerRequest) {
  EXPECT_EQ(related_task_of(json::parse(R"({"id":1,"method":"elicitation/create",
    "params":{"_meta":{"io.modelcontextprotocol/related-task":{"taskId":"T1"}}}})")),
            std::optional<std::string>("T1"));
  EXPECT_FALSE(related_task_of(json::parse(R"({"id":1,"method":"elicitation/create","params":{}})")));
  EXPECT_FALSE(related_task_of(json::parse(R"({"id":1,"method":"elicitation/create",
    "params":{"_meta":{"io.modelcontextprotocol/related-task":{"taskId":7}}}})")));
}

TEST(Tasks, TaskInputRequestLosesTheBridgeHintAndRelatedTaskMeta) {
  json request = json::parse(R"({"jsonrpc":"2.0","id":3,"method":"elicitation/create","params":{"message":"Delete x?",
    "requestedSchema":{"type":"object"},"_meta":{"io.modelcontextprotocol/related-task":{"taskId":"T1"},
    "mcp-bridge/inputKey":"confirm_delete"}}})");
  EXPECT_EQ(to_task_input_request(request), json::parse(R"({"method":"elicitation/create",
    "params":{"message":"Delete x?","requestedSchema":{"type":"object"}}})"));
}

TEST(Tasks, MissingCapabilityDataNamesTheExtension) {
  EXPECT_EQ(tasks_required_capability_data(),
            json::parse(R"({"requiredCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}}})"));
}

TEST(Tasks, DescriptorRoundTripsAndRejectsGarbage) {
  TaskDescriptor d{"task-1", R"({"extensions":{"io.modelcontextprotocol/tasks":{}}})", "info"};
  auto back = decode_task_descriptor(encode_task_descriptor(d));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->upstream_task_id, d.upstream_task_id);
  EXPECT_EQ(back->capabilities_canonical, d.capabilities_canonical);
  EXPECT_EQ(back->log_level, d.log_level);
  EXPECT_FALSE(decode_task_descriptor("not base64!"));
  EXPECT_FALSE(decode_task_descriptor("e30="));  // {}
  EXPECT_FALSE(decode_task_descriptor(encode_task_descriptor({"", "{}", ""})));
}

TEST(Tasks, DiscoverAdvertisesTheExtensionForLegacyToolTasks) {
  json with = to_modern_server_capabilities(
      json::parse(R"({"tools":{},"tasks":{"requests":{"tools":{"call":{}}}}})"), DiscoverOptions{});
  EXPECT_EQ(with["extensions"], json::parse(R"({"io.modelcontextprotocol/tasks":{}})"));
  EXPECT_FALSE(with.contains("tasks"));
  json without = to_modern_server_capabilities(json::parse(R"({"tools":{},"tasks":{"list":{}}})"), DiscoverOptions{});
  EXPECT_FALSE(without.contains("extensions"));
  // The upstream's own extensions stay next to it.
  json both = to_modern_server_capabilities(
      json::parse(R"({"extensions":{"io.modelcontextprotocol/ui":{}},"tasks":{"requests":{"tools":{"call":{}}}}})"),
      DiscoverOptions{});
  EXPECT_EQ(both["extensions"], json::parse(R"({"io.modelcontextprotocol/ui":{},"io.modelcontextprotocol/tasks":{}})"));
}

// MCP Apps (io.modelcontextprotocol/ui): the client's declaration reaches the
// upstream's initialize; the tool's _meta.ui and the ui:// resource come back intact.
TEST(Extensions, McpAppsDeclarationReachesTheUpstreamAndUiPassesThrough) {
  RequestMeta meta;
  meta.client_capabilities =
      json::parse(R"({"extensions":{"io.modelcontextprotocol/ui":{"mimeTypes":["text/html;profile=mcp-app"]}}})");
  json init = make_initialize_params(meta, InitializeOptions{});
  EXPECT_EQ(init["capabilities"]["extensions"], meta.client_capabilities["extensions"]);

  ResponseContext ctx;
  ctx.client_id = "c1";
  ctx.method = "tools/list";
  const json tool = json::parse(R"({"name":"chart","inputSchema":{"type":"object"},
    "_meta":{"ui":{"resourceUri":"ui://charts/bar.html","visibility":["model","app"]}}})");
  json listed = to_modern_response(json{{"jsonrpc", "2.0"}, {"id", 4}, {"result", {{"tools", {tool}}}}}, ctx);
  EXPECT_EQ(listed["result"]["tools"][0], tool);

  ctx.method = "resources/read";
  const json contents = json::parse(R"({"uri":"ui://charts/bar.html","mimeType":"text/html;profile=mcp-app",
    "text":"<html></html>","_meta":{"ui":{"csp":{"connectDomains":["https://api.example.com"]},"prefersBorder":true}}})");
  json read = to_modern_response(json{{"jsonrpc", "2.0"}, {"id", 5}, {"result", {{"contents", {contents}}}}}, ctx);
  EXPECT_EQ(read["id"], "c1");
  EXPECT_EQ(read["result"]["contents"][0], contents);
}

}  // namespace
}  // namespace mcp::translate
