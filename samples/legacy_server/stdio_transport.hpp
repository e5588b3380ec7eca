// stdio transport: newline-delimited JSON-RPC on stdin/stdout, one session.
// Logs go to stderr; stdout carries nothing but MCP messages.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstddef>

namespace legacy {

class Server;

struct StdioOptions {
  std::size_t max_line_bytes = 4 * 1024 * 1024;  // longer lines are answered with a parse error
};

// Runs until stdin closes; returns the process exit code.
int run_stdio(boost::asio::io_context& io, Server& server, StdioOptions options);

}  // namespace legacy
