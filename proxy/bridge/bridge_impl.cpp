#include "bridge/bridge_impl.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <chrono>

#include "auth/challenge.hpp"
#include "observe/request_observation.hpp"
#include "bridge/server_requests.hpp"
#include "upstream/http_upstream.hpp"
#include "translate/tasks.hpp"
#include "translate/input_required.hpp"
#include "upstream/with_timeout.hpp"
#include "translate/discover.hpp"
#include "translate/jsonrpc.hpp"
#include "translate/method_table.hpp"
#include "translate/param_headers.hpp"
#include "translate/protocol.hpp"
#include "translate/to_legacy.hpp"
#include "translate/to_modern.hpp"

namespace mcp::bridge {

namespace asio = boost::asio;
namespace err = protocol::error;
using translate::MethodRoute;
using upstream::UpstreamError;
using upstream::UpstreamSession;

namespace {

// The pool key as one string, for the tool cache.
std::string context_of(const pool::SessionKey& key) { return key.authorization + '\n' + key.capabilities_canonical; }

json request_id_of(const DownstreamRequest& request) {
  const json& m = request.message;
  if (!m.is_object()) return nullptr;
  auto it = m.find("id");
  return it != m.end() && translate::is_valid_request_id(*it) ? *it : json(nullptr);
}

bool is_cancellation(const boost::system::system_error& e) { return e.code() == asio::error::operation_aborted; }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Only W3C trace context travels upstream, whatever the downstream collected.
upstream::CallContext call_context(const DownstreamRequest& request) {
  upstream::CallContext ctx;
  for (const auto& [name, value] : request.trace_headers) {
    auto n = lower(name);
    if (n == "traceparent" || n == "tracestate" || n == "baggage") ctx.headers[n] = value;
  }
  return ctx;
}

bool declares(const json& initialize_result, std::string_view capability) {
  if (!initialize_result.is_object()) return false;
  auto caps = initialize_result.find("capabilities");
  if (caps == initialize_result.end() || !caps->is_object()) return false;
  auto c = caps->find(std::string(capability));
  return c != caps->end() && c->is_object();
}

// ping is answered here; other server-to-client requests go to the MRTR
// handler (bridge/mrtr.hpp) or a test's hook. A free coroutine taking its
// state by value (GCC 12 mishandles captures of coroutine lambdas).
asio::awaitable<json> answer_server_request(upstream::ServerRequestHandler relay, json request, json related) {
  const bool is_ping = request.is_object() && request.value("method", "") == "ping";
  if (!is_ping && relay) co_return co_await relay(std::move(request), std::move(related));
  if (!is_ping)
    spdlog::warn("bridge: upstream sent server-to-client request '{}', which cannot be relayed yet",
                 request.is_object() ? request.value("method", "?") : "?");
  json answer = answer_server_request_locally(request);
  co_return answer;
}

// What the subscription hub needs for one listen stream; `reacquire` takes the
// pool's next session for the same key after the stream's session died (not a
// coroutine lambda: acquire() copies what it needs into its own frame).
SubscriptionHub::ListenRequest make_listen_request(const json& id, const json& params, const pool::SessionKey& key,
                                                  std::shared_ptr<UpstreamSession> session, json initialize_params,
                                                  std::shared_ptr<pool::SessionPool> pool, NotificationSink sink) {
  SubscriptionHub::ListenRequest r;
  r.id = id;
  r.params = params;
  r.key = key;
  r.server_info = translate::server_info_from_initialize(session->initialize_result());
  r.session = std::move(session);
  r.reacquire = [pool = std::move(pool), key, initialize_params = std::move(initialize_params)] {
    return pool->acquire(key, initialize_params);
  };
  r.sink = std::move(sink);
  return r;
}

}  // namespace

BridgeImpl::BridgeImpl(asio::any_io_executor ex, std::shared_ptr<upstream::SessionFactory> factory, BridgeOptions opts)
    : opts_(std::move(opts)),
      tools_(std::make_shared<ToolSchemaCache>()),
      probe_timer_(std::make_shared<asio::steady_timer>(ex)) {
  // The setup hook must not capture `this` or the session: sessions may
  // outlive a request and the bridge; handlers hold only what they need.
  auto tools = tools_;
  auto relay = opts_.server_request_handler;
  logs_ = std::make_shared<LogRouter>();
  subscriptions_ = std::make_shared<SubscriptionHub>(ex, opts_.subscriptions);
  auto logs = logs_;
  auto subscriptions = subscriptions_;
  mrtr_ = std::make_shared<Mrtr>(ex, opts_.mrtr);
  mrtr_->start();
  auto mrtr = mrtr_;
  if (opts_.tasks.keys.empty()) opts_.tasks.keys = opts_.mrtr.keys;
  if (opts_.tasks.owner.empty()) opts_.tasks.owner = opts_.mrtr.owner;
  tasks_ = std::make_shared<TaskBridge>(ex, opts_.tasks);
  auto tasks = tasks_;
  pool_ = pool::SessionPool::create(
      std::move(ex), std::move(factory), opts_.pool,
      [tools, relay, mrtr, tasks, logs, subscriptions](const pool::SessionKey& key, UpstreamSession& session) {
        const std::string context = context_of(key);
        // Server-to-client requests become MRTR input requests (bridge/mrtr.hpp) unless a test scripts them;
        // those of a legacy task go to its inbox (bridge/tasks.hpp).
        const json client_capabilities = json::parse(key.capabilities_canonical, nullptr, false);
        auto handler = tasks->wrap(session, client_capabilities,
                                   relay ? relay : mrtr->handler_for(session, client_capabilities));
        session.set_server_request_handler([handler](json request, json related) {
          return answer_server_request(handler, std::move(request), std::move(related));
        });
        session.set_unsolicited_handler([tools, context, logs, subscriptions, key](const json& notification) {
          if (notification.is_object() && notification.value("method", "") == "notifications/tools/list_changed") {
            spdlog::debug("bridge: tools/list_changed from upstream, dropping cached tool schemas");
            tools->invalidate(context);
          }
          // Request-scoped logs go to the requests that asked (never a listen
          // stream); everything else to the listen streams fed by this session.
          if (notification.is_object() && notification.value("method", "") == "notifications/message")
            logs->deliver(key, notification);
          else
            subscriptions->on_upstream_notification(key, notification);
        });
      },
      apply_log_level);
}

unsigned BridgeImpl::upstream_error_status(unsigned gateway_status) const {
  return opts_.gateway_http_statuses ? gateway_status : 200;
}

std::optional<Reply> BridgeImpl::authorization_reply(const std::exception& e, const json& id) const {
  const unsigned status = upstream::authorization_failure_status(e);
  if (status == 0) return std::nullopt;
  if (opts_.upstream_refuses_the_bridge) {
    spdlog::error("bridge: the upstream refused the bridge's own credentials with HTTP {} (check --upstream-header, or "
                  "--upstream-token-url and its client)",
                  status);
    return error_reply(upstream_error_status(502), id, err::kInternalError,
                       "Upstream server refused the bridge's credentials (HTTP " + std::to_string(status) + ")");
  }
  const auto& challenge = dynamic_cast<const upstream::UpstreamHttpError&>(e).www_authenticate;
  Reply r{status, auth::authorization_error_response(id, status)};
  r.www_authenticate = opts_.rewrite_challenge ? opts_.rewrite_challenge(challenge) : challenge;
  spdlog::debug("bridge: upstream answered HTTP {}: passing the challenge to the client", status);
  return r;
}

bool BridgeImpl::upstream_healthy() const { return pool_->healthy(); }

void BridgeImpl::close_subscriptions() { subscriptions_->close_all(); }

void BridgeImpl::set_advertised_url(std::string url) { mrtr_->set_owner(std::move(url)); }

asio::awaitable<void> BridgeImpl::shutdown() {
  subscriptions_->close_all();
  mrtr_->shutdown();
  stopping_ = true;
  probe_timer_->cancel();
  co_await pool_->shutdown();
}

asio::awaitable<void> BridgeImpl::probe_upstream(std::weak_ptr<BridgeImpl> weak,
                                                 std::shared_ptr<asio::steady_timer> timer) {
  using namespace std::chrono_literals;
  constexpr std::chrono::milliseconds kMinBackoff = 250ms, kMaxBackoff = 30s, kHealthyRecheck = 5s;
  std::chrono::milliseconds backoff = kMinBackoff;
  for (;;) {
    std::chrono::milliseconds wait = kHealthyRecheck;
    {
      auto self = weak.lock();
      if (!self || self->stopping_) co_return;
      if (!self->pool_->healthy()) {
        translate::RequestMeta anonymous{std::string(protocol::kModernVersion), json::object(), nullptr, {}, nullptr};
        try {
          auto session = co_await self->pool_->acquire(
              pool::SessionKey::make("", anonymous.client_capabilities),
              translate::make_initialize_params(anonymous, self->opts_.initialize));
          // A pooled session may be stale after failures: a legacy ping proves the upstream answers.
          json ping{{"jsonrpc", "2.0"}, {"id", session->next_request_id()}, {"method", "ping"}};
          co_await self->call_upstream(session, std::move(ping), {}, {});
          self->pool_->record_success();
          backoff = kMinBackoff;
          spdlog::debug("bridge: upstream health probe answered");
        } catch (const std::exception& e) {
          if (self->stopping_) co_return;
          if (const unsigned status = upstream::authorization_failure_status(e)) {
            // It answered: alive. Only the probe's credentials are missing or refused.
            self->pool_->record_success();
            backoff = kMinBackoff;
            if (!self->probe_auth_warned_.exchange(true))
              spdlog::warn("bridge: the upstream answers the health probe with HTTP {}: it is alive (/healthz "
                           "200) but refuses the probe's credentials (the probe carries no client token, only the "
                           "bridge's own: --upstream-header or the --upstream-token-url token); clients must bring "
                           "their own tokens",
                           status);
          } else {
            spdlog::warn("bridge: upstream health probe failed, next try in {} ms: {}", backoff.count(), e.what());
            wait = backoff;
            backoff = std::min<std::chrono::milliseconds>(backoff * 2, kMaxBackoff);
          }
        }
      }
    }  // never hold the bridge alive while sleeping
    timer->expires_after(wait);
    auto [ec] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;  // cancelled by shutdown()
  }
}

asio::awaitable<Reply> BridgeImpl::handle(DownstreamRequest request, NotificationSink sink) {
  auto self = shared_from_this();
  const auto started = std::chrono::steady_clock::now();
  // handle_request() moves the message on into the legacy request: what the
  // error replies and the log line need is read first.
  const json request_id = request_id_of(request);
  std::string logged_method, logged_id;
  if (spdlog::should_log(spdlog::level::debug)) {
    const json& m = request.message;
    logged_method =
        m.is_object() && m.contains("method") && m["method"].is_string() ? m["method"].get<std::string>() : "?";
    logged_id = m.is_object() && m.contains("id") ? m["id"].dump() : "-";
  }
  Reply reply;
  bool aborted = false;
  try {
    reply = co_await handle_request(request, sink);
  } catch (const boost::system::system_error& e) {
    if (is_cancellation(e)) {
      aborted = true;
    } else {
      spdlog::error("bridge: unexpected error: {}", e.what());
      reply = error_reply(500, request_id, err::kInternalError,
                          std::string("Internal bridge error: ") + e.what());
    }
  } catch (const std::exception& e) {
    spdlog::error("bridge: unexpected error: {}", e.what());
    reply = error_reply(500, request_id, err::kInternalError,
                        std::string("Internal bridge error: ") + e.what());
  }
  if (aborted) {
    // Our caller cancelled (client went away): nobody reads a reply, so the
    // cancellation propagates. An abort we did not ask for (e.g. the session
    // aborted the call while shutting down) is an upstream failure instead.
    auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) {
      spdlog::debug("bridge: request cancelled by the client");
      throw boost::system::system_error(asio::error::operation_aborted);
    }
    spdlog::warn("bridge: upstream call aborted");
    reply = error_reply(upstream_error_status(502), request_id, err::kInternalError,
                        "Upstream server error: the upstream call was aborted");
  }
  if (spdlog::should_log(spdlog::level::debug)) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    spdlog::debug(
        "bridge: {} id={} -> HTTP {}{} in {} ms", logged_method, logged_id, reply.http_status,
        reply.body.is_object() && reply.body.contains("error")
            ? " error " + reply.body["error"].value("code", json(0)).dump()
            : "",
        ms);
  }
  co_return reply;
}

