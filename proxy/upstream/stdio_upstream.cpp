#include "upstream/stdio_upstream.hpp"
#include "upstream/server_request_answer.hpp"

#include <atomic>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "upstream/backoff.hpp"
#include "upstream/child_process.hpp"
#include "upstream/jsonrpc_message.hpp"
#include "upstream/legacy_handshake.hpp"
#include "upstream/legacy_session_core.hpp"
#include "upstream/with_timeout.hpp"
#include "translate/json_input.hpp"
#include "observe/metrics.hpp"

namespace mcp::upstream {

namespace asio = boost::asio;

namespace {

using WriteChannel = asio::experimental::concurrent_channel<void(boost::system::error_code, std::string)>;
using DoneChannel = asio::experimental::concurrent_channel<void(boost::system::error_code, json)>;

// How one call waits: the session core delivers its response, or its failure
// (eof with `failure` set) when the child dies.
struct Waiter {
  explicit Waiter(asio::any_io_executor ex) : done(ex, 1) {}
  DoneChannel done;
  std::string failure;
};

// The child process and the byte pumps around it; every protocol decision is
// the LegacySessionCore's. Everything the background loops touch lives here,
// so a session object that the pool drops can still shut its child down
// politely in the background.
class StdioCore : public std::enable_shared_from_this<StdioCore> {
 public:
  StdioCore(asio::any_io_executor ex, const StdioUpstreamOptions& opts, std::shared_ptr<RestartBackoff> backoff)
      : ex_(ex), strand_(asio::make_strand(ex)), opts_(opts), backoff_(std::move(backoff)),
        writes_(ex, opts.max_write_queue), session_(opts.max_in_flight) {}

  LegacySessionCore& session() { return session_; }
  const LegacySessionCore& session() const { return session_; }
  int pid() const { return child_ ? child_->pid() : -1; }

  // Routed messages go to these; server requests are answered concurrently.
  void connect_handlers(UnsolicitedHandler unsolicited, ServerRequestHandler server_requests) {
    server_request_handler_ = std::move(server_requests);
    std::weak_ptr<StdioCore> weak = weak_from_this();
    session_.set_sinks({std::move(unsolicited), [weak](json request, json related) {
                          if (auto self = weak.lock())
                            asio::co_spawn(self->ex_,
                                           [self, request = std::move(request), related = std::move(related)]() {
                                             return self->answer_server_request(request, related);
                                           },
                                           asio::detached);
                        }});
  }

  // start() failed after the spawn (initialize rejected, timed out, child
  // crashed): count it once towards the factory's restart backoff.
  void note_start_failure() {
    if (!failure_recorded_.exchange(true)) backoff_->start_failed();
  }

  // Spawns the child and starts the reader/writer/stderr/exit loops.
  asio::awaitable<void> spawn() {
    if (const auto delay = backoff_->delay_before_start(); delay.count() > 0) {
      spdlog::info("upstream '{}': waiting {} ms before starting (after {} failures)", opts_.argv.front(),
                   delay.count(), backoff_->failures());
      asio::steady_timer t(ex_, delay);
      co_await t.async_wait(asio::use_awaitable);
    }
    try {
      child_ = std::make_shared<ChildProcess>(ex_, ChildSpec{opts_.argv, opts_.env, opts_.cwd});
    } catch (const std::exception& e) {
      backoff_->start_failed();
      session_.mark_dead(std::string("cannot start upstream process: ") + e.what());
      throw UpstreamError(std::string("cannot start upstream process: ") + e.what());
    }
    started_at_ = backoff_->now();
    if (backoff_->claim_restart()) observe::metrics().child_restarts.inc();
    spdlog::info("upstream process started: pid {} ({})", child_->pid(), opts_.argv.front());
    auto self = shared_from_this();
    asio::co_spawn(strand_, [self]() { return self->write_loop(); }, asio::detached);
    asio::co_spawn(ex_, [self]() { return self->read_loop(); }, asio::detached);
    asio::co_spawn(ex_, [self]() { return self->stderr_loop(); }, asio::detached);
    asio::co_spawn(ex_, [self]() { return self->exit_watch(); }, asio::detached);
  }

