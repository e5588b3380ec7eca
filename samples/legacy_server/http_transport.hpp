// Streamable HTTP transport, 2025-11-25 flavour: one endpoint (/mcp), POST
// for client messages (JSON or SSE answers), GET for the standalone SSE
// stream, DELETE to end a session; Mcp-Session-Id and MCP-Protocol-Version
// headers; Host/Origin validation against DNS rebinding.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace legacy {

class Server;

struct HttpOptions {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;                         // 0 = ephemeral
  std::size_t max_body_bytes = 1024 * 1024;       // 413 beyond this
  std::size_t max_header_bytes = 16 * 1024;       // 431 beyond this
  std::size_t max_connections = 512;              // 503 beyond this
  std::size_t max_events_per_stream = 1024;       // SSE replay buffer
  std::chrono::seconds read_timeout{60};          // idle keep-alive / slow request
  std::chrono::seconds write_timeout{30};         // a client that stops reading
  std::chrono::seconds keepalive_interval{15};    // SSE comment lines
  std::chrono::seconds session_idle_timeout{1800};
  std::vector<std::string> allowed_hosts;         // in addition to localhost names
  std::vector<std::string> allowed_origins;       // exact origins, e.g. https://app.example
};

class HttpTransport {
 public:
  HttpTransport(boost::asio::io_context& io, Server& server, HttpOptions options);
  ~HttpTransport();
  // Binds and starts accepting; returns the bound port. Throws on failure.
  std::uint16_t start();
  void stop();

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace legacy
