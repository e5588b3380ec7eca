#include "tasks.hpp"

#include "client_requests.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <random>

namespace legacy {
namespace {

using namespace std::chrono_literals;

// ISO 8601 UTC with milliseconds (tasks.mdx "TTL and Resource Management").
std::string iso8601(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 32> date{};
  std::strftime(date.data(), date.size(), "%Y-%m-%dT%H:%M:%S", &utc);
  std::array<char, 48> out{};
  std::snprintf(out.data(), out.size(), "%s.%03dZ", date.data(), static_cast<int>(ms % 1000));
  return out.data();
}

// Task ids are bearer handles for the session's task state: 128 random bits.
std::string new_task_id() {
  std::random_device random;  // /dev/urandom on Linux
  std::array<char, 33> hex{};
  for (int i = 0; i < 4; ++i) std::snprintf(hex.data() + i * 8, 9, "%08x", static_cast<unsigned>(random()));
  return hex.data();
}

std::string task_id_param(const json& params) {
  auto it = params.find("taskId");
  if (it == params.end() || !it->is_string() || it->get_ref<const std::string&>().size() > 128)
    throw McpError(error_code::kInvalidParams, "taskId must be a string");
  return it->get<std::string>();
}

std::shared_ptr<TaskRecord> known_task(Session& session, const json& params) {
  auto task = session.tasks().find(task_id_param(params));
  if (!task) throw McpError(error_code::kInvalidParams, "Unknown or expired task");
  return task;
}

json error_outcome(int code, std::string message, const json& data) {
  json error{{"code", code}, {"message", std::move(message)}};
  if (!data.is_null()) error["data"] = data;
  return json{{"error", std::move(error)}};
}

// The job of one task, in the background on the session's executor.
asio::awaitable<void> run_job(std::shared_ptr<Session> session, std::shared_ptr<TaskRecord> task, json arguments,
                              TaskJob job) {
  TaskContext context{*session, std::move(arguments), task, nullptr};
  json outcome;
  bool failed = false;
  bool aborted = false;
  try {
    outcome = co_await job(context);
  } catch (const McpError& e) {
    outcome = error_outcome(e.code(), e.what(), e.data());
    failed = true;
  } catch (const boost::system::system_error& e) {
    aborted = e.code() == asio::error::operation_aborted;
    if (!aborted) spdlog::error("session {}: task {} failed: {}", session->id(), task->id, e.what());
    outcome = error_outcome(error_code::kInternalError, "Internal error", nullptr);
    failed = true;
  } catch (const std::exception& e) {
    spdlog::error("session {}: task {} failed: {}", session->id(), task->id, e.what());
    outcome = error_outcome(error_code::kInternalError, "Internal error", nullptr);
    failed = true;
  }
  if (task->terminal()) co_return;  // cancelled meanwhile: it stays cancelled
  if (aborted) {
    session->tasks().set_status(*task, "cancelled", "The task was stopped");
    co_return;
  }
  session->tasks().finish(*task, std::move(outcome), failed);
}

}  // namespace

std::shared_ptr<TaskRecord> TaskStore::create(const json& task_params) {
  expire();
  if (tasks_.size() >= options_.max_tasks) {
    // Make room by forgetting the oldest terminal task; never a running one.
    auto oldest = tasks_.end();
    for (auto it = tasks_.begin(); it != tasks_.end(); ++it)
      if (it->second->terminal() && (oldest == tasks_.end() || it->second->created_at < oldest->second->created_at))
        oldest = it;
    if (oldest == tasks_.end()) throw McpError(error_code::kInternalError, "Too many running tasks on this session");
    tasks_.erase(oldest);
  }
  auto task = std::make_shared<TaskRecord>();
  task->id = new_task_id();
  task->created_at = task->updated_at = now_();
  task->ttl = options_.default_ttl;
  if (auto ttl = task_params.find("ttl"); ttl != task_params.end() && ttl->is_number_integer())
    task->ttl = std::clamp<std::chrono::milliseconds>(std::chrono::milliseconds(ttl->get<std::int64_t>()), 1s,
                                                      options_.max_ttl);
  tasks_[task->id] = task;
  return task;
}

std::shared_ptr<TaskRecord> TaskStore::find(const std::string& id) {
  expire();
  auto it = tasks_.find(id);
  return it == tasks_.end() ? nullptr : it->second;
}

void TaskStore::expire() {
  const auto now = now_();
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    if (now >= it->second->created_at + it->second->ttl) {
      if (!it->second->terminal()) it->second->cancel->emit(asio::cancellation_type::terminal);
      it = tasks_.erase(it);
    } else {
      ++it;
    }
  }
}

json TaskStore::describe(const TaskRecord& task) const {
  json out{{"taskId", task.id},
           {"status", task.status},
           {"createdAt", iso8601(task.created_at)},
           {"lastUpdatedAt", iso8601(task.updated_at)},
           {"ttl", task.ttl.count()},
           {"pollInterval", options_.poll_interval.count()}};
  if (!task.status_message.empty()) out["statusMessage"] = task.status_message;
  return out;
}

json TaskStore::list() {
  expire();
  json tasks = json::array();
  for (const auto& [id, task] : tasks_) tasks.push_back(describe(*task));
  return json{{"tasks", std::move(tasks)}};  // bounded by max_tasks: one page
}

void TaskStore::wake(TaskRecord& task) {
  for (auto& weak : task.watchers)
    if (auto timer = weak.lock()) timer->cancel();
  task.watchers.clear();
}

void TaskStore::set_status(TaskRecord& task, std::string status, std::string message) {
  if (task.terminal()) return;  // terminal states never change (tasks.mdx "Task Status Lifecycle")
  task.status = std::move(status);
  task.status_message = std::move(message);
  task.updated_at = now_();
  wake(task);
}

