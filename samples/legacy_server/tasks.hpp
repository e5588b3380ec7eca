// Experimental tasks of MCP 2025-11-25 (basic/utilities/tasks.mdx), the
// legacy way: a client augments tools/call with `task: {ttl}`, gets a
// CreateTaskResult at once, polls tasks/get and fetches the outcome with
// tasks/result (which blocks until the task is terminal). A task that needs
// input moves to input_required; its elicitation/create goes out, tagged with
// io.modelcontextprotocol/related-task, on the stream of the next tasks/result.
//
// One TaskStore per session: a task is visible only to the session that
// created it (its authorization context). Bounded: at most max_tasks; a full
// store drops its oldest terminal task, and refuses when none is terminal.
// Tasks are forgotten ttl after creation. The clock is injected so tests can
// age tasks without sleeping.
#pragma once

#include "session.hpp"

#include <boost/asio/cancellation_signal.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace legacy {

inline constexpr std::string_view kRelatedTaskMeta = "io.modelcontextprotocol/related-task";

struct TaskStoreOptions {
  std::size_t max_tasks = 64;
  std::chrono::milliseconds default_ttl{std::chrono::minutes(5)};
  std::chrono::milliseconds max_ttl{std::chrono::hours(1)};
  std::chrono::milliseconds poll_interval{250};
};

// A request the task waits to send to the client (elicitation/create, ...):
// queued until a tasks/result stream exists, then sent and answered there.
struct TaskInput {
  explicit TaskInput(asio::any_io_executor executor) : sent(executor) {}
  std::string method;
  json params;
  std::optional<std::int64_t> client_request_id;  // set once sent
  asio::steady_timer sent;                         // cancelled when sent
};

struct TaskRecord {
  std::string id;
  std::string status = "working";  // working | input_required | completed | failed | cancelled
  std::string status_message;
  std::chrono::system_clock::time_point created_at, updated_at;
  std::chrono::milliseconds ttl{0};
  json outcome;  // terminal: the JSON-RPC result, or {"error": {...}}
  std::shared_ptr<asio::cancellation_signal> cancel = std::make_shared<asio::cancellation_signal>();
  std::deque<std::shared_ptr<TaskInput>> unsent;
  int awaited_inputs = 0;  // client requests sent or queued, not answered yet
  std::vector<std::weak_ptr<asio::steady_timer>> watchers;  // tasks/result callers, woken on change

  bool terminal() const { return status == "completed" || status == "failed" || status == "cancelled"; }
};

class TaskStore {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  explicit TaskStore(TaskStoreOptions options = {}, Clock now = std::chrono::system_clock::now)
      : options_(options), now_(std::move(now)) {}

  // A new working task; ttl_request from the client's `task.ttl` (clamped).
  // Throws McpError(-32603) when the store is full of running tasks.
  std::shared_ptr<TaskRecord> create(const json& task_params);
  // nullptr when unknown or expired.
  std::shared_ptr<TaskRecord> find(const std::string& id);

  // The Task object of tasks/get, tasks/cancel, tasks/list and CreateTaskResult.task.
  json describe(const TaskRecord& task) const;
  json list();

  // State changes; each wakes the task's tasks/result callers.
  void set_status(TaskRecord& task, std::string status, std::string message = {});
  void finish(TaskRecord& task, json outcome, bool failed);
  // -32602 when the task is already terminal (tasks.mdx "Task Cancellation").
  void cancel(TaskRecord& task);
  void close();  // session end: every running task is cancelled

  std::size_t size() const { return tasks_.size(); }
  const TaskStoreOptions& options() const { return options_; }

 private:
  void expire();
  static void wake(TaskRecord& task);

  TaskStoreOptions options_;
  Clock now_;
  std::map<std::string, std::shared_ptr<TaskRecord>> tasks_;
};

// What a task-supporting tool's job sees. `request` is set when the tool runs
// synchronously (no `task` param): its client requests then go out on the
// request's own stream, as for any other tool.
struct TaskContext {
  Session& session;
  json arguments;
  std::shared_ptr<TaskRecord> task;  // null when synchronous
  RequestContext* request = nullptr;
};

// elicitation/create from a job: on the request's stream when synchronous,
// else queued for the next tasks/result stream (status input_required until
// answered). Returns the client's ElicitResult.
asio::awaitable<json> task_elicit(TaskContext& context, std::string message, json requested_schema,
                                  std::string_view input_key);
// The same in two steps for a task (context.task set), so that several
// requests can be outstanding at once: start them all, then await each.
std::shared_ptr<TaskInput> start_task_input(TaskContext& context, std::string message, json requested_schema,
                                            std::string_view input_key);
asio::awaitable<json> await_task_input(TaskContext& context, std::shared_ptr<TaskInput> input);

using TaskJob = std::function<asio::awaitable<json>(TaskContext&)>;

// Our ServerCapabilities.tasks: task-augmented tools/call, tasks/list, tasks/cancel.
json tasks_capability();

// tools/call with a `task` param: creates the task, runs `job` in the
// background on the session and returns the CreateTaskResult.
json start_task(RequestContext& context, json arguments, TaskJob job);

// tasks/get, tasks/result, tasks/list, tasks/cancel; any other method is
// -32601 Method not found (Session::dispatch ends here).
asio::awaitable<json> dispatch_task_method(RequestContext& context, const std::string& method);

json get_task(Session& session, const json& params);
asio::awaitable<json> task_result(RequestContext& context);
json list_tasks(Session& session);
json cancel_task(Session& session, const json& params);

}  // namespace legacy
