// One HTTP/1.1 connection of the 2026-07-28 server, read top to bottom by one
// coroutine on the connection's strand: read a request (header, body and time
// limits) -> validate (request_validation.hpp) -> Bridge::handle -> answer
// with JSON, or SSE once a notification arrives before the reply (a quiet
// SSE response gets ": keep-alive" comments, HttpServerOptions::
// sse_keepalive_interval; subscriptions/listen streams stay open for long) ->
// next request while keep-alive. While the bridge works, a read on the socket
// watches for the client going away; that cancels handle() (2026-07-28
// cancellation over HTTP, basic/patterns/cancellation.mdx).
//
// One template serves plain and TLS connections (--tls-cert): the stream is
// a beast::tcp_stream or a beast::ssl_stream over one; both are instantiated
// in http_connection.cpp. TLS adds only the handshake before the first
// request (within request_read_timeout) and a bounded close_notify at the end.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <type_traits>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "downstream/deadline.hpp"
#include "downstream/http_server_options.hpp"
#include "downstream/request_validation.hpp"

namespace mcp::downstream {

// What the listener needs of a connection, whatever its stream.
class ConnectionControl {
 public:
  virtual ~ConnectionControl() = default;
  // Graceful shutdown: close now if waiting for a request and none has
  // arrived yet (one that has is answered, with Connection: close) (thread-safe).
  virtual void close_if_idle() = 0;
  // End of the drain period: close whatever is going on (thread-safe).
  virtual void force_close() = 0;
};

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <class Stream>  // PlainStream or TlsStream
class HttpConnection final : public ConnectionControl, public std::enable_shared_from_this<HttpConnection<Stream>> {
 public:
  // `tls`: the context of a TlsStream connection (null for PlainStream). The
  // connection keeps it alive: a certificate reload (SIGHUP) swaps the
  // listener's context, never this one.
  HttpConnection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerContext> ctx,
                 std::shared_ptr<boost::asio::ssl::context> tls = nullptr);

  // Serves requests until the peer closes, an error, or shutdown.
  boost::asio::awaitable<void> run();
  // The connection's strand (run() must be spawned on it).
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

  void close_if_idle() override;
  void force_close() override;

 private:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream_); }
  static Stream make_stream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls);
  boost::asio::awaitable<bool> handshake();
  boost::asio::awaitable<void> tls_close_notify();
  struct Outcome;  // how one request ended
  boost::asio::awaitable<bool> serve_one();
  boost::asio::awaitable<void> lingering_close();
  // Strand-only: bytes of a next request are buffered or in the socket.
  bool request_waiting();
  boost::asio::awaitable<void> serve_mcp(const HttpRequest& req, bool keep_alive);
  boost::asio::awaitable<void> serve_healthz(const HttpRequest& req, bool keep_alive);
  boost::asio::awaitable<void> serve_resource_metadata(const HttpRequest& req, bool keep_alive);
  boost::asio::awaitable<void> write_rejection(const Rejection& r, unsigned version, bool keep_alive);
  // `www_authenticate`: the challenge of a 401/403 (bridge::Reply), if any.
  boost::asio::awaitable<void> write_json(unsigned status, const json& body, unsigned version, bool keep_alive,
                                          std::string_view www_authenticate = {});
  boost::asio::awaitable<bridge::Reply> call_bridge(bridge::DownstreamRequest req, bridge::NotificationSink sink);
  void watch_for_disconnect();
  void on_watch_read(boost::system::error_code ec, std::size_t n);
  boost::asio::awaitable<void> stop_watching();
  // Relays the request to the replica owning its parked exchange (Reply::forward_to).
  boost::asio::awaitable<void> forward_to_owner(const HttpRequest& req, const bridge::Reply& reply, bool keep_alive);

  std::shared_ptr<boost::asio::ssl::context> tls_;  // TLS only; outlives stream_ (declared first)
  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ServerContext> ctx_;
  std::shared_ptr<Deadline> deadline_;  // of the handshake and of each request's read (deadline.hpp)
  // While the bridge works on a request (strand-only): the disconnect watch and the call it cancels.
  boost::asio::cancellation_signal call_cancel_;
  boost::asio::cancellation_signal watch_cancel_;
  boost::asio::experimental::channel<void(boost::system::error_code)> watch_ended_;
  bool watching_ = false;     // the watch's read is pending
  bool stop_watch_ = false;   // the request is over: the watch ends at its next completion
  bool client_gone_ = false;  // the watch saw the client go away during this request
  bool idle_ = true;         // strand-only: waiting for the next request
  bool keep_open_ = true;    // strand-only: false once the connection must close after this response
  std::string peer_;         // for logs
  bool handshaken_ = false;  // strand-only, TLS: the handshake completed (close_notify makes sense)
};

extern template class HttpConnection<PlainStream>;
extern template class HttpConnection<TlsStream>;

}  // namespace mcp::downstream
