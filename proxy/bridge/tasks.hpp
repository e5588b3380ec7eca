// The io.modelcontextprotocol/tasks extension in front of a legacy server's
// experimental tasks: the request-path glue around translate/tasks.hpp.
//
// Task handles. The bridge is stateless toward the client, but a legacy task
// lives in ONE upstream session (the sample scopes tasks per session, as the
// 2025-11-25 spec binds them to the requestor). The pool keeps one session per
// key (Authorization, client capabilities, log level; pool/session_key.hpp),
// so the handle carries the key's capabilities and log level and the signature
// binds the Authorization digest; a later tasks/get with that handle takes the
// same pooled session:
//
//   handle = "t1." base64({"t": upstream task id, "c": capabilities, "l": log level})
//            "." sign_state({stg:"task", xid: upstream task id, prn: sha256(Authorization),
//                            m:"tools/call", pd: sha256(descriptor), exp, own})
//
// signed with the requestState keys (bridge/request_state.hpp: same KeyRing,
// same rotation). A handle from another principal, tampered or expired is
// "unknown task" (-32602) and nothing reaches the upstream.
//
// Limits (documented in the README): the owning session must still be pooled
// and alive: idle eviction (PoolOptions::idle_timeout) or an upstream restart
// loses its tasks (the upstream answers "unknown task"); across replicas a
// handle works only where the upstream's task store is shared (HTTP upstream
// with the same pool key and a server that does not scope tasks per session),
// since unlike MRTR retries task calls are not forwarded to the owner.
//
// Input. A legacy task that needs input moves to input_required and sends its
// elicitation/create (tagged io.modelcontextprotocol/related-task) on the
// stream of a tasks/result. When tasks/get sees input_required, the bridge
// starts one background tasks/result for the task ("watcher") and keeps the
// requests it brings in a bounded inbox; tasks/get lists the unanswered ones
// as inputRequests, tasks/update delivers answers by key (unknown keys
// ignored), an unanswered request is refused upstream after input_timeout.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "bridge/bridge.hpp"
#include "bridge/request_state.hpp"
#include "pool/session_key.hpp"
#include "upstream/upstream_session.hpp"

namespace mcp::bridge {

struct TaskOptions {
  // Handle signing keys; empty: one random key (handles die with the process).
  KeyRing keys;
  // Written into each handle ("own"), as for requestState.
  std::string owner;
  // Handle lifetime when the upstream gives no ttl (null = unlimited), and its cap.
  std::chrono::milliseconds max_handle_lifetime{std::chrono::hours(24)};
  // How long tasks/get waits for an input_required task's requests to arrive
  // from the watcher, then for more sent together with the first.
  std::chrono::milliseconds input_wait{std::chrono::seconds(2)};
  std::chrono::milliseconds gather_window{std::chrono::milliseconds(100)};
  // How long an upstream request waits for the client's tasks/update.
  std::chrono::milliseconds input_timeout{std::chrono::minutes(5)};
  // Bound on upstream requests waiting in all inboxes; past it they are refused.
  std::size_t max_pending_inputs = 1024;
};

// What a verified handle names.
struct TaskTarget {
  pool::SessionKey key;
  std::string upstream_task_id;
};

class TaskBridge : public std::enable_shared_from_this<TaskBridge> {
 public:
  using UnixClock = std::function<std::int64_t()>;
  // One upstream call bounded like any other (BridgeImpl::call_upstream).
  using Call = std::function<boost::asio::awaitable<json>(json request)>;

  TaskBridge(boost::asio::any_io_executor ex, TaskOptions opts, UnixClock unix_ms = unix_now_ms);

  // The handle for a task the upstream created on the session of `key`.
  std::string make_handle(const std::string& authorization, const pool::SessionKey& key,
                          const json& legacy_task) const;
  // The session key and upstream task id of a handle, for this Authorization;
  // nullopt when invalid (the caller answers -32602 "unknown task").
  std::optional<TaskTarget> open_handle(std::string_view handle, const std::string& authorization) const;

  // Server-request handler for one pooled session: requests tagged with a
  // related task go to that task's inbox; everything else to `next`.
  upstream::ServerRequestHandler wrap(const upstream::UpstreamSession& session, json client_capabilities,
                                      upstream::ServerRequestHandler next);

  // A tasks/get, tasks/update or tasks/cancel request, in this order:
  // -32601 when the upstream offers no tasks (then the extension does not
  // apply), -32021 (HTTP 400, data.requiredCapabilities) when the request did
  // not declare the extension, -32602 for a missing or unknown handle; then
  // the method on the session `acquire` returns for the handle's key.
  // Throws upstream::UpstreamError (and what `call` throws) like a forwarded call.
  using Acquire = std::function<boost::asio::awaitable<std::shared_ptr<upstream::UpstreamSession>>(pool::SessionKey)>;
  using CallOn = std::function<boost::asio::awaitable<json>(std::shared_ptr<upstream::UpstreamSession>, json request)>;
  boost::asio::awaitable<Reply> handle(std::string method, json params, json id, std::string authorization,
                                       json client_capabilities, json initialize_result, Acquire acquire,
                                       CallOn call);

  // tasks/get, tasks/update, tasks/cancel on the session that owns the task.
  // The JSON-RPC response (result or error); throws UpstreamError like a call.
  boost::asio::awaitable<json> get(std::shared_ptr<upstream::UpstreamSession> session, TaskTarget target,
                                   std::string handle, json id, Call call);
  boost::asio::awaitable<json> update(std::shared_ptr<upstream::UpstreamSession> session, TaskTarget target,
                                      json input_responses, json id, Call call);
  boost::asio::awaitable<json> cancel(std::shared_ptr<upstream::UpstreamSession> session, TaskTarget target, json id,
                                      Call call);

  std::size_t pending_inputs() const;

 private:
  struct Pending;
  struct Inbox;
  using InboxKey = std::pair<const void*, std::string>;

  boost::asio::awaitable<json> ask(InboxKey key, json request, json client_capabilities);
  void start_watcher(const std::shared_ptr<upstream::UpstreamSession>& session, const InboxKey& key, Call call);
  json open_requests(const InboxKey& key) const;  // {key: {method, params}}
  void drop_inbox(const InboxKey& key);

  boost::asio::any_io_executor ex_;
  TaskOptions opts_;
  UnixClock unix_ms_;
  mutable std::mutex mu_;
  std::map<InboxKey, std::shared_ptr<Inbox>> inboxes_;
  std::size_t pending_count_ = 0;
};

}  // namespace mcp::bridge