  // `starting` is true for initialize, which must never be cancelled
  // (2025-11-25 utilities/cancellation.mdx) and runs before the session is usable.
  asio::awaitable<json> call(json request, CallNotificationHandler on_notification, bool starting = false) {
    const json id = request.at("id");
    auto waiter = std::make_shared<Waiter>(ex_);
    PendingCall pending{request.value("method", ""), std::move(on_notification),
                        [waiter](json response) { waiter->done.try_send(boost::system::error_code{}, std::move(response)); },
                        [waiter](const std::string& reason) {
                          waiter->failure = reason;
                          waiter->done.try_send(asio::error::eof, json());
                        }};
    CallRegistration registered(session_, id, std::move(pending), starting);
    boost::system::error_code ec;
    json response;
    try {
      co_await send(request.dump());
      std::tie(ec, response) = co_await waiter->done.async_receive(asio::as_tuple(asio::use_awaitable));
    } catch (const boost::system::system_error& e) {
      ec = e.code();
    }
    // Channels report per-operation cancellation as channel_cancelled.
    if (ec == asio::error::operation_aborted || ec == asio::experimental::channel_errc::channel_cancelled) {
      // The waiting coroutine was cancelled (client went away, timeout):
      // tell the upstream to stop working on it, without awaiting anything here.
      if (!starting) {
        auto self = shared_from_this();
        asio::co_spawn(ex_, [self, id]() -> asio::awaitable<void> {
          try {
            co_await self->send(make_cancelled_notification(id, "request cancelled by the client").dump());
          } catch (...) {
          }
        }, asio::detached);
      }
      throw boost::system::system_error(asio::error::operation_aborted);
    }
    if (ec) throw UpstreamError(waiter->failure.empty() ? session_.dead_reason() : waiter->failure);
    co_return response;
  }

  // Queues one line for the child's stdin (bounded: waits while the queue is full).
  asio::awaitable<void> send(std::string line) {
    if (!child_) throw UpstreamError(session_.dead_reason());
    auto [ec] = co_await writes_.async_send(boost::system::error_code{}, std::move(line),
                                            asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || ec == asio::experimental::channel_errc::channel_cancelled)
      throw boost::system::system_error(asio::error::operation_aborted);
    if (ec) throw UpstreamError(session_.dead_reason());
  }

  asio::awaitable<void> shutdown() {
    if (shutting_down_.exchange(true) || !child_) co_return;
    session_.mark_dead("upstream session was shut down");
    writes_.close();  // the writer loop closes the child's stdin
    auto child = child_;
    if (!co_await child->wait_exit_for(opts_.shutdown_grace)) {
      spdlog::info("upstream pid {} still running after stdin closed; sending SIGTERM", child->pid());
      child->terminate();
      if (!co_await child->wait_exit_for(opts_.shutdown_grace)) {
        spdlog::warn("upstream pid {} ignored SIGTERM; sending SIGKILL", child->pid());
        child->kill();
        co_await child->wait_exit();
      }
    }
  }

 private:
  asio::awaitable<void> write_loop() {
    auto child = child_;
    for (;;) {
      auto [ec, line] = co_await writes_.async_receive(asio::as_tuple(asio::use_awaitable));
      if (ec) break;  // closed by shutdown()
      line.push_back('\n');
      boost::system::error_code wec;
      co_await asio::async_write(child->stdin_pipe(), asio::buffer(line), asio::redirect_error(asio::use_awaitable, wec));
      if (wec) {
        spdlog::warn("upstream pid {}: writing to stdin failed: {}", child->pid(), wec.message());
        break;
      }
    }
    boost::system::error_code ignored;
    child->stdin_pipe().close(ignored);
  }

