// The legacy (2025-11-25 and earlier) side of the bridge: one object per
// upstream MCP session. Implementations: HttpUpstreamSession (Streamable HTTP)
// and StdioUpstreamSession (a child process speaking newline-delimited JSON-RPC).
//
// A session multiplexes many downstream requests: the bridge allocates every
// upstream request id with next_request_id(), so ids never collide, and uses
// that same integer as the upstream progress token (see translate/to_legacy.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

namespace mcp::upstream {

using json = nlohmann::json;

// Thrown by call()/notify()/start() when the upstream cannot be reached or the
// session died (connection refused, child exited, malformed framing, ...).
// The bridge turns it into a JSON-RPC error for the waiting client; it never hangs.
struct UpstreamError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Receives messages from upstream that relate to one in-flight call:
// notifications/progress whose progressToken equals the call's id, and any
// notification that arrived on the call's own SSE response stream
// (e.g. notifications/message). May be invoked from any io thread.
using CallNotificationHandler = std::function<void(const json& notification)>;

// Answers a server-to-client request (ping, sampling/createMessage,
// elicitation/create, roots/list). Returns the full JSON-RPC response message.
// `related_call_id` is the upstream id of the call it belongs to, or null:
// the call whose HTTP POST stream carried it; else (GET stream, stdio) the
// only pending tools/call, prompts/get or resources/read of the session; else
// null (the attribution rule in upstream/legacy_session_core.hpp).
// Each invocation runs in its own coroutine and may take minutes (waiting for
// a client): the session keeps routing other messages meanwhile.
using ServerRequestHandler =
    std::function<boost::asio::awaitable<json>(json request, json related_call_id)>;

// Notifications not tied to a call (list_changed, resources/updated, messages
// on the GET stream or stdio without a progress token).
using UnsolicitedHandler = std::function<void(const json& notification)>;

// Per-call context that is not part of the JSON-RPC message.
struct CallContext {
  // Extra HTTP headers for this call's POST (traceparent, tracestate, baggage).
  // Ignored by stdio sessions.
  std::map<std::string, std::string> headers;
};

class UpstreamSession : public std::enable_shared_from_this<UpstreamSession> {
 public:
  virtual ~UpstreamSession() = default;

  // Sends `initialize` with these params (protocolVersion, capabilities,
  // clientInfo), then notifications/initialized. Throws UpstreamError.
  virtual boost::asio::awaitable<void> start(json initialize_params) = 0;

  // The InitializeResult the upstream answered (valid after start()).
  virtual const json& initialize_result() const = 0;

  // Sends `request` (its "id" was set from next_request_id()) and returns the
  // complete JSON-RPC response message (with "result" or "error").
  // If the awaiting coroutine is cancelled (asio per-operation cancellation),
  // the session sends notifications/cancelled for that id upstream and the
  // call completes with boost::asio::error::operation_aborted.
  virtual boost::asio::awaitable<json> call(json request, CallNotificationHandler on_notification,
                                            CallContext context) = 0;

  // Sends a notification upstream (e.g. notifications/cancelled).
  virtual boost::asio::awaitable<void> notify(json notification) = 0;

  // False once the session is dead (child exited, unrecoverable HTTP failure,
  // shut down). The pool drops unusable sessions.
  virtual bool usable() const = 0;

  // Ends the session politely (HTTP DELETE; stdio: close stdin, then terminate).
  virtual boost::asio::awaitable<void> shutdown() = 0;

  // Number of calls currently awaiting a response (for pool idle accounting).
  virtual std::size_t in_flight() const = 0;

  std::int64_t next_request_id() { return ++last_id_; }

  // A small number naming this session in the access log (1, 2, ... per
  // process): opaque, never the upstream's Mcp-Session-Id.
  std::uint64_t serial() const { return serial_; }

  void set_server_request_handler(ServerRequestHandler h) { server_request_handler_ = std::move(h); }
  void set_unsolicited_handler(UnsolicitedHandler h) { unsolicited_handler_ = std::move(h); }

 protected:
  ServerRequestHandler server_request_handler_;
  UnsolicitedHandler unsolicited_handler_;

 private:
  std::atomic<std::int64_t> last_id_{0};
  inline static std::atomic<std::uint64_t> serials_{0};
  const std::uint64_t serial_ = ++serials_;
};

}  // namespace mcp::upstream
