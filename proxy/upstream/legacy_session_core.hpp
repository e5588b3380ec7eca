// The transport-independent part of one legacy (2025-11-25 and earlier)
// upstream session: which calls are in flight, where each incoming message
// goes, and whether the session is still usable. No I/O, no executor, no
// clock: HttpUpstreamSession and StdioUpstreamSession feed it the messages
// they read and act on its decisions (they only move bytes).
//
// Routing of one incoming message (classified by translate::classify_message):
//   response              -> the pending call with that id (else dropped);
//   notifications/progress whose progressToken is a pending call id
//                         -> that call (the bridge uses the upstream request id
//                            as the progress token, see upstream_session.hpp);
//   other notification arriving on a call's own response stream (HTTP POST SSE)
//                         -> that call;
//   any other notification -> unsolicited;
//   server-to-client request -> the server request handler, with a related call
//                            id chosen by the attribution rule below;
//   invalid message       -> dropped (the reason is returned for the log).
//
// Attribution rule for server-to-client requests (sampling/createMessage,
// elicitation/create, roots/list, ping):
//   1. It arrived on a call's own response stream (HTTP POST SSE): that call.
//   2. Otherwise (stdio, the HTTP GET stream) the transport cannot tell. If
//      exactly one pending call has a method that may legitimately wait on the
//      client (translate::supports_input_required: tools/call, prompts/get,
//      resources/read, the requests 2026-07-28 basic/patterns/mrtr.mdx
//      "Supported Requests" lets answer with an InputRequiredResult), it is
//      that call's id.
//   3. Otherwise (none, or two and more such calls) the related id is null:
//      guessing between several calls could show one client's question to
//      another client.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "translate/append_json.hpp"
#include "upstream/upstream_session.hpp"

namespace mcp::upstream {

// One call the session waits for.
struct PendingCall {
  std::string method;  // "tools/call", "initialize", ...
  CallNotificationHandler on_notification;
  // Delivers the response when the transport does not read it itself (stdio).
  // Empty for HTTP, whose call reads its response from its own POST.
  std::function<void(json response)> on_response;
  // Tells the waiting call the session died (stdio: the child exited). Empty
  // when the call notices a failure itself (HTTP: its own connection).
  std::function<void(const std::string& reason)> on_failure;
};

enum class Destination {
  CallResponse,      // to the pending call `call_id` as its response
  CallNotification,  // to the pending call `call_id`'s notification handler
  Unsolicited,       // to the session's unsolicited handler
  ServerRequest,     // to the server request handler, related to `call_id` (may be null)
  Dropped,           // nowhere; `why` says why
};

struct Route {
  Destination to = Destination::Dropped;
  json call_id;     // see Destination
  std::string why;  // Dropped only
};

// Where routed messages end up. on_server_request must not block: the
// transports spawn the (possibly minutes-long) handler and return at once.
struct SessionSinks {
  UnsolicitedHandler on_unsolicited;
  std::function<void(json request, json related_call_id)> on_server_request;
};

// Thread-safe: transports call it from several io threads at once. Handlers
// run outside the lock.
class LegacySessionCore {
 public:
  explicit LegacySessionCore(std::size_t max_calls = 4096) : max_calls_(max_calls) {}

  // Set once before the first message.
  void set_sinks(SessionSinks sinks) { sinks_ = std::move(sinks); }

  // Registers a call before its request is sent. Throws UpstreamError when
  // the session is not usable, the id is already pending, or max_calls are
  // pending. `starting` lets initialize register before mark_usable() (but
  // not after mark_dead()).
  void add_call(const json& id, PendingCall call, bool starting = false);
  // Idempotent.
  void remove_call(const json& id);
  std::size_t in_flight() const;

  // The decision for `message`; `stream_call_id` is the call whose own
  // response stream carried it, null for a session-wide channel.
  Route route(const json& message, const json& stream_call_id = nullptr) const;
  // Acts on `route`. A delivered response removes its call from the table.
  void deliver(const Route& route, json message);
  // route() then deliver(); returns the route taken (for tests and logs).
  Route dispatch(json message, const json& stream_call_id = nullptr);

  // Usable from mark_usable() until mark_dead(); never again after that.
  // mark_dead() fails every pending call that has an on_failure hook with
  // `reason`; dead_reason() keeps the first one.
  void mark_usable();
  void mark_dead(const std::string& reason);
  bool usable() const;
  std::string dead_reason() const;

 private:
  static std::string key(const json& id) { return translate::json_text(id, false); }  // id.dump()
  json attribute_server_request_locked() const;

  const std::size_t max_calls_;
  SessionSinks sinks_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::pair<json, PendingCall>> calls_;  // key(id) -> (id, call)
  bool usable_ = false;
  std::string dead_reason_;
};

// Registers a call for the lifetime of this object (however the call ends).
class CallRegistration {
 public:
  CallRegistration(LegacySessionCore& session, json id, PendingCall call, bool starting = false)
      : session_(session), id_(std::move(id)) {
    session_.add_call(id_, std::move(call), starting);
  }
  ~CallRegistration() { session_.remove_call(id_); }
  CallRegistration(const CallRegistration&) = delete;
  CallRegistration& operator=(const CallRegistration&) = delete;

 private:
  LegacySessionCore& session_;
  json id_;
};

}  // namespace mcp::upstream
