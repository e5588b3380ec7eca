// Legacy MCP server over Streamable HTTP (2025-11-25, 2025-06-18, 2025-03-26
// basic/transports.mdx): initialize + notifications/initialized, Mcp-Session-Id,
// MCP-Protocol-Version, JSON or SSE answers, the GET stream for
// server-initiated messages, DELETE at shutdown, transparent re-initialize and
// one retry after 404 (expired session), https with certificate verification.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

namespace boost::asio::ssl {
class context;
}

#include "upstream/session_factory.hpp"
#include "upstream/upstream_credentials.hpp"

namespace mcp::upstream {

struct HttpUpstreamOptions {
  std::string url;                       // http://host:port/mcp or https://...
  // TLS: the peer certificate is verified against the system CAs (plus
  // `ca_file` if set) and must name the URL's host — unless `tls_insecure`.
  std::string ca_file;
  bool tls_insecure = false;
  std::chrono::milliseconds connect_timeout{10'000};   // TCP connect + TLS handshake
  std::chrono::milliseconds request_timeout{300'000};  // one POST: send .. complete answer
  std::size_t max_response_bytes = 16 * 1024 * 1024;   // a JSON body, or one SSE event
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_connections = 64;                    // concurrent POSTs to the upstream (per factory)
  std::chrono::milliseconds idle_connection_timeout{30'000};  // keep-alive connections older are not reused
  std::map<std::string, std::string> headers;          // static extra headers on every request
  // The bridge's own changing credential (an OAuth access token): the
  // Authorization of every request a client credential does not replace
  // (SessionContext::authorization wins); an upstream 401 to it is answered
  // by one retry with a fresh value. Null: none.
  std::shared_ptr<UpstreamCredentials> credentials;
  bool open_get_stream = true;                         // listen for server-initiated messages
  // GET stream reconnects: backoff min..max, give up after this many failures in a row.
  std::chrono::milliseconds reconnect_backoff_min{500};
  std::chrono::milliseconds reconnect_backoff_max{30'000};
  unsigned max_reconnect_failures = 8;
  // How many times a POST's SSE stream that broke before the answer is resumed
  // with GET + Last-Event-ID.
  unsigned max_resume_attempts = 3;
};

// Non-2xx answers from the upstream that the bridge may want to act on
// (401/403 -> authorization problem of the client).
struct UpstreamHttpError : UpstreamError {
  UpstreamHttpError(unsigned status, std::string www_authenticate, const std::string& what)
      : UpstreamError(what), status(status), www_authenticate(std::move(www_authenticate)) {}
  unsigned status;
  std::string www_authenticate;
};

// 401 or 403 when `e` is an upstream answer refusing the credentials (the
// client's token, or the configured --upstream-header): an authorization
// problem, never an upstream failure (/healthz); 0 for anything else.
inline unsigned authorization_failure_status(const std::exception& e) {
  auto* h = dynamic_cast<const UpstreamHttpError*>(&e);
  return h && (h->status == 401 || h->status == 403) ? h->status : 0;
}

// The TLS client context of an https upstream (ca_file, tls_insecure of
// `opts`), for other requests to the upstream's origin (auth/metadata_proxy.hpp).
std::shared_ptr<boost::asio::ssl::context> make_upstream_tls_context(const HttpUpstreamOptions& opts);

// Throws std::invalid_argument for a bad URL or an unreadable CA file.
std::shared_ptr<SessionFactory> make_http_session_factory(boost::asio::any_io_executor ex, HttpUpstreamOptions opts);

}  // namespace mcp::upstream
