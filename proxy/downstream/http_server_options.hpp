// Settings of the 2026-07-28 Streamable HTTP server and the state every
// connection of one server shares.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include <boost/asio/awaitable.hpp>

#include "bridge/bridge.hpp"
#include "downstream/request_validation.hpp"

namespace mcp::bridge {
class PeerForwarder;
}
namespace mcp::observe {
class AccessLog;
}

namespace mcp::downstream {

class TlsContextSource;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: ephemeral (see HttpServer::local_port)
  std::size_t max_body_bytes = 4 * 1024 * 1024;   // larger -> 413
  std::size_t max_header_bytes = 16 * 1024;       // larger -> 431
  std::size_t max_connections = 1024;             // more -> 503 and close
  std::chrono::milliseconds request_read_timeout{30'000};  // body of one request -> 408
  std::chrono::milliseconds idle_timeout{60'000};          // waiting for (the headers of) the next request
  std::chrono::milliseconds write_timeout{30'000};         // one write to a slow client
  // Notifications waiting to be written to one SSE response; more are
  // dropped with a warning (the sink never blocks the upstream reader).
  std::size_t max_queued_notifications = 1024;
  // An SSE comment (": keep-alive") on a response stream quiet for this long,
  // so intermediaries and client idle timeouts leave long-lived streams
  // (subscriptions/listen) open (streamable-http.mdx). 0: never.
  std::chrono::milliseconds sse_keepalive_interval{15'000};
  AccessPolicy access = make_access_policy("127.0.0.1", {}, {});
  // Relays retries whose parked exchange another replica owns (a Reply with
  // forward_to, bridge/peer_forwarder.hpp); null: the Reply's error is answered.
  std::shared_ptr<bridge::PeerForwarder> forwarder;
  // Answers GET /.well-known/oauth-protected-resource[/mcp] (passthrough
  // authorization, auth/metadata_proxy.hpp); null: 404 (no HTTP upstream).
  std::function<boost::asio::awaitable<bridge::Reply>()> resource_metadata;
  // Resource-server authorization (auth/resource_server.hpp): judges each
  // /mcp request's Authorization header before the bridge sees it. Returns
  // the validated principal, which replaces the header's value in the
  // bridge's request (session key, state bindings; never sent upstream), or
  // the 401/403 to answer. Null: passthrough (the header goes to the bridge).
  std::function<boost::asio::awaitable<std::variant<std::string, bridge::Reply>>(std::string_view authorization,
                                                                                 const nlohmann::json& message)>
      authenticate;
  // One line per /mcp request (observe/access_log.hpp); null: off.
  std::shared_ptr<observe::AccessLog> access_log;
  // HTTPS (downstream/tls_context.hpp): each new connection does a TLS
  // handshake with the source's current context; null: plain HTTP.
  std::shared_ptr<TlsContextSource> tls;
};

// Shared by the listener and its connections.
struct ServerContext {
  std::shared_ptr<bridge::Bridge> bridge;
  HttpServerOptions options;
  std::atomic<bool> stopping{false};  // graceful shutdown began: no new requests on kept-alive connections
};

}  // namespace mcp::downstream