asio::awaitable<Reply> BridgeImpl::handle_request(DownstreamRequest& request, NotificationSink& sink) {
  const json& message = request.message;

  // 1. JSON-RPC shape.
  const auto kind = translate::classify_message(message);
  switch (kind.kind) {
    case translate::MessageKind::Invalid:
      co_return error_reply(400, kind.id, err::kInvalidRequest, "Invalid Request: " + kind.problem);
    case translate::MessageKind::Response:
      co_return error_reply(400, kind.id, err::kInvalidRequest,
                            "Invalid Request: a 2026-07-28 server expects no responses from the client");
    case translate::MessageKind::Notification:
      // Nothing to forward: 2026-07-28 clients cancel by closing the stream
      // (HTTP) or the downstream stdio server cancels the matching handle().
      co_return Reply{202, nullptr};
    case translate::MessageKind::Request:
      break;
  }
  const json id = message["id"];
  const std::string method = message["method"].get<std::string>();
  // A reference into the request (alive for the whole call): no copy of the arguments.
  static const json kNoParams;
  const auto params_it = message.find("params");
  const json& params = params_it != message.end() ? *params_it : kNoParams;

  // 2. Method table: removed, unknown and not-yet-supported methods.
  const auto info = translate::lookup_method(method);
  if (info.route != MethodRoute::Synthesize && info.route != MethodRoute::Forward && info.route != MethodRoute::Listen &&
      info.route != MethodRoute::Extension)
    co_return error_reply(404, id, err::kMethodNotFound, translate::method_not_found_message(method, info.route));

  // 3. Required _meta, then the protocol version.
  auto meta_or_error = translate::read_request_meta(params);
  if (auto* e = std::get_if<translate::MetaError>(&meta_or_error))
    co_return error_reply(e->http_status, id, e->code, e->message, e->data);
  // Shared by the notification handlers below, not copied into each.
  const auto meta_ptr =
      std::make_shared<const translate::RequestMeta>(std::get<translate::RequestMeta>(std::move(meta_or_error)));
  const translate::RequestMeta& meta = *meta_ptr;
  if (auto e = translate::check_protocol_version(meta.protocol_version))
    co_return error_reply(e->http_status, id, e->code, e->message, e->data);

  // 3b. Multi round-trip requests: inputResponses and requestState are checked
  // before anything reaches the upstream (bridge/mrtr.hpp).
  std::optional<MrtrRequest> mrtr_request;
  if (translate::supports_input_required(method)) {
    auto read =
        mrtr_->read_request(id, request.authorization, method, params, meta.client_capabilities, request.from_peer);
    if (auto* rejected = std::get_if<Reply>(&read)) co_return std::move(*rejected);
    mrtr_request = std::get<MrtrRequest>(std::move(read));
  }

  // 4. An upstream session for this authorization context, these capabilities
  // and this log level (bridge/log_level.hpp; a listen stream never carries logs).
  const auto key = pool::SessionKey::make(request.authorization, meta.client_capabilities,
                                          info.route == MethodRoute::Listen ? "" : meta.log_level.value_or(""));
  const std::string context = context_of(key);
  std::shared_ptr<UpstreamSession> session;
  try {
    // The initialize params only when a session must start (see pool::InitializeParams).
    session = co_await pool_->acquire(
        key, [&meta, &init = opts_.initialize] { return translate::make_initialize_params(meta, init); });
  } catch (const pool::PoolExhausted& e) {
    spdlog::warn("bridge: {}", e.what());
    co_return error_reply(upstream_error_status(503), id, err::kInternalError,
                          std::string("Upstream busy: ") + e.what());
  } catch (const UpstreamError& e) {
    if (auto r = authorization_reply(e, id)) co_return std::move(*r);
    spdlog::warn("bridge: no upstream session: {}", e.what());
    co_return error_reply(upstream_error_status(502), id, err::kInternalError,
                          std::string("Upstream server unavailable: ") + e.what());
  }
  const json& initialize_result = session->initialize_result();
  if (request.upstream_session) *request.upstream_session = session->serial();

  // subscriptions/listen: a long-lived stream (bridge/subscriptions.hpp).
  if (info.route == MethodRoute::Listen)
    co_return co_await subscriptions_->listen(make_listen_request(
        id, params, key, session, translate::make_initialize_params(meta, opts_.initialize), pool_, sink));

  // 5. server/discover is answered from the session's InitializeResult.
  if (info.route == MethodRoute::Synthesize)
    co_return Reply{
        200, translate::make_result_response(
                 id, translate::make_discover_result(initialize_result, opts_.discover, opts_.cache.hint_for(method)))};

  // tasks/get|update|cancel: the tasks extension, on the session that owns the task (bridge/tasks.hpp).
  if (info.route == MethodRoute::Extension) {
    auto self = shared_from_this();
    auto pool = pool_;
    json initialize_params = translate::make_initialize_params(meta, opts_.initialize);
    TaskBridge::Acquire acquire = [pool, initialize_params, init = opts_.initialize](pool::SessionKey owner_key) {
      json owner_params = initialize_params;  // the owner's capabilities, this request's clientInfo
      owner_params["capabilities"] = translate::to_legacy_client_capabilities(
          json::parse(owner_key.capabilities_canonical, nullptr, false), init);
      return pool->acquire(std::move(owner_key), std::move(owner_params));
    };
    TaskBridge::CallOn call = [self](std::shared_ptr<UpstreamSession> s, json r) {
      return self->call_upstream(std::move(s), std::move(r), {}, {});
    };
    try {
      co_return co_await tasks_->handle(method, params, id, request.authorization, meta.client_capabilities,
                                        initialize_result, std::move(acquire), std::move(call));
    } catch (const UpstreamError& e) {
      if (auto r = authorization_reply(e, id)) co_return std::move(*r);
      spdlog::warn("bridge: {} failed upstream: {}", method, e.what());
      co_return error_reply(upstream_error_status(502), id, err::kInternalError,
                            std::string("Upstream server error: ") + e.what());
    }
  }

  // A method whose capability the upstream does not declare does not exist
  // (discover and the handlers must agree).
  if (!info.required_capability.empty() && !declares(initialize_result, info.required_capability))
    co_return error_reply(404, id, err::kMethodNotFound,
                          "Method not found: " + method + " (the server does not declare the '" +
                              std::string(info.required_capability) + "' capability)");

  try {
    // 6. Mcp-Param-* headers against the tool's x-mcp-header annotations (HTTP only).
    if (request.via_http && method == "tools/call") {
      if (auto mismatch = co_await check_param_headers(session, context, request))
        co_return error_reply(400, id, err::kHeaderMismatch, *mismatch);
    }

    // 7. Forward: a tools/call becomes a legacy task when the tasks extension
    // applies; fresh upstream id, progress token rewritten to it.
    auto augmentation = translate::TaskAugmentation::None;
    if (method == "tools/call" && translate::upstream_supports_tool_tasks(initialize_result) &&
        params.contains("name") && params["name"].is_string()) {
      auto tool = co_await find_tool(session, context, params["name"].get<std::string>());
      augmentation = translate::decide_task_augmentation(
          tool.get(), translate::client_declares_tasks(meta.client_capabilities), true);
    }
    if (augmentation == translate::TaskAugmentation::MissingClientCapability)
      co_return error_reply(400, id, err::kMissingRequiredClientCapability,
                            "Missing required client capability: the tool runs only as a task",
                            translate::tasks_required_capability_data());
    // The parsed request itself becomes the legacy request (moved, not
    // copied): what step 8 needs of its params is read first; `message` and
    // `params` are not used after this.
    const json request_uri = params.is_object() ? params.value("uri", json()) : json();
    const bool first_page = !params.is_object() || !params.contains("cursor");
    json legacy_request = translate::to_legacy_request(std::move(request.message), session->next_request_id());
    if (method == "tools/call")
      legacy_request = translate::with_task_augmentation(std::move(legacy_request),
                                                         augmentation == translate::TaskAugmentation::Augment);
    auto tools = tools_;
    upstream::CallNotificationHandler on_notification = [sink, meta_ptr, tools, context](const json& n) {
      if (n.is_object() && n.value("method", "") == "notifications/tools/list_changed") tools->invalidate(context);
      if (auto out = translate::to_modern_notification(n, *meta_ptr); out && sink) sink(std::move(*out));
    };
    // Log messages the upstream sends outside this call's own stream (GET
    // stream, stdio) reach it too, while it runs, when it asked for logs.
    LogRouter::Attachment logs_attachment;
    if (meta.log_level)
      logs_attachment = LogRouter::attach(logs_, key, [sink, meta_ptr](const json& n) {
        if (auto out = translate::to_modern_notification(n, *meta_ptr); out && sink) sink(std::move(*out));
      });
    json legacy_response;
    if (mrtr_request) {
      // 7b. The call may need client input first: an InputRequiredResult (MRTR).
      auto outcome = co_await call_with_input_requests(session, std::move(legacy_request), std::move(*mrtr_request),
                                                       id, std::move(on_notification), call_context(request));
      if (auto* input_required = std::get_if<Reply>(&outcome)) co_return std::move(*input_required);
      legacy_response = std::get<json>(std::move(outcome));
    } else {
      legacy_response = co_await call_upstream(session, std::move(legacy_request), std::move(on_notification),
                                               call_context(request));
    }
    pool_->record_success();

    // 8. Translate back; a legacy CreateTaskResult becomes a task handle (bridge/tasks.hpp).
    if (method == "tools/call" && translate::client_declares_tasks(meta.client_capabilities))
      if (auto task = translate::created_task_of(legacy_response))
        co_return Reply{200, translate::make_result_response(
                                 id, translate::make_create_task_result(
                                         *task, tasks_->make_handle(request.authorization, key, *task)))};
    if (method == "tools/list") remember_tools(context, first_page, legacy_response);
    translate::ResponseContext ctx{id,
                                   method,
                                   request_uri,
                                   translate::server_info_from_initialize(initialize_result),
                                   info.cacheable,
                                   opts_.cache.hint_for(method)};
    json response = translate::to_modern_response(std::move(legacy_response), std::move(ctx));
    unsigned status = 200;
    if (response.contains("error")) {
      const int code = response["error"].value("code", 0);
      status = translate::http_status_for_forwarded_error(code);
      spdlog::debug("bridge: upstream answered {} with error {}", method, code);
    }
    co_return Reply{status, std::move(response)};
  } catch (const UpstreamTimeout& e) {
    spdlog::warn("bridge: {} timed out: {}", method, e.what());
    co_return error_reply(upstream_error_status(504), id, err::kInternalError,
                          std::string("Upstream timeout: ") + e.what());
  } catch (const UpstreamError& e) {
    if (auto r = authorization_reply(e, id)) co_return std::move(*r);
    pool_->record_failure();
    spdlog::warn("bridge: {} failed upstream: {}", method, e.what());
    co_return error_reply(upstream_error_status(502), id, err::kInternalError,
                          std::string("Upstream server error: ") + e.what());
  }
}

