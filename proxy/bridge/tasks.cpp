#include "bridge/tasks.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <set>
#include <stdexcept>
#include <vector>

#include "upstream/with_timeout.hpp"
#include "translate/input_required.hpp"
#include "translate/jsonrpc.hpp"
#include "translate/protocol.hpp"
#include "translate/tasks.hpp"
#include "translate/to_modern.hpp"

namespace mcp::bridge {

namespace asio = boost::asio;
namespace err = protocol::error;
using upstream::UpstreamSession;

namespace {

constexpr std::string_view kHandlePrefix = "t1.";
constexpr std::size_t kMaxHandleBytes = 16 * 1024;
constexpr std::string_view kHandleMethod = "tools/call";
constexpr std::chrono::milliseconds kHandleSlack{std::chrono::minutes(1)};

struct InputTimeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

json task_request(UpstreamSession& session, std::string_view method, const std::string& task_id) {
  return json{{"jsonrpc", "2.0"},
              {"id", session.next_request_id()},
              {"method", std::string(method)},
              {"params", {{"taskId", task_id}}}};
}

// The upstream's error, re-addressed to the client's id (never a result).
json forwarded_error(const json& id, const json& legacy_response) {
  const json& error = legacy_response["error"];
  return translate::make_error_response(id, error.is_object() ? error.value("code", err::kInternalError) : err::kInternalError,
                                        error.is_object() ? error.value("message", std::string("Upstream error"))
                                                          : std::string("Upstream error"),
                                        error.is_object() ? error.value("data", json(nullptr)) : json(nullptr));
}

bool is_error(const json& response) { return !response.is_object() || response.contains("error") || !response.contains("result"); }

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

}  // namespace

// One upstream request waiting for the client's answer.
struct TaskBridge::Pending {
  using Channel = asio::experimental::concurrent_channel<void(boost::system::error_code, json)>;
  Pending(asio::any_io_executor ex, std::string key, json request)
      : key(std::move(key)), request(std::move(request)), answer(std::make_shared<Channel>(std::move(ex), 1)) {}
  std::string key;
  json request;
  std::shared_ptr<Channel> answer;
};

// The input side of one upstream task.
struct TaskBridge::Inbox {
  std::vector<std::shared_ptr<Pending>> open;  // in arrival order
  std::set<std::string> used_keys;             // keys stay unique over the task's lifetime (SEP-2663)
  bool watching = false;                       // a background tasks/result is running
};

TaskBridge::TaskBridge(asio::any_io_executor ex, TaskOptions opts, UnixClock unix_ms)
    : ex_(std::move(ex)), opts_(std::move(opts)), unix_ms_(std::move(unix_ms)) {
  if (opts_.keys.empty()) opts_.keys = KeyRing::random();
}

std::string TaskBridge::make_handle(const std::string& authorization, const pool::SessionKey& key,
                                    const json& legacy_task) const {
  const std::string task_id = legacy_task.value("taskId", "");
  const std::string descriptor = translate::encode_task_descriptor({task_id, key.capabilities_canonical, key.log_level});
  // Never before the task's own ttl (SEP-2663: accessible for its ttlMs).
  std::chrono::milliseconds lifetime = opts_.max_handle_lifetime;
  if (auto ttl = legacy_task.find("ttl"); ttl != legacy_task.end() && ttl->is_number_integer() && ttl->get<std::int64_t>() > 0)
    lifetime = std::chrono::milliseconds(ttl->get<std::int64_t>()) + kHandleSlack;
  StateClaims claims;
  claims.strategy = "task";
  claims.exchange_id = task_id;
  claims.owner = opts_.owner;
  claims.principal = principal_digest(authorization);
  claims.method = std::string(kHandleMethod);
  claims.params_digest = sha256_hex(descriptor);
  claims.expires_at_ms = unix_ms_() + lifetime.count();
  return std::string(kHandlePrefix) + descriptor + "." + sign_state(claims, opts_.keys);
}

std::optional<TaskTarget> TaskBridge::open_handle(std::string_view handle, const std::string& authorization) const {
  if (handle.size() > kMaxHandleBytes || !handle.starts_with(kHandlePrefix)) return std::nullopt;
  handle.remove_prefix(kHandlePrefix.size());
  const auto dot = handle.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view descriptor = handle.substr(0, dot);
  auto parts = translate::decode_task_descriptor(descriptor);
  if (!parts) return std::nullopt;
  auto verified = verify_state(handle.substr(dot + 1), opts_.keys,
                               StateExpectation{principal_digest(authorization), std::string(kHandleMethod),
                                                sha256_hex(descriptor), unix_ms_()});
  if (auto* e = std::get_if<StateError>(&verified)) {
    spdlog::debug("bridge: task handle rejected: {}", e->reason);
    return std::nullopt;
  }
  const auto& claims = std::get<StateClaims>(verified);
  if (claims.strategy != "task" || claims.exchange_id != parts->upstream_task_id) return std::nullopt;
  return TaskTarget{pool::SessionKey{authorization, parts->capabilities_canonical, parts->log_level},
                    parts->upstream_task_id};
}

upstream::ServerRequestHandler TaskBridge::wrap(const UpstreamSession& session, json client_capabilities,
                                                upstream::ServerRequestHandler next) {
  std::weak_ptr<TaskBridge> weak = weak_from_this();
  const void* owner = &session;
  return [weak, owner, client_capabilities, next](json request, json related) -> asio::awaitable<json> {
    auto task_id = translate::related_task_of(request);
    auto self = weak.lock();
    if (!task_id || !self) return next(std::move(request), std::move(related));
    return self->ask(InboxKey{owner, *task_id}, std::move(request), client_capabilities);
  };
}

asio::awaitable<json> TaskBridge::ask(InboxKey key, json request, json client_capabilities) {
  auto self = shared_from_this();
  const json id = request.value("id", json(nullptr));
  const std::string method = request.value("method", "");
  if (!translate::is_input_request_method(method))
    co_return translate::make_error_response(id, err::kMethodNotFound,
                                             "mcp-bridge cannot relay '" + method + "' to a 2026-07-28 client");
  if (auto missing = translate::missing_client_capability(client_capabilities, request))
    co_return translate::make_error_response(id, err::kMethodNotFound,
                                             "The client did not declare the capability '" + method + "' needs",
                                             json{{"requiredCapabilities", *missing}});
  std::shared_ptr<Pending> pending;
  {
    std::lock_guard lock(mu_);
    if (pending_count_ >= opts_.max_pending_inputs) {
      spdlog::warn("bridge: {} task input requests already wait for clients; refusing another", pending_count_);
      co_return translate::make_error_response(id, err::kInternalError, "Too many task input requests waiting");
    }
    auto& inbox = inboxes_[key];
    if (!inbox) inbox = std::make_shared<Inbox>();
    auto taken = [&inbox](const std::string& k) { return inbox->used_keys.count(k) != 0; };
    pending = std::make_shared<Pending>(ex_, translate::choose_input_key(request, taken), request);
    inbox->used_keys.insert(pending->key);
    inbox->open.push_back(pending);
    ++pending_count_;
  }
  auto forget = [this, &key, &pending] {
    std::lock_guard lock(mu_);
    auto it = inboxes_.find(key);
    if (it == inboxes_.end()) return;
    auto& open = it->second->open;
    for (auto p = open.begin(); p != open.end(); ++p)
      if (*p == pending) {
        open.erase(p);
        --pending_count_;
        break;
      }
  };
  try {
    const auto limit = opts_.input_timeout;
    auto [ec, answer] = co_await upstream::with_timeout(
        pending->answer->async_receive(asio::as_tuple(asio::use_awaitable)), limit,
        [] { return InputTimeout("no tasks/update answered the task's request in time"); });
    forget();
    if (ec) co_return translate::make_error_response(id, err::kInternalError, "The task's input request was withdrawn");
    co_return translate::to_legacy_answer(request, answer);
  } catch (const InputTimeout& e) {
    forget();
    spdlog::info("bridge: {}", e.what());
    co_return translate::make_error_response(id, err::kInternalError, e.what());
  }
}

json TaskBridge::open_requests(const InboxKey& key) const {
  json out = json::object();
  std::lock_guard lock(mu_);
  auto it = inboxes_.find(key);
  if (it == inboxes_.end()) return out;
  for (const auto& p : it->second->open) out[p->key] = translate::to_task_input_request(p->request);
  return out;
}

std::size_t TaskBridge::pending_inputs() const {
  std::lock_guard lock(mu_);
  return pending_count_;
}

void TaskBridge::drop_inbox(const InboxKey& key) {
  std::vector<std::shared_ptr<Pending>> withdrawn;
  {
    std::lock_guard lock(mu_);
    auto it = inboxes_.find(key);
    if (it == inboxes_.end()) return;
    withdrawn = std::move(it->second->open);
    pending_count_ -= withdrawn.size();
    it->second->open.clear();
    if (!it->second->watching) inboxes_.erase(it);
  }
  for (auto& p : withdrawn) p->answer->close();
}

namespace {

// The background tasks/result of an input_required task: while it runs, the
// upstream sends the task's requests on its stream (2025-11-25 tasks.mdx
// "Input Required Status"); its own result is not needed (tasks/get fetches
// the outcome again). A free coroutine taking its state by value.
asio::awaitable<void> watch(std::shared_ptr<UpstreamSession> session, json request, TaskBridge::Call call,
                            std::function<void()> done) {
  try {
    co_await call(std::move(request));
  } catch (const std::exception& e) {
    spdlog::debug("bridge: task watcher ended: {}", e.what());
  }
  done();
}

}  // namespace

void TaskBridge::start_watcher(const std::shared_ptr<UpstreamSession>& session, const InboxKey& key, Call call) {
  {
    std::lock_guard lock(mu_);
    auto& inbox = inboxes_[key];
    if (!inbox) inbox = std::make_shared<Inbox>();
    if (inbox->watching) return;
    inbox->watching = true;
  }
  std::weak_ptr<TaskBridge> weak = weak_from_this();
  auto done = [weak, key] {
    auto self = weak.lock();
    if (!self) return;
    std::lock_guard lock(self->mu_);
    auto it = self->inboxes_.find(key);
    if (it == self->inboxes_.end()) return;
    it->second->watching = false;
    if (it->second->open.empty()) self->inboxes_.erase(it);
  };
  asio::co_spawn(ex_, watch(session, task_request(*session, "tasks/result", key.second), std::move(call), std::move(done)),
                 asio::detached);
}

asio::awaitable<Reply> TaskBridge::handle(std::string method, json params, json id, std::string authorization,
                                          json client_capabilities, json initialize_result, Acquire acquire,
                                          CallOn call_on) {
  auto self = shared_from_this();
  auto error = [&id](unsigned status, int code, std::string_view message, const json& data = nullptr) {
    return Reply{status, translate::make_error_response(id, code, message, data)};
  };
  if (!translate::upstream_supports_tool_tasks(initialize_result))
    co_return error(404, err::kMethodNotFound,
                    "Method not found: " + method + " (the server does not offer " +
                        std::string(translate::kTasksExtension) + ")");
  if (!translate::client_declares_tasks(client_capabilities))
    co_return error(400, err::kMissingRequiredClientCapability,
                    "Missing required client capability: " + std::string(translate::kTasksExtension),
                    translate::tasks_required_capability_data());
  auto task_id = params.is_object() ? params.find("taskId") : params.end();
  if (!params.is_object() || task_id == params.end() || !task_id->is_string())
    co_return error(400, err::kInvalidParams, "Invalid params: taskId must be a string");
  const std::string handle = task_id->get<std::string>();
  auto target = open_handle(handle, authorization);
  if (!target) co_return error(200, err::kInvalidParams, "Unknown task: " + handle.substr(0, 64));
  json input_responses;
  if (method == "tasks/update") {
    auto read = translate::read_input_responses(params);
    if (auto* problem = std::get_if<std::string>(&read)) co_return error(400, err::kInvalidParams, *problem);
    input_responses = std::get<json>(std::move(read));
  }
  auto session = co_await acquire(target->key);
  Call call = [call_on, session](json request) { return call_on(session, std::move(request)); };
  json response;
  if (method == "tasks/get")
    response = co_await get(session, std::move(*target), handle, id, std::move(call));
  else if (method == "tasks/update")
    response = co_await update(session, std::move(*target), std::move(input_responses), id, std::move(call));
  else
    response = co_await cancel(session, std::move(*target), id, std::move(call));
  unsigned status = 200;
  if (auto e = response.find("error"); e != response.end() && e->is_object())
    status = translate::http_status_for_forwarded_error(e->value("code", 0));
  co_return Reply{status, std::move(response)};
}

asio::awaitable<json> TaskBridge::get(std::shared_ptr<UpstreamSession> session, TaskTarget target, std::string handle,
                                      json id, Call call) {
  auto self = shared_from_this();
  json response = co_await call(task_request(*session, "tasks/get", target.upstream_task_id));
  if (is_error(response)) co_return forwarded_error(id, response);
  const json& task = response["result"];
  const std::string status = task.is_object() ? task.value("status", "") : "";
  const InboxKey key{session.get(), target.upstream_task_id};
  json outcome;
  json inputs = json::object();
  if (status == "input_required") {
    start_watcher(session, key, call);
    // The requests come with the watcher's stream: wait for the first, then
    // briefly for those sent together with it.
    const auto step = std::chrono::milliseconds(20);
    for (auto waited = std::chrono::milliseconds(0); waited < opts_.input_wait; waited += step) {
      if (!open_requests(key).empty()) {
        co_await sleep_for(opts_.gather_window);
        break;
      }
      co_await sleep_for(step);
    }
    inputs = open_requests(key);
  } else if (status == "completed" || status == "failed") {
    // tasks/result of a terminal task answers at once with what the call returned.
    outcome = co_await call(task_request(*session, "tasks/result", target.upstream_task_id));
    if (!outcome.is_object() || (!outcome.contains("result") && !outcome.contains("error")))
      co_return translate::make_error_response(id, err::kInternalError, "Upstream sent a malformed tasks/result");
  }
  co_return translate::make_result_response(id, translate::make_detailed_task(task, handle, outcome, inputs));
}

asio::awaitable<json> TaskBridge::update(std::shared_ptr<UpstreamSession> session, TaskTarget target,
                                         json input_responses, json id, Call call) {
  auto self = shared_from_this();
  const InboxKey key{session.get(), target.upstream_task_id};
  std::vector<std::pair<std::shared_ptr<Pending>, json>> deliveries;
  bool known = false;
  {
    std::lock_guard lock(mu_);
    if (auto it = inboxes_.find(key); it != inboxes_.end()) {
      known = true;
      auto& open = it->second->open;
      for (auto p = open.begin(); p != open.end();) {
        auto answer = input_responses.find((*p)->key);
        if (answer == input_responses.end()) {
          ++p;
          continue;
        }
        deliveries.emplace_back(*p, *answer);
        p = open.erase(p);
        --pending_count_;
      }
    }
  }
  // Answers under unknown or already answered keys are ignored (SEP-2663).
  for (auto& [pending, answer] : deliveries) pending->answer->try_send(boost::system::error_code{}, std::move(answer));
  if (!known) {  // the task must still exist upstream
    json check = co_await call(task_request(*session, "tasks/get", target.upstream_task_id));
    if (is_error(check)) co_return forwarded_error(id, check);
  }
  co_return translate::make_result_response(id, translate::make_task_ack());
}

asio::awaitable<json> TaskBridge::cancel(std::shared_ptr<UpstreamSession> session, TaskTarget target, json id,
                                         Call call) {
  auto self = shared_from_this();
  json response = co_await call(task_request(*session, "tasks/cancel", target.upstream_task_id));
  if (is_error(response)) {
    // A legacy server refuses to cancel a terminal task (-32602); the
    // extension acknowledges it (cancellation is a signal, not a state query).
    json check = co_await call(task_request(*session, "tasks/get", target.upstream_task_id));
    if (is_error(check) || !check["result"].is_object() ||
        !translate::is_terminal_task_status(check["result"].value("status", "")))
      co_return forwarded_error(id, is_error(check) ? check : response);
  }
  drop_inbox(InboxKey{session.get(), target.upstream_task_id});
  co_return translate::make_result_response(id, translate::make_task_ack());
}

}  // namespace mcp::bridge
