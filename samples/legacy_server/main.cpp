// mcp-legacy-sample: a session-based MCP 2025-11-25 server, written the
// way pre-2026 servers were, that implements everything the official
// conformance suite's server scenarios ask for. It is the upstream that
// mcp-bridge is tested against and the demo input of mcp-lint (it uses the
// deprecated Roots, Sampling and Logging features on purpose).
#include "http_transport.hpp"
#include "server.hpp"
#include "stdio_transport.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <optional>

namespace {

// "127.0.0.1:8080" -> address and port; nullopt when malformed.
std::optional<std::pair<std::string, std::uint16_t>> split_listen_address(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  int port = std::stoi(digits);
  if (port > 65535) return std::nullopt;
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "mcp-legacy-sample: a sample MCP server speaking the session-based 2025-11-25 protocol.\n"
      "It implements the tools, resources, templates, prompts, completions, progress, logging,\n"
      "list-changed notifications, subscriptions and the server-to-client requests (elicitation,\n"
      "sampling, roots) that the official conformance suite's server scenarios expect.\n"
      "Exactly one transport: --http HOST:PORT (endpoint /mcp) or --stdio."};
  std::string http_address;
  bool use_stdio = false;
  legacy::ServerOptions server_options;
  legacy::HttpOptions http_options;
  int client_timeout_ms = static_cast<int>(server_options.client_request_timeout.count());
  int session_idle_s = static_cast<int>(http_options.session_idle_timeout.count());
  std::string log_level = "info";

  auto* http_flag = app.add_option("--http", http_address,
                                   "Serve Streamable HTTP on HOST:PORT (port 0 picks a free port; the bound port is "
                                   "printed on stdout as 'listening on HOST:PORT')");
  auto* stdio_flag = app.add_flag("--stdio", use_stdio, "Serve newline-delimited JSON-RPC on stdin/stdout (one session)");
  http_flag->excludes(stdio_flag);
  app.add_option("--allowed-host", http_options.allowed_hosts,
                 "Extra Host header value accepted besides localhost, 127.0.0.1 and [::1] (repeatable)");
  app.add_option("--allowed-origin", http_options.allowed_origins,
                 "Extra Origin accepted besides http(s)://localhost|127.0.0.1|[::1][:port] (repeatable)");
  app.add_option("--max-body-bytes", http_options.max_body_bytes, "Largest accepted POST body (413 beyond)")
      ->capture_default_str();
  app.add_option("--max-connections", http_options.max_connections, "Concurrent HTTP connections (503 beyond)")
      ->capture_default_str();
  app.add_option("--max-sessions", server_options.max_sessions, "Concurrent sessions (503 on initialize beyond)")
      ->capture_default_str();
  app.add_option("--session-idle-timeout-s", session_idle_s, "End HTTP sessions idle this long")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--client-request-timeout-ms", client_timeout_ms,
                 "How long a tool waits for the client to answer elicitation/sampling/roots")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--log-level", log_level, "stderr log level: trace, debug, info, warn, error, off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  CLI11_PARSE(app, argc, argv);
  if (http_address.empty() && !use_stdio) {
    std::cerr << "error: choose a transport: --http HOST:PORT or --stdio (see --help)\n";
    return 2;
  }

  // Logs always go to stderr: stdout belongs to the protocol (stdio) or the port line (HTTP).
  auto logger = spdlog::stderr_color_mt("mcp-legacy-sample");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));

  server_options.client_request_timeout = std::chrono::milliseconds(client_timeout_ms);
  http_options.session_idle_timeout = std::chrono::seconds(session_idle_s);
  legacy::Server server(server_options);
  boost::asio::io_context io;  // one thread: sessions and streams need no locks
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);

  if (use_stdio) {
    signals.async_wait([&](auto, int) { io.stop(); });
    return legacy::run_stdio(io, server, {});
  }

  auto listen = split_listen_address(http_address);
  if (!listen) {
    std::cerr << "error: --http expects HOST:PORT (for example 127.0.0.1:0), got '" << http_address << "'\n";
    return 2;
  }
  std::tie(http_options.bind_address, http_options.port) = *listen;
  legacy::HttpTransport transport(io, server, http_options);
  std::uint16_t port = 0;
  try {
    port = transport.start();
  } catch (const std::exception& error) {
    spdlog::critical("cannot listen on {}: {}", http_address, error.what());
    return 1;
  }
  std::cout << "listening on " << http_options.bind_address << ":" << port << std::endl;
  spdlog::info("serving MCP 2025-11-25 Streamable HTTP at http://{}:{}/mcp", http_options.bind_address, port);
  signals.async_wait([&](auto, int signal) {
    spdlog::info("signal {}: shutting down", signal);
    transport.stop();
    io.stop();
  });
  io.run();
  return 0;
}
