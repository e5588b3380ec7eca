#include "session.hpp"

#include "handlers.hpp"
#include "server.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

namespace legacy {
namespace {

// RFC 5424 severities, in increasing order, as MCP logging names them.
constexpr std::array<std::string_view, 8> kLogLevels = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};

std::optional<int> log_level_index(std::string_view level) {
  auto it = std::find(kLogLevels.begin(), kLogLevels.end(), level);
  if (it == kLogLevels.end()) return std::nullopt;
  return static_cast<int>(it - kLogLevels.begin());
}

// Request ids are strings or integers; this key tells them apart.
std::string request_key(const json& id) { return id.is_string() ? "s:" + id.get<std::string>() : "n:" + id.dump(); }

const json& params_of(const json& message) {
  static const json kEmpty = json::object();
  auto it = message.find("params");
  return it != message.end() && it->is_object() ? *it : kEmpty;
}

}  // namespace

asio::awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);  // throws operation_aborted when cancelled
}

Session::Session(asio::any_io_executor executor, Server& server, std::string id)
    : executor_(std::move(executor)), server_(server), id_(std::move(id)), tasks_(std::make_unique<TaskStore>()) {}

void Session::receive(json message, std::shared_ptr<Outbound> stream) {
  last_activity_ = std::chrono::steady_clock::now();
  switch (classify_message(message)) {
    case MessageKind::kNotification:
      handle_notification(message);
      return;
    case MessageKind::kResponse:
      handle_client_response(message);
      return;
    case MessageKind::kInvalid: {
      if (!stream) return;  // transports answer invalid messages themselves
      json id = message.is_object() && message.contains("id") &&
                        (message["id"].is_string() || message["id"].is_number_integer())
                    ? message["id"]
                    : json(nullptr);
      stream->send(make_error_response(id, error_code::kInvalidRequest, "Invalid JSON-RPC message"));
      stream->finish();
      return;
    }
    case MessageKind::kRequest:
      break;
  }
  if (!stream) return;  // a request always comes with the stream its answer goes to
  const json& id = message["id"];
  std::string key = request_key(id);
  if (closed_) {
    stream->send(make_error_response(id, error_code::kInvalidRequest, "Session is closed"));
    stream->finish();
    return;
  }
  if (in_flight_.count(key)) {
    stream->send(make_error_response(id, error_code::kInvalidRequest,
                                     "A request with this id is already in flight"));
    stream->finish();
    return;
  }
  if (in_flight_.size() >= server_.options().max_in_flight_requests_per_session) {
    stream->send(make_error_response(id, error_code::kInternalError,
                                     "Too many concurrent requests on this session"));
    stream->finish();
    return;
  }
  auto signal = std::make_shared<asio::cancellation_signal>();
  in_flight_[key] = signal;
  // The completion handler owns the signal too: run_request() erases it from
  // in_flight_ before co_spawn's own frame is done with the slot it holds
  // into it (a use after free that crashed this server under load).
  asio::co_spawn(executor_, run_request(std::move(message), std::move(stream), key),
                 asio::bind_cancellation_slot(signal->slot(), [signal](std::exception_ptr) {}));
}

asio::awaitable<void> Session::run_request(json request, std::shared_ptr<Outbound> stream,
                                           std::string key) {
  auto self = shared_from_this();  // keeps the session alive while the request runs
  const json id = request["id"];
  const std::string method = request["method"].get<std::string>();
  RequestContext context{*this, stream, id, params_of(request), nullptr};
  if (auto meta = context.params.find("_meta"); meta != context.params.end() && meta->is_object()) {
    if (auto token = meta->find("progressToken");
        token != meta->end() && (token->is_string() || token->is_number_integer()))
      context.progress_token = *token;
  }
  std::optional<json> response;
  bool cancelled = false;
  std::exception_ptr failure;
  try {
    json result = co_await dispatch(context, method);
    response = make_result_response(id, std::move(result));
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    response = error_response_for(failure, id, method);
    cancelled = !response;
  }
  in_flight_.erase(key);
  if (cancelled) spdlog::info("session {}: request {} ({}) cancelled", id_, id.dump(), method);
  if (response) stream->send(*response);
  stream->finish();
}

