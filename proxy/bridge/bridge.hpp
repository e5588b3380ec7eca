// The request path that joins the two sides: a validated 2026-07-28 message
// comes in from a downstream transport (HTTP or stdio), the bridge takes an
// upstream session from the pool, forwards the translated legacy request and
// returns the translated response. Request-related notifications (progress)
// are handed to `on_notification` as they arrive.
//
// Transport-neutral: the downstream HTTP server has already checked the HTTP
// level (method, path, Origin/Host, body size) and the header/body agreement;
// everything JSON-RPC and MCP lives here or in translate/.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

namespace mcp::bridge {

using json = nlohmann::json;

// Hop marker on a request one bridge replica forwards to another (the owner
// of a parked multi round-trip exchange, bridge/mrtr_forward.hpp); its value
// is the forwarding replica's URL. A request carrying it is never forwarded again.
inline constexpr std::string_view kForwardedHeader = "Mcp-Bridge-Forwarded-By";

struct DownstreamRequest {
  json message;                 // the parsed JSON-RPC request or notification
  std::string authorization;    // "Authorization" header value, "" if none (stdio: "")
  // Trace context headers to pass upstream (traceparent, tracestate, baggage).
  std::map<std::string, std::string> trace_headers;
  // Mcp-Param-{Name} headers as received, keyed by the lower-cased {name}
  // part; validated by the bridge against the tool's x-mcp-header annotations.
  std::map<std::string, std::string> param_headers;
  // True on Streamable HTTP (Mcp-Param-* validation applies); false on stdio.
  bool via_http = true;
  // The request carries kForwardedHeader (HTTP only).
  bool from_peer = false;
  // Non-null: the bridge writes here the serial() of the upstream session
  // that served the request (the access log's "session"); the caller keeps it
  // alive until handle() completes.
  std::uint64_t* upstream_session = nullptr;
};

struct Reply {
  unsigned http_status = 200;   // 200, 202 (notification accepted), 400, 404, 502, 503 ...
  json body;                    // the JSON-RPC response; null for 202
  // Non-empty: the request belongs to the replica at this URL (a parked
  // exchange's owner). An HTTP transport with a peer forwarder relays the
  // original request there (bridge/peer_forwarder.hpp); otherwise it answers
  // http_status/body, an error saying so.
  std::string forward_to{};
  // Non-empty: the `WWW-Authenticate` header of a 401/403 (an upstream's
  // challenge passed through, auth/challenge.hpp). HTTP only.
  std::string www_authenticate{};
};

// A JSON-RPC error response with its HTTP status: the one way the request
// path answers a failure (bridge/error_reply.cpp).
Reply error_reply(unsigned status, const json& id, int code, std::string_view message, const json& data = nullptr);

// Thread-safe; may be called from any io thread until handle() completes.
using NotificationSink = std::function<void(json notification)>;

class Bridge {
 public:
  virtual ~Bridge() = default;
  // Never throws for bad input: every failure becomes a JSON-RPC error Reply.
  // Cancelling the awaiting coroutine cancels the upstream request.
  virtual boost::asio::awaitable<Reply> handle(DownstreamRequest request, NotificationSink on_notification) = 0;
  // True once an upstream session could be established (for /healthz).
  virtual bool upstream_healthy() const = 0;
  // Graceful shutdown, after in-flight handle() calls finished: ends every
  // pooled upstream session (HTTP DELETE, stdio close) and background work.
  virtual boost::asio::awaitable<void> shutdown() { co_return; }
  // Graceful end of every subscriptions/listen stream: each such handle()
  // returns its completion result (subscriptions.mdx "Graceful Closure").
  // Called when a downstream server starts shutting down, before it drains.
  virtual void close_subscriptions() {}
  // This replica's URL as peers reach it (written into park requestStates).
  // Called once the listener is bound, before requests are served.
  virtual void set_advertised_url(std::string url) { (void)url; }
};

}  // namespace mcp::bridge