  asio::awaitable<void> read_loop() {
    auto child = child_;
    std::string buf;
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = co_await asio::async_read_until(
          child->stdout_pipe(), asio::dynamic_buffer(buf, opts_.max_line_bytes), '\n',
          asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::not_found) {
        spdlog::error("upstream pid {} wrote a line longer than {} bytes; killing it", child->pid(),
                      opts_.max_line_bytes);
        session_.mark_dead("upstream process sent a message larger than " + std::to_string(opts_.max_line_bytes) +
                           " bytes");
        child->kill();
        co_return;
      }
      if (ec) break;
      std::string line = buf.substr(0, n - 1);
      buf.erase(0, n);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      dispatch_line(line);
    }
    // stdout closed: normally the child is exiting; give the exit watcher a
    // moment so in-flight calls report the exit status.
    if (!co_await child->wait_exit_for(std::chrono::seconds(2))) {
      spdlog::error("upstream pid {} closed its stdout but keeps running; killing it", child->pid());
      session_.mark_dead("upstream process closed its stdout");
      child->kill();
    }
  }

  void dispatch_line(const std::string& line) {
    auto parsed = translate::parse_json(line, translate::InvalidUtf8::Replace);
    if (!parsed.ok()) {
      spdlog::warn("upstream pid {}: ignoring a line on stdout ({}): {}", pid(), parsed.error, abbreviate(line));
      return;
    }
    json msg = std::move(parsed.value);
    if (msg.is_array()) {  // 2025-03-26 allowed JSON-RPC batches
      for (auto& m : msg) session_.dispatch(std::move(m));
      return;
    }
    session_.dispatch(std::move(msg));
  }

  asio::awaitable<void> answer_server_request(json request, json related) {
    json response =
        co_await upstream::answer_server_request(server_request_handler_, std::move(request), std::move(related));
    try {
      co_await send(response.dump());
    } catch (const std::exception& e) {
      spdlog::debug("upstream pid {}: could not answer server request: {}", pid(), e.what());
    }
  }

  asio::awaitable<void> stderr_loop() {
    auto child = child_;
    const int child_pid = child->pid();
    std::string buf;
    for (;;) {
      boost::system::error_code ec;
      std::size_t n = co_await asio::async_read_until(child->stderr_pipe(),
                                                      asio::dynamic_buffer(buf, opts_.max_stderr_line_bytes), '\n',
                                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::not_found) {
        spdlog::info("upstream[{}] stderr: {} ...(line truncated)", child_pid, abbreviate(buf, buf.size()));
        buf.clear();
        continue;
      }
      if (ec) {
        if (!buf.empty()) spdlog::info("upstream[{}] stderr: {}", child_pid, abbreviate(buf, buf.size()));
        co_return;
      }
      std::string_view line(buf.data(), n - 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      spdlog::info("upstream[{}] stderr: {}", child_pid, abbreviate(line, line.size()));
      buf.erase(0, n);
    }
  }

  asio::awaitable<void> exit_watch() {
    auto child = child_;
    const int status = co_await child->wait_exit();
    if (shutting_down_) {
      spdlog::info("upstream pid {} exited with status {} after shutdown", child->pid(), status);
    } else {
      spdlog::error("upstream pid {} exited unexpectedly with status {}", child->pid(), status);
      if (!failure_recorded_.exchange(true)) backoff_->died(started_at_);
    }
    session_.mark_dead("upstream process exited with status " + std::to_string(status));
    writes_.close();
  }

  asio::any_io_executor ex_;
  asio::strand<asio::any_io_executor> strand_;
  StdioUpstreamOptions opts_;
  std::shared_ptr<RestartBackoff> backoff_;
  std::shared_ptr<ChildProcess> child_;
  WriteChannel writes_;
  LegacySessionCore session_;
  ServerRequestHandler server_request_handler_;
  std::chrono::steady_clock::time_point started_at_{};
  std::atomic<bool> shutting_down_{false};
  std::atomic<bool> failure_recorded_{false};
};

class StdioUpstreamSession final : public UpstreamSession {
 public:
  StdioUpstreamSession(asio::any_io_executor ex, const StdioUpstreamOptions& opts,
                       std::shared_ptr<RestartBackoff> backoff)
      : ex_(ex), opts_(opts), core_(std::make_shared<StdioCore>(ex, opts, std::move(backoff))) {}