void TaskStore::finish(TaskRecord& task, json outcome, bool failed) {
  if (task.terminal()) return;
  task.outcome = std::move(outcome);
  set_status(task, failed ? "failed" : "completed");
}

void TaskStore::cancel(TaskRecord& task) {
  if (task.terminal()) throw McpError(error_code::kInvalidParams, "Task is already in a terminal status");
  set_status(task, "cancelled", "The task was cancelled by request.");
  task.cancel->emit(asio::cancellation_type::terminal);
}

void TaskStore::close() {
  for (auto& [id, task] : tasks_) {
    if (task->terminal()) continue;
    task->cancel->emit(asio::cancellation_type::terminal);
    wake(*task);
  }
  tasks_.clear();
}

std::shared_ptr<TaskInput> start_task_input(TaskContext& context, std::string message, json requested_schema,
                                            std::string_view input_key) {
  require_client_capability(context.session, "elicitation");
  auto& task = *context.task;
  auto input = std::make_shared<TaskInput>(context.session.executor());
  input->method = method::kElicitationCreate;
  input->params = with_input_key({{"message", std::move(message)}, {"requestedSchema", std::move(requested_schema)}},
                                 input_key);
  input->params["_meta"][std::string(kRelatedTaskMeta)] = {{"taskId", task.id}};
  input->sent.expires_after(task.ttl);  // waits for a tasks/result stream at most this long
  task.unsent.push_back(input);
  ++task.awaited_inputs;
  context.session.tasks().set_status(task, "input_required", "Waiting for the client's answer");
  return input;
}

asio::awaitable<json> await_task_input(TaskContext& context, std::shared_ptr<TaskInput> input) {
  auto& task = *context.task;
  struct Done {  // back to working once nothing else is awaited
    TaskContext& context;
    ~Done() {
      if (--context.task->awaited_inputs == 0) context.session.tasks().set_status(*context.task, "working");
    }
  } done{context};
  if (!input->client_request_id) {
    boost::system::error_code ec;
    co_await input->sent.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!input->client_request_id) {
    auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none || task.terminal())
      throw boost::system::system_error(asio::error::operation_aborted);
    throw McpError(error_code::kClientRequestTimeout, "Nobody fetched the task's input request in time");
  }
  co_return co_await context.session.await_client_response(*input->client_request_id, input->method);
}

asio::awaitable<json> task_elicit(TaskContext& context, std::string message, json requested_schema,
                                  std::string_view input_key) {
  if (!context.task) {  // synchronous: on the request's own stream
    auto call = start_elicitation(*context.request, std::move(message), std::move(requested_schema), input_key);
    co_return co_await call.result();
  }
  auto input = start_task_input(context, std::move(message), std::move(requested_schema), input_key);
  co_return co_await await_task_input(context, std::move(input));
}

json tasks_capability() {
  return {{"list", json::object()}, {"cancel", json::object()}, {"requests", {{"tools", {{"call", json::object()}}}}}};
}

json start_task(RequestContext& context, json arguments, TaskJob job) {
  auto& session = context.session;
  auto task = session.tasks().create(context.params.value("task", json::object()));
  spdlog::info("session {}: task {} started", session.id(), task->id);
  asio::co_spawn(session.executor(), run_job(session.shared_from_this(), task, std::move(arguments), std::move(job)),
                 // The handler owns the signal until co_spawn is done with its slot (session.cpp).
                 asio::bind_cancellation_slot(task->cancel->slot(), [signal = task->cancel](std::exception_ptr) {}));
  return json{{"task", session.tasks().describe(*task)}};
}

json get_task(Session& session, const json& params) {
  auto task = known_task(session, params);
  return session.tasks().describe(*task);
}

asio::awaitable<json> task_result(RequestContext& context) {
  auto& session = context.session;
  auto task = known_task(session, context.params);
  for (;;) {
    // The task's queued client requests go out on this stream; their
    // answers come back as responses the session routes to the job.
    while (!task->unsent.empty()) {
      auto input = task->unsent.front();
      task->unsent.pop_front();
      input->client_request_id = session.send_client_request(input->method, input->params, *context.stream);
      input->sent.cancel();
    }
    if (task->terminal()) break;
    auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor, 1s);
    task->watchers.push_back(timer);
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) throw boost::system::system_error(asio::error::operation_aborted);
    if (!session.tasks().find(task->id)) throw McpError(error_code::kInvalidParams, "The task expired");
  }
  if (task->status == "cancelled") throw McpError(error_code::kInvalidRequest, "The task was cancelled");
  if (auto error = task->outcome.find("error"); error != task->outcome.end())
    throw McpError(error->value("code", error_code::kInternalError), error->value("message", "Task failed"),
                   error->value("data", json(nullptr)));
  json result = task->outcome;
  result["_meta"][std::string(kRelatedTaskMeta)] = {{"taskId", task->id}};
  co_return result;
}

json list_tasks(Session& session) { return session.tasks().list(); }

asio::awaitable<json> dispatch_task_method(RequestContext& context, const std::string& method) {
  if (method == method::kTasksGet) co_return get_task(context.session, context.params);
  if (method == method::kTasksResult) co_return co_await task_result(context);
  if (method == method::kTasksList) co_return list_tasks(context.session);
  if (method == method::kTasksCancel) co_return cancel_task(context.session, context.params);
  throw McpError(error_code::kMethodNotFound, "Method not found: " + method.substr(0, 128));
}

json cancel_task(Session& session, const json& params) {
  auto task = known_task(session, params);
  session.tasks().cancel(*task);
  spdlog::info("session {}: task {} cancelled", session.id(), task->id);
  return session.tasks().describe(*task);
}

}  // namespace legacy
