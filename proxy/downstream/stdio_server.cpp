#include "downstream/stdio_server.hpp"

#include "translate/json_input.hpp"
#include "translate/wire_text.hpp"

#include <unistd.h>

#include <cerrno>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "downstream/line_splitter.hpp"
#include "downstream/request_validation.hpp"
#include "downstream/use_tuple.hpp"
#include "observe/request_observation.hpp"
#include "translate/protocol.hpp"

namespace mcp::downstream {
namespace asio = boost::asio;
using json = nlohmann::json;
using namespace asio::experimental::awaitable_operators;

namespace {

// A regular file (stdin redirected from a file) cannot be registered with
// epoll; such descriptors are read/written directly (they never block long).
bool assign_pollable(asio::posix::stream_descriptor& d, int fd) {
  boost::system::error_code ec;
  d.assign(fd, ec);
  if (ec) return false;
  return true;
}

}  // namespace

StdioServer::StdioServer(asio::any_io_executor ex, std::shared_ptr<bridge::Bridge> bridge, StdioServerOptions options,
                         int in_fd, int out_fd)
    : strand_(asio::make_strand(ex)),
      bridge_(std::move(bridge)),
      options_(options),
      in_(strand_),
      out_(strand_),
      in_fd_(in_fd),
      out_fd_(out_fd),
      out_queue_(std::make_shared<OutChannel>(strand_, options.max_queued_lines)) {
  in_pollable_ = assign_pollable(in_, in_fd);
  out_pollable_ = assign_pollable(out_, out_fd);
}

void StdioServer::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->stopping_) return;
    self->stopping_ = true;
    boost::system::error_code ec;
    if (self->in_pollable_) self->in_.cancel(ec);
  });
}

asio::awaitable<void> StdioServer::run() {
  // Everything below touches strand-only state: run it on the strand whatever
  // executor the caller's coroutine has (co_await dispatch() would not move it).
  co_await asio::co_spawn(strand_, serve(), asio::use_awaitable);
}

asio::awaitable<void> StdioServer::serve() {
  auto self = shared_from_this();
  spdlog::info("serving MCP 2026-07-28 on stdin/stdout");
  co_await (read_loop() && write_loop());
  // Closing our output tells the client we are done (stdio.mdx "Shutdown").
  boost::system::error_code ec;
  if (in_pollable_) in_.close(ec); else ::close(in_fd_);
  if (out_pollable_) out_.close(ec); else ::close(out_fd_);
  spdlog::info("stdio: input closed and in-flight requests done");
}

asio::awaitable<void> StdioServer::read_loop() {
  LineSplitter splitter(options_.max_line_bytes);
  std::string chunk(64 * 1024, '\0');
  auto oversize = [this] {
    spdlog::error("stdio: input line longer than {} bytes (--max-stdio-line-bytes): skipped", options_.max_line_bytes);
    send_line_now(jsonrpc_error(nullptr, protocol::error::kParseError,
                                "Parse error: message longer than " + std::to_string(options_.max_line_bytes) +
                                    " bytes"));
  };
  while (!stopping_) {
    std::size_t n = 0;
    if (in_pollable_) {
      auto [ec, got] = co_await in_.async_read_some(asio::buffer(chunk), use_tuple);
      if (ec) {
        if (ec != asio::error::eof && ec != asio::error::operation_aborted)
          spdlog::warn("stdio: reading stdin failed: {}", ec.message());
        break;
      }
      n = got;
    } else {
      ssize_t got = ::read(in_fd_, chunk.data(), chunk.size());
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      n = static_cast<std::size_t>(got);
    }
    splitter.feed(std::string_view(chunk.data(), n), [this](std::string_view line) { on_line(line); }, oversize);
  }
  if (auto last = splitter.finish()) on_line(*last);
  stopping_ = true;
  // Listen streams never end by themselves: end them with their completion
  // result (subscriptions.mdx "Graceful Closure") before draining.
  bridge_->close_subscriptions();

  // EOF: let in-flight requests finish, bounded by the drain timeout.
  asio::steady_timer tick(strand_);
  auto deadline = std::chrono::steady_clock::now() + options_.drain_timeout;
  while (active_ > 0 && std::chrono::steady_clock::now() < deadline) {
    tick.expires_after(std::chrono::milliseconds(10));
    co_await tick.async_wait(use_tuple);
  }
  if (active_ > 0) {
    spdlog::warn("stdio: drain timeout, cancelling {} request(s)", in_flight_.size());
    for (auto& [key, entry] : in_flight_) {
      entry->cancelled = true;
      entry->silenced->store(true);
      entry->signal.emit(asio::cancellation_type::terminal);
    }
    for (int i = 0; i < 200 && active_ > 0; ++i) {
      tick.expires_after(std::chrono::milliseconds(10));
      co_await tick.async_wait(use_tuple);
    }
  }
  // Empty line = end marker for the writer (real messages are never empty).
  co_await out_queue_->async_send(boost::system::error_code{}, std::string(), use_tuple);  // fails if the writer died
}