// The JSON-RPC error for a failed request; nullopt when it was cancelled
// (notifications/cancelled or session end), which gets no response.
std::optional<json> Session::error_response_for(std::exception_ptr failure, const json& id,
                                                const std::string& method) {
  try {
    std::rethrow_exception(failure);
  } catch (const McpError& error) {
    return make_error_response(id, error.code(), error.what(), error.data());
  } catch (const boost::system::system_error& error) {
    if (error.code() == asio::error::operation_aborted) return std::nullopt;
    spdlog::error("session {}: {} failed: {}", id_, method, error.what());
  } catch (const json::exception& error) {
    // A field of the wrong JSON type somewhere in the client's params.
    return make_error_response(id, error_code::kInvalidParams, std::string("Invalid params: ") + error.what());
  } catch (const std::exception& error) {
    spdlog::error("session {}: {} failed: {}", id_, method, error.what());
  }
  return make_error_response(id, error_code::kInternalError, "Internal error");
}

asio::awaitable<json> Session::dispatch(RequestContext& context, const std::string& method) {
  const json& params = context.params;
  if (method == method::kInitialize) co_return handle_initialize(params);
  if (method == method::kPing) co_return json::object();
  if (!initialize_done_) {
    throw McpError(error_code::kInvalidRequest, "Session is not initialized: send initialize first");
  }
  if (method == method::kToolsList) co_return list_tools(server_);
  if (method == method::kToolsCall) co_return co_await call_tool(context);
  if (method == method::kResourcesList) co_return list_resources(server_);
  if (method == method::kResourcesTemplatesList) co_return list_resource_templates();
  if (method == method::kResourcesRead) co_return read_resource(server_, params);
  if (method == method::kResourcesSubscribe) co_return handle_subscribe(params, true);
  if (method == method::kResourcesUnsubscribe) co_return handle_subscribe(params, false);
  if (method == method::kPromptsList) co_return list_prompts(server_);
  if (method == method::kPromptsGet) co_return co_await get_prompt(context);
  if (method == method::kCompletionComplete) co_return complete(params);
  if (method == method::kLoggingSetLevel) co_return handle_set_level(params);
  co_return co_await dispatch_task_method(context, method);  // tasks/*, else Method not found
}

json Session::handle_initialize(const json& params) {
  if (initialize_done_) throw McpError(error_code::kInvalidRequest, "Session is already initialized");
  auto requested = params.find("protocolVersion");
  if (requested == params.end() || !requested->is_string())
    throw McpError(error_code::kInvalidParams, "initialize: protocolVersion must be a string");
  // Version negotiation: echo a version we support, otherwise offer our latest.
  const auto& version = requested->get_ref<const std::string&>();
  protocol_version_ = is_supported_protocol_version(version) ? version : std::string(kLatestProtocolVersion);
  if (auto caps = params.find("capabilities"); caps != params.end() && caps->is_object())
    client_capabilities_ = *caps;
  if (auto info = params.find("clientInfo"); info != params.end() && info->is_object())
    client_info_ = *info;
  initialize_done_ = true;
  spdlog::info("session {}: initialized by {} {} with protocol {}", id_,
               client_info_.value("name", std::string("?")).substr(0, 64),
               client_info_.value("version", std::string("?")).substr(0, 32), protocol_version_);
  return {{"protocolVersion", protocol_version_},
          {"capabilities", server_capabilities()},
          {"serverInfo",
           {{"name", "mcp-legacy-sample"}, {"title", "MCP legacy sample server"}, {"version", "0.1.0"}}},
          {"instructions",
           "A 2025-11-25 sample server exposing the conformance-suite tools, resources and prompts."}};
}

json Session::handle_set_level(const json& params) {
  auto level = params.find("level");
  std::optional<int> index;
  if (level != params.end() && level->is_string()) index = log_level_index(level->get<std::string>());
  if (!index) throw McpError(error_code::kInvalidParams, "logging/setLevel: unknown level");
  log_level_ = index;
  return json::object();
}

json Session::handle_subscribe(const json& params, bool subscribe) {
  std::string uri = required_string(params, "uri", 2048);
  if (!subscribe) {
    subscriptions_.erase(uri);
    return json::object();
  }
  if (!resource_exists(server_, uri))
    throw McpError(error_code::kResourceNotFound, "Resource not found", {{"uri", uri}});
  if (subscriptions_.size() >= server_.options().max_subscriptions_per_session && !is_subscribed(uri))
    throw McpError(error_code::kInvalidRequest, "Too many subscriptions on this session");
  subscriptions_.insert(uri);
  return json::object();
}

