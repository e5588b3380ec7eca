// Legacy MCP server as a child process: newline-delimited JSON-RPC on its
// stdin/stdout (2025-11-25 basic/transports.mdx "stdio"). Every session is its
// own child process; the factory spaces out restarts after failures.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "upstream/session_factory.hpp"

namespace mcp::upstream {

struct StdioUpstreamOptions {
  std::vector<std::string> argv;              // command and arguments; argv[0] is searched on PATH
  std::map<std::string, std::string> env;     // added to (overriding) the bridge's environment
  std::string cwd;                            // working directory; empty = the bridge's
  // After a child failed to start or died early, the next start waits
  // min, 2*min, 4*min, ... up to max. A child that ran longer than
  // `stable_after` before dying counts as a first failure again.
  std::chrono::milliseconds restart_backoff_min{500};
  std::chrono::milliseconds restart_backoff_max{30'000};
  std::chrono::milliseconds stable_after{60'000};
  std::size_t max_line_bytes = 16 * 1024 * 1024;   // one JSON-RPC message on stdout
  std::size_t max_stderr_line_bytes = 16 * 1024;   // longer stderr lines are logged truncated
  std::size_t max_write_queue = 1024;              // messages queued for the child's stdin
  std::size_t max_in_flight = 4096;                // concurrent calls per child
  std::chrono::milliseconds start_timeout{30'000}; // spawn -> InitializeResult
  // shutdown(): close stdin, wait this long, SIGTERM, wait again, SIGKILL.
  std::chrono::milliseconds shutdown_grace{2'000};
};

std::shared_ptr<SessionFactory> make_stdio_session_factory(boost::asio::any_io_executor ex, StdioUpstreamOptions opts);

}  // namespace mcp::upstream