asio::awaitable<json> BridgeImpl::call_upstream(std::shared_ptr<UpstreamSession> session, json request,
                                                upstream::CallNotificationHandler on_notification,
                                                upstream::CallContext context) {
  // First completion wins; a cancelled call makes the session send
  // notifications/cancelled upstream. Cancelling handle() cancels both.
  const auto limit = opts_.request_timeout;
  const observe::UpstreamCallTimer timer(request);
  co_return co_await upstream::with_timeout(
      session->call(std::move(request), std::move(on_notification), std::move(context)), limit,
      [limit] { return UpstreamTimeout("no response within " + std::to_string(limit.count()) + " ms"); });
}

asio::awaitable<std::variant<Reply, json>> BridgeImpl::call_with_input_requests(
    const std::shared_ptr<UpstreamSession>& session, json legacy_request, MrtrRequest mrtr, const json& id,
    upstream::CallNotificationHandler on_notification, upstream::CallContext context) {
  // Each round is bounded by request_timeout; between rounds the exchange's own timeout applies.
  const auto limit = opts_.request_timeout;
  auto throw_timeout = [limit] { throw UpstreamTimeout("no response within " + std::to_string(limit.count()) + " ms"); };
  if (mrtr.retry)
    co_return co_await mrtr_->resume(std::move(mrtr), id, std::move(on_notification), limit, throw_timeout);
  co_return co_await mrtr_->run(session, std::move(legacy_request), std::move(mrtr), id, std::move(on_notification),
                                std::move(context), limit, throw_timeout);
}