asio::awaitable<void> StdioServer::write_loop() {
  for (;;) {
    auto [ec, line] = co_await out_queue_->async_receive(use_tuple);
    if (ec || line.empty()) break;
    line.push_back('\n');
    observe::metrics().sent_bytes.inc(line.size());
    if (out_pollable_) {
      auto [wec, n] = co_await asio::async_write(out_, asio::buffer(line), use_tuple);
      if (wec) {
        spdlog::error("stdio: writing stdout failed: {}; stopping", wec.message());
        stop();
        break;
      }
    } else {
      std::string_view rest = line;
      while (!rest.empty()) {
        ssize_t w = ::write(out_fd_, rest.data(), rest.size());
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        rest.remove_prefix(static_cast<std::size_t>(w));
      }
    }
  }
  // Keep draining so senders never wait on a dead writer.
  out_queue_->close();
}

void StdioServer::send_line_now(const json& message) {
  std::string line = translate::to_wire(message);
  if (!out_queue_->try_send(boost::system::error_code{}, std::move(line)))
    spdlog::warn("stdio: output queue full ({} lines), message dropped", options_.max_queued_lines);
}

void StdioServer::on_line(std::string_view line) {
  observe::metrics().received_bytes.inc(line.size() + 1);  // with its line feed, like the output
  if (line.find_first_not_of(" \t") == std::string_view::npos) return;  // blank line
  auto parsed = translate::parse_json(line);
  if (!parsed.ok()) {
    spdlog::warn("stdio: input line is {} ({} bytes)", parsed.error, line.size());
    send_line_now(jsonrpc_error(nullptr, protocol::error::kParseError, "Parse error: line is " + parsed.error));
    return;
  }
  json message = std::move(parsed.value);
  if (!message.is_object()) {
    send_line_now(jsonrpc_error(nullptr, protocol::error::kInvalidRequest,
                                "Invalid Request: expected one JSON-RPC object per line (no batches)"));
    return;
  }
  if (!message.contains("method")) {
    // Clients MUST NOT send responses (stdio.mdx); nothing to answer.
    spdlog::warn("stdio: ignoring a message without method (responses are not expected from clients)");
    return;
  }
  if (message.contains("id")) {
    start_request(std::move(message));
    return;
  }
  if (message["method"] == "notifications/cancelled") {
    cancel_request(message.value("params", json::object()));
    return;
  }
  ++active_;
  asio::co_spawn(strand_, handle_notification(std::move(message)), [self = shared_from_this()](std::exception_ptr) {
    --self->active_;
  });
}