  ~StdioUpstreamSession() override {
    // Dropped without shutdown(): end the child politely in the background.
    if (core_->pid() > 0) asio::co_spawn(ex_, [core = core_]() { return core->shutdown(); }, asio::detached);
  }

  asio::awaitable<void> start(json initialize_params) override {
    core_->connect_handlers(unsolicited_handler_, server_request_handler_);
    co_await core_->spawn();
    json request = make_initialize_request(next_request_id(), std::move(initialize_params));
    std::exception_ptr failure;
    try {
      // with_timeout, not `call || timer`: a child that exits before
      // answering fails the call at once, with its exit status.
      const auto limit = opts_.start_timeout;
      json response = co_await with_timeout(core_->call(std::move(request), nullptr, /*starting=*/true), limit, [limit] {
        return UpstreamError("upstream process did not answer initialize within " + std::to_string(limit.count()) +
                             " ms");
      });
      initialize_result_ = accept_initialize_response(response, LegacyTransport::Stdio);
      co_await core_->send(make_initialized_notification().dump());
      core_->session().mark_usable();
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      core_->note_start_failure();
      co_await core_->shutdown();
      std::rethrow_exception(failure);
    }
    spdlog::info("upstream pid {} initialized: {} {} (protocol {})", core_->pid(),
                 initialize_result_.value("/serverInfo/name"_json_pointer, std::string("?")),
                 initialize_result_.value("/serverInfo/version"_json_pointer, std::string("?")),
                 initialize_result_.value("protocolVersion", ""));
  }

  const json& initialize_result() const override { return initialize_result_; }

  asio::awaitable<json> call(json request, CallNotificationHandler on_notification, CallContext) override {
    co_return co_await core_->call(std::move(request), std::move(on_notification));
  }

  asio::awaitable<void> notify(json notification) override { co_await core_->send(notification.dump()); }

  bool usable() const override { return core_->session().usable(); }
  asio::awaitable<void> shutdown() override { co_await core_->shutdown(); }
  std::size_t in_flight() const override { return core_->session().in_flight(); }

 private:
  asio::any_io_executor ex_;
  StdioUpstreamOptions opts_;
  std::shared_ptr<StdioCore> core_;
  json initialize_result_ = json::object();
};

class StdioSessionFactory final : public SessionFactory {
 public:
  StdioSessionFactory(asio::any_io_executor ex, StdioUpstreamOptions opts)
      : ex_(ex), opts_(std::move(opts)),
        backoff_(std::make_shared<RestartBackoff>(opts_.restart_backoff_min, opts_.restart_backoff_max,
                                                  opts_.stable_after)) {
    if (opts_.argv.empty()) throw std::invalid_argument("stdio upstream: no command given");
  }

  std::shared_ptr<UpstreamSession> create(const SessionContext&) override {
    return std::make_shared<StdioUpstreamSession>(ex_, opts_, backoff_);
  }

  std::string describe() const override {
    std::string s = "stdio:";
    for (const auto& a : opts_.argv) s += " " + a;
    return s;
  }

 private:
  asio::any_io_executor ex_;
  StdioUpstreamOptions opts_;
  std::shared_ptr<RestartBackoff> backoff_;
};

}  // namespace

std::shared_ptr<SessionFactory> make_stdio_session_factory(asio::any_io_executor ex, StdioUpstreamOptions opts) {
  return std::make_shared<StdioSessionFactory>(ex, std::move(opts));
}

}  // namespace mcp::upstream