void Session::handle_notification(const json& message) {
  const std::string& method = message["method"].get_ref<const std::string&>();
  if (method == method::kInitialized) return;
  if (method == method::kCancelled) {
    const json& params = params_of(message);
    auto request_id = params.find("requestId");
    if (request_id == params.end() || !(request_id->is_string() || request_id->is_number_integer())) return;
    if (auto it = in_flight_.find(request_key(*request_id)); it != in_flight_.end()) {
      it->second->emit(asio::cancellation_type::terminal);
    }
    return;
  }
  if (method == method::kRootsListChanged) {
    spdlog::info("session {}: client roots changed", id_);
    return;
  }
  spdlog::debug("session {}: ignoring notification {}", id_, method.substr(0, 128));
}

void Session::handle_client_response(const json& message) {
  const json& id = message["id"];
  if (!id.is_number_integer()) return;
  auto it = pending_client_requests_.find(id.get<std::int64_t>());
  if (it == pending_client_requests_.end()) {
    spdlog::warn("session {}: response to unknown or expired request {}", id_, id.dump());
    return;
  }
  it->second->response = message;
  it->second->wakeup.cancel();
}

std::int64_t Session::send_client_request(std::string_view method, json params, Outbound& via) {
  if (pending_client_requests_.size() >= server_.options().max_pending_client_requests_per_session)
    throw McpError(error_code::kInternalError, "Too many outstanding requests to the client");
  const std::int64_t id = next_client_request_id_++;
  auto pending = std::make_shared<PendingClientRequest>(executor_);
  pending->wakeup.expires_after(server_.options().client_request_timeout);
  pending_client_requests_[id] = pending;
  via.send(make_request(id, method, std::move(params)));
  return id;
}

asio::awaitable<json> Session::await_client_response(std::int64_t id, std::string method) {
  auto it = pending_client_requests_.find(id);
  if (it == pending_client_requests_.end())
    throw McpError(error_code::kInternalError, "No outstanding client request " + std::to_string(id));
  auto pending = it->second;
  if (!pending->response) {  // it may have been answered while we awaited another one
    boost::system::error_code ec;
    co_await pending->wakeup.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  pending_client_requests_.erase(id);
  if (!pending->response) {
    auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none || closed_)
      throw boost::system::system_error(asio::error::operation_aborted);
    throw McpError(error_code::kClientRequestTimeout, "The client did not answer " + method + " in time");
  }
  const json& response = *pending->response;
  if (auto error = response.find("error"); error != response.end()) {
    std::string text = error->is_object() && error->contains("message") && (*error)["message"].is_string()
                           ? (*error)["message"].get<std::string>().substr(0, 256)
                           : std::string("unknown error");
    throw McpError(error_code::kInternalError, "The client rejected " + method + ": " + text);
  }
  co_return response["result"];
}

bool Session::client_supports(std::string_view capability) const {
  auto it = client_capabilities_.find(capability);
  return it != client_capabilities_.end() && it->is_object();
}

void Session::send_unrelated(const json& notification) {
  if (standalone_) standalone_->send(notification);
}

void Session::send_log_message(std::string_view level, std::string_view logger, json data,
                               Outbound* related) {
  auto index = log_level_index(level);
  if (!index || !log_level_ || *index < *log_level_) return;
  json notification = make_notification(
      method::kLogMessage, {{"level", std::string(level)}, {"logger", std::string(logger)}, {"data", std::move(data)}});
  if (related)
    related->send(notification);
  else
    send_unrelated(notification);
}

void Session::send_progress(const RequestContext& context, double progress, double total,
                            std::string message) {
  if (context.progress_token.is_null()) return;
  json params = {{"progressToken", context.progress_token}, {"progress", progress}, {"total", total}};
  if (!message.empty()) params["message"] = std::move(message);
  context.stream->send(make_notification(method::kProgress, std::move(params)));
}

void Session::close() {
  closed_ = true;
  for (auto& [key, signal] : in_flight_) signal->emit(asio::cancellation_type::terminal);
  for (auto& [id, pending] : pending_client_requests_) pending->wakeup.cancel();
  tasks_->close();
  standalone_.reset();
}

Session::~Session() = default;

}  // namespace legacy