void StdioServer::start_request(json message) {
  const json id = message["id"];
  if (!id.is_string() && !id.is_number_integer()) {
    send_line_now(jsonrpc_error(nullptr, protocol::error::kInvalidRequest,
                                "Invalid Request: id must be a string or an integer"));
    return;
  }
  std::string key = id.dump();
  if (in_flight_.count(key)) {
    send_line_now(jsonrpc_error(id, protocol::error::kInvalidRequest,
                                "Invalid Request: a request with id " + key + " is already in flight"));
    return;
  }
  if (in_flight_.size() >= options_.max_in_flight) {
    send_line_now(jsonrpc_error(id, protocol::error::kInternalError,
                                "Server busy: more than " + std::to_string(options_.max_in_flight) +
                                    " concurrent requests"));
    return;
  }
  auto entry = std::make_shared<InFlight>();
  in_flight_.emplace(key, entry);
  ++active_;
  asio::co_spawn(strand_, handle_request(std::move(message), entry),
                 asio::bind_cancellation_slot(entry->signal.slot(),
                                              [self = shared_from_this(), key, entry](std::exception_ptr) {
                                                auto it = self->in_flight_.find(key);
                                                if (it != self->in_flight_.end() && it->second == entry)
                                                  self->in_flight_.erase(it);
                                                --self->active_;
                                              }));
}

void StdioServer::cancel_request(const json& params) {
  if (!params.is_object() || !params.contains("requestId")) {
    spdlog::debug("stdio: ignoring malformed notifications/cancelled");
    return;
  }
  auto it = in_flight_.find(params["requestId"].dump());
  if (it == in_flight_.end()) {
    spdlog::debug("stdio: notifications/cancelled for unknown or finished request {}", params["requestId"].dump());
    return;
  }
  spdlog::info("stdio: request {} cancelled by the client{}", it->first,
               params.contains("reason") && params["reason"].is_string()
                   ? ": " + params["reason"].get<std::string>()
                   : std::string());
  it->second->cancelled = true;
  it->second->silenced->store(true);
  it->second->signal.emit(asio::cancellation_type::terminal);
}

asio::awaitable<void> StdioServer::handle_request(json message, std::shared_ptr<InFlight> entry) {
  // Metrics and the access log line (cancelled if never finished).
  observe::RequestObservation observed("stdio", options_.access_log);
  observed.begin(message);
  json id = message["id"];
  auto silenced = entry->silenced;
  std::weak_ptr<OutChannel> queue = out_queue_;
  bridge::NotificationSink sink = [silenced, queue](json notification) {
    if (silenced->load()) return;  // cancelled: no further messages for it (cancellation.mdx)
    if (auto q = queue.lock(); q && !q->try_send(boost::system::error_code{}, translate::to_wire(notification)))
      spdlog::warn("stdio: output queue full, notification dropped");
  };
  bridge::DownstreamRequest req;
  req.message = std::move(message);
  req.via_http = false;
  req.upstream_session = observed.session_slot();
  json response;
  observe::Outcome outcome = observe::Outcome::Error;
  try {
    bridge::Reply reply = co_await bridge_->handle(std::move(req), std::move(sink));
    outcome = observe::outcome_of_reply(reply.http_status, reply.body.is_object() && reply.body.contains("error"));
    response = std::move(reply.body);
  } catch (const std::exception& e) {
    if (entry->cancelled) co_return;
    spdlog::error("stdio: bridge failed on request {}: {}", id.dump(), e.what());
    response = jsonrpc_error(id, protocol::error::kInternalError, "Internal error in mcp-bridge");
  }
  silenced->store(true);
  if (entry->cancelled || response.is_null()) co_return;
  auto [ec] = co_await out_queue_->async_send(boost::system::error_code{}, translate::to_wire(response), use_tuple);
  if (ec) spdlog::warn("stdio: response to {} not written: output closed", id.dump());
  else observed.finish(outcome, 0);
}

asio::awaitable<void> StdioServer::handle_notification(json message) {
  observe::RequestObservation observed("stdio", options_.access_log);
  observed.begin(message);
  bridge::DownstreamRequest req;
  req.message = std::move(message);
  req.via_http = false;
  try {
    // A notification gets no response on stdio, whatever the bridge answers.
    auto reply = co_await bridge_->handle(std::move(req), [](json) {});
    observed.finish(observe::outcome_of_reply(reply.http_status, reply.body.is_object() && reply.body.contains("error")), 0);
  } catch (const std::exception& e) {
    spdlog::warn("stdio: bridge failed on a notification: {}", e.what());
  }
}

}  // namespace mcp::downstream
