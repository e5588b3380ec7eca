// The io.modelcontextprotocol/tasks extension (SEP-2663,
// ../shared/spec/extensions/tasks-overview.mdx) on top of a legacy server's
// experimental tasks (2025-11-25 basic/utilities/tasks.mdx), as pure
// functions over JSON. The bridge's glue (bridge/tasks.hpp) signs the task
// handles and talks to the upstream; nothing here throws on hostile input.
//
//   2026-07-28 client (extension)        legacy upstream (experimental tasks)
//   tools/call                      ->   tools/call + task:{}       (tool taskSupport optional|required)
//   {resultType:"task", taskId:H,...} <- {task:{taskId:T, ttl, pollInterval, ...}}
//   tasks/get H                     ->   tasks/get T (+ tasks/result T when terminal,
//                                         + a background tasks/result T while input_required)
//   tasks/update H inputResponses   ->   answers to the upstream's elicitation/create ... (related-task T)
//   tasks/cancel H                  ->   tasks/cancel T             (ack; a terminal task is acked too)
//   tasks/result, tasks/list        ->   -32601 (removed by the extension)
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace mcp::translate {

using json = nlohmann::json;

inline constexpr std::string_view kTasksExtension = "io.modelcontextprotocol/tasks";
// 2025-11-25 _meta key tying a message to a task (tasks.mdx "Associating Task-Related Messages").
inline constexpr std::string_view kRelatedTaskMeta = "io.modelcontextprotocol/related-task";

// The upstream's InitializeResult declares capabilities.tasks.requests.tools.call:
// then (and only then) the bridge offers the extension.
bool upstream_supports_tool_tasks(const json& initialize_result);

// The request's clientCapabilities declare extensions["io.modelcontextprotocol/tasks"].
bool client_declares_tasks(const json& client_capabilities);

// tasks/get, tasks/update, tasks/cancel: the extension's methods.
bool is_task_method(std::string_view method);

// data of the -32021 for a client that did not declare the extension:
// {"requiredCapabilities": {"extensions": {"io.modelcontextprotocol/tasks": {}}}}.
json tasks_required_capability_data();

// What the bridge does with a tools/call (SEP-2663 "Capability Negotiation",
// 2025-11-25 tasks.mdx "Tool-Level Negotiation"). `tool` is the tool's
// tools/list entry (null when unknown).
enum class TaskAugmentation {
  None,                      // forward as a plain call
  Augment,                   // forward with task:{} (the bridge makes every allowed call a task)
  MissingClientCapability,   // taskSupport "required" and the client did not declare the extension: -32021
};
TaskAugmentation decide_task_augmentation(const json* tool, bool client_declares, bool upstream_supports);

// The legacy tools/call request without the client's own `task` param
// (SEP-2663: servers ignore it), with task:{} when `augment`.
json with_task_augmentation(json legacy_request, bool augment);

// The Task of a legacy CreateTaskResult ({"result": {"task": {"taskId": ...}}}); nullopt otherwise.
std::optional<json> created_task_of(const json& legacy_response);

// Legacy Task -> the extension's Task fields: taskId := handle, ttl -> ttlMs
// (integer or null), pollInterval -> pollIntervalMs (positive integer, else
// absent), status/statusMessage/createdAt/lastUpdatedAt copied when well-typed.
json to_modern_task(const json& legacy_task, const std::string& handle);

// CreateTaskResult: the Task with resultType "task" (flat, no requestState).
json make_create_task_result(const json& legacy_task, const std::string& handle);

// The DetailedTask of tasks/get (resultType "complete"):
// - `outcome` (the legacy tasks/result response of a terminal task) inlines
//   as result (status completed, related-task _meta removed) or error
//   (status failed): exactly what the original request returned (SEP-2663);
// - `input_requests` (non-empty) inlines as inputRequests with status input_required;
// - an input_required upstream task with no outstanding request reads as
//   working: every question has been answered and it is processing.
json make_detailed_task(const json& legacy_task, const std::string& handle, const json& outcome,
                        const json& input_requests);

// {"resultType": "complete"}: the tasks/update and tasks/cancel acknowledgement.
json make_task_ack();

// A task's server-to-client request as one inputRequests entry: {method,
// params} (translate::to_input_request) without the related-task _meta (the
// task is the one the client polls).
json to_task_input_request(const json& server_request);

// The related-task taskId of an upstream server-to-client request, if any.
std::optional<std::string> related_task_of(const json& server_request);

bool is_terminal_task_status(std::string_view status);

// The session identity a task handle carries: the pool key parts that pick
// the upstream session owning the task (pool/session_key.hpp; the
// Authorization header is never written into a handle: the signature binds
// its digest instead).
struct TaskDescriptor {
  std::string upstream_task_id;
  std::string capabilities_canonical;
  std::string log_level;
};
// Base64 of {"t": task id, "c": capabilities, "l": log level}; decode is
// nullopt for anything malformed.
std::string encode_task_descriptor(const TaskDescriptor& descriptor);
std::optional<TaskDescriptor> decode_task_descriptor(std::string_view encoded);

}  // namespace mcp::translate
