// The 2026-07-28 Streamable HTTP server: accepts connections (each on its own
// strand, served by HttpConnection, over TLS when HttpServerOptions::tls is
// set), bounds their number (503 beyond max_connections) and shuts down
// gracefully. Given several executors (downstream/io_shards.hpp: one
// io_context per thread), it listens once per executor on the same port
// (SO_REUSEPORT: the kernel spreads new connections over the listeners) and
// serves each connection on the executor of the listener that accepted it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "bridge/bridge.hpp"
#include "downstream/http_server_options.hpp"

namespace mcp::downstream {

class ConnectionControl;

class HttpServer : public std::enable_shared_from_this<HttpServer> {
 public:
  // `ex` should be the io_context's executor (connections get their own strands).
  HttpServer(boost::asio::any_io_executor ex, std::shared_ptr<bridge::Bridge> bridge, HttpServerOptions options);
  // One listener per executor (each an io_context's, run by one thread).
  HttpServer(std::vector<boost::asio::any_io_executor> shards, std::shared_ptr<bridge::Bridge> bridge,
             HttpServerOptions options);

  // Binds and listens, then accepts in the background.
  // Throws boost::system::system_error when the address cannot be bound.
  void start();
  std::uint16_t local_port() const { return port_; }
  std::size_t active_connections() const;

  // Stop accepting; idle keep-alive connections close at once; requests in
  // flight may finish for up to `drain_timeout`; then everything is closed.
  boost::asio::awaitable<void> shutdown(std::chrono::milliseconds drain_timeout);

 private:
  struct Listener {
    boost::asio::any_io_executor ex;        // where its connections run
    boost::asio::ip::tcp::acceptor acceptor;  // on a strand of ex
  };
  void listen(Listener& listener, const boost::asio::ip::tcp::endpoint& endpoint, bool reuse_port);
  boost::asio::awaitable<void> accept_loop(Listener& listener);
  boost::asio::awaitable<void> reject_busy(boost::asio::ip::tcp::socket socket);
  template <class Connection>
  void serve(std::shared_ptr<Connection> conn);
  template <class F>
  void for_each_connection(F&& f);

  std::vector<std::unique_ptr<Listener>> listeners_;
  std::shared_ptr<ServerContext> ctx_;
  std::uint16_t port_ = 0;

  mutable std::mutex mutex_;  // guards connections_ (touched from every connection's strand)
  std::unordered_map<std::uint64_t, std::weak_ptr<ConnectionControl>> connections_;
  std::uint64_t next_id_ = 0;
};

}  // namespace mcp::downstream