asio::awaitable<std::optional<std::string>> BridgeImpl::check_param_headers(
    const std::shared_ptr<UpstreamSession>& session, const std::string& context, const DownstreamRequest& request) {
  const json& params = request.message["params"];
  if (!params.contains("name") || !params["name"].is_string()) co_return std::nullopt;  // upstream rejects it
  auto tool = co_await find_tool(session, context, params["name"].get<std::string>());
  if (!tool) co_return std::nullopt;  // unknown tool: the upstream answers with its own error
  static const json kNoArguments = json::object();
  const auto arguments = params.find("arguments");  // referenced, not copied
  co_return translate::validate_param_headers(*tool, arguments != params.end() ? *arguments : kNoArguments,
                                              request.param_headers);
}

// One in-flight tools/list fetch per context; concurrent callers wait for it
// instead of each fetching (thread-safe channel: callers run on any io thread).
struct BridgeImpl::ToolFetch {
  explicit ToolFetch(asio::any_io_executor ex) : done(std::move(ex)) {}
  asio::experimental::concurrent_channel<void(boost::system::error_code)> done;  // closed when finished
};

asio::awaitable<std::shared_ptr<const json>> BridgeImpl::find_tool(const std::shared_ptr<UpstreamSession>& session,
                                                                    const std::string& context,
                                                                    const std::string& name) {
  // Bounded: if another request's fetch failed or was cancelled, fetch ourselves once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auto tool = tools_->find(context, name)) co_return tool;
    if (tools_->complete(context)) co_return nullptr;
    std::shared_ptr<ToolFetch> running;
    auto mine = std::make_shared<ToolFetch>(co_await asio::this_coro::executor);
    {
      std::lock_guard lock(fetch_mu_);
      auto [it, inserted] = fetches_.try_emplace(context, mine);
      if (!inserted) running = it->second;
    }
    if (running) {
      co_await running->done.async_receive(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    auto finish = [this, &context, &mine] {
      {
        std::lock_guard lock(fetch_mu_);
        if (auto it = fetches_.find(context); it != fetches_.end() && it->second == mine) fetches_.erase(it);
      }
      mine->done.close();  // wakes every waiter
    };
    try {
      co_await fetch_tool_list(session, context);
    } catch (...) {
      finish();
      throw;
    }
    finish();
  }
  co_return tools_->find(context, name);
}

asio::awaitable<void> BridgeImpl::fetch_tool_list(const std::shared_ptr<UpstreamSession>& session,
                                                  const std::string& context) {
  // All pages through the same session, bounded.
  json cursor;
  for (std::size_t page = 0; page < opts_.max_tool_list_pages; ++page) {
    json req{{"jsonrpc", "2.0"}, {"id", session->next_request_id()}, {"method", "tools/list"}};
    if (!cursor.is_null()) req["params"] = {{"cursor", cursor}};
    json resp = co_await call_upstream(session, std::move(req), {}, {});
    if (!resp.is_object() || !resp.contains("result") || !resp["result"].is_object()) {
      spdlog::warn("bridge: tools/list for x-mcp-header validation failed: {}", resp.dump().substr(0, 300));
      co_return;
    }
    const json& result = resp["result"];
    tools_->add_tools(context, result.value("tools", json::array()));
    auto next = result.find("nextCursor");
    if (next == result.end() || !next->is_string() || next->get_ref<const std::string&>().empty()) {
      tools_->mark_complete(context);
      co_return;
    }
    cursor = *next;
  }
  spdlog::warn("bridge: tools/list has more than {} pages; x-mcp-header validation may be incomplete",
               opts_.max_tool_list_pages);
}

void BridgeImpl::remember_tools(const std::string& context, bool first_page, const json& legacy_response) {
  if (!legacy_response.is_object() || !legacy_response.contains("result") || !legacy_response["result"].is_object())
    return;
  const json& result = legacy_response["result"];
  tools_->add_tools(context, result.value("tools", json::array()));
  const bool last_page = !result.contains("nextCursor") || result["nextCursor"].is_null();
  if (first_page && last_page) tools_->mark_complete(context);
}

}  // namespace mcp::bridge
