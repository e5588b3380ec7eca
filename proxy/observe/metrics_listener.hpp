// GET /metrics on its own listen address (--metrics-listen), never on the
// MCP listener: Prometheus text (observe/exposition.hpp) to whoever can reach
// that address, so it binds loopback unless told otherwise. Thin I/O: every
// byte of the answer comes from `render`. Bounded: a few connections at a
// time, small requests, every read and write under a timeout.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace mcp::observe {

struct MetricsListenerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9464;  // 0: ephemeral (local_port())
  std::size_t max_connections = 16;
  std::function<std::string()> render;  // the body of GET /metrics
};

class MetricsListener : public std::enable_shared_from_this<MetricsListener> {
 public:
  MetricsListener(boost::asio::any_io_executor ex, MetricsListenerOptions options);
  // Binds and listens, then serves in the background. Throws
  // boost::system::system_error when the address cannot be bound.
  void start();
  std::uint16_t local_port() const { return port_; }
  // Stops accepting; connections end after their current request (thread-safe).
  void stop();

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

  boost::asio::any_io_executor ex_;
  boost::asio::ip::tcp::acceptor acceptor_;
  MetricsListenerOptions options_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
  std::shared_ptr<std::atomic<std::size_t>> connections_ = std::make_shared<std::atomic<std::size_t>>(0);
};

}  // namespace mcp::observe
