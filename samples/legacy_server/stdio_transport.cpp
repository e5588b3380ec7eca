#include "stdio_transport.hpp"

#include "server.hpp"
#include "session.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <thread>

namespace legacy {
namespace {

// Every message is one line on stdout. Writes happen on the io thread only.
class StdoutStream : public Outbound {
 public:
  void send(const json& message) override {
    std::string line = to_wire(message);
    line.push_back('\n');
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() || std::fflush(stdout) != 0)
      spdlog::error("stdout write failed; the client is gone");
  }
};

// Blocking reads live on their own thread (stdin may be a file or a TTY,
// which the io reactor cannot watch); lines are posted to the io thread.
void read_lines(asio::io_context& io, std::shared_ptr<Session> session, std::shared_ptr<Outbound> out,
                std::size_t max_line_bytes) {
  std::string line;
  bool too_long = false;
  int c;
  auto deliver = [&](std::string text, bool overflow) {
    asio::post(io, [session, out, text = std::move(text), overflow] {
      if (overflow) {
        out->send(make_error_response(nullptr, error_code::kInvalidRequest, "Message too large"));
        return;
      }
      if (text.find_first_not_of(" \t\r") == std::string::npos) return;  // blank line
      auto message = parse_message(text);
      if (!message) {
        out->send(make_error_response(nullptr, error_code::kParseError, "Parse error"));
        return;
      }
      if (message->is_array()) {
        out->send(make_error_response(nullptr, error_code::kInvalidRequest, "JSON-RPC batches are not supported"));
        return;
      }
      session->receive(std::move(*message), out);
    });
  };
  while ((c = std::getchar()) != EOF) {
    if (c == '\n') {
      deliver(std::move(line), too_long);
      line.clear();
      too_long = false;
    } else if (line.size() < max_line_bytes) {
      line.push_back(static_cast<char>(c));
    } else {
      too_long = true;  // keep reading to the newline, drop the bytes
    }
  }
  if (!line.empty()) deliver(std::move(line), too_long);
  asio::post(io, [&io, session] {
    spdlog::info("stdin closed; shutting down");
    session->close();
    io.stop();
  });
}

}  // namespace

int run_stdio(asio::io_context& io, Server& server, StdioOptions options) {
  auto out = std::make_shared<StdoutStream>();
  auto session = std::make_shared<Session>(io.get_executor(), server, "stdio");
  session->set_standalone_stream(out);
  server.add_session(session);
  std::thread reader(read_lines, std::ref(io), session, out, options.max_line_bytes);
  reader.detach();  // blocked in getchar() until EOF; the process exit ends it
  spdlog::info("serving MCP 2025-11-25 on stdio");
  io.run();
  return 0;
}

}  // namespace legacy
