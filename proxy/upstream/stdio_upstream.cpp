#include "upstream/stdio_upstream.hpp"
#include "upstream/server_request_answer.hpp"

#include <atomic>
#include <mutex>
#include <unordered_map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "translate/protocol.hpp"
#include "upstream/backoff.hpp"
#include "upstream/child_process.hpp"
#include "upstream/jsonrpc_message.hpp"

namespace mcp::upstream {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

namespace {

// Shared by a factory and all its sessions: spaces out restarts after failures.
class RestartPolicy {
 public:
  RestartPolicy(std::chrono::milliseconds min, std::chrono::milliseconds max, std::chrono::milliseconds stable)
      : min_(min), max_(max), stable_(stable) {}

  std::chrono::milliseconds delay_before_start() {
    std::lock_guard lock(mu_);
    const auto d = backoff_delay(failures_, min_, max_);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_failure_);
    return d > elapsed ? d - elapsed : std::chrono::milliseconds(0);
  }
  void start_failed() {
    std::lock_guard lock(mu_);
    ++failures_;
    last_failure_ = Clock::now();
  }
  void died(Clock::duration lifetime) {
    std::lock_guard lock(mu_);
    failures_ = lifetime >= stable_ ? 1 : failures_ + 1;
    last_failure_ = Clock::now();
  }
  std::uint32_t failures() const {
    std::lock_guard lock(mu_);
    return failures_;
  }

 private:
  mutable std::mutex mu_;
  std::chrono::milliseconds min_, max_, stable_;
  std::uint32_t failures_ = 0;
  Clock::time_point last_failure_{};
};

using WriteChannel = asio::experimental::concurrent_channel<void(boost::system::error_code, std::string)>;
using DoneChannel = asio::experimental::concurrent_channel<void(boost::system::error_code, json)>;

struct PendingCall {
  PendingCall(asio::any_io_executor ex, CallNotificationHandler h) : done(ex, 1), on_notification(std::move(h)) {}
  DoneChannel done;  // receives the response, or eof with `failure` set
  CallNotificationHandler on_notification;
  std::string failure;
};

// Everything the background loops touch lives here, so a session object that
// the pool drops can still shut its child down politely in the background.
class StdioCore : public std::enable_shared_from_this<StdioCore> {
 public:
  StdioCore(asio::any_io_executor ex, const StdioUpstreamOptions& opts, std::shared_ptr<RestartPolicy> policy)
      : ex_(ex), strand_(asio::make_strand(ex)), opts_(opts), policy_(std::move(policy)),
        writes_(ex, opts.max_write_queue) {}

  ServerRequestHandler server_request_handler;
  UnsolicitedHandler unsolicited_handler;

  bool usable() const { return usable_; }
  std::size_t in_flight() const {
    std::lock_guard lock(mu_);
    return pending_.size();
  }
  int pid() const { return child_ ? child_->pid() : -1; }

  // start() failed after the spawn (initialize rejected, timed out, child
  // crashed): count it once towards the factory's restart backoff.
  void note_start_failure() {
    if (!failure_recorded_.exchange(true)) policy_->start_failed();
  }

  // Spawns the child and starts the reader/writer/stderr/exit loops.
  asio::awaitable<void> spawn() {
    if (const auto delay = policy_->delay_before_start(); delay.count() > 0) {
      spdlog::info("upstream '{}': waiting {} ms before starting (after {} failures)", opts_.argv.front(),
                   delay.count(), policy_->failures());
      asio::steady_timer t(ex_, delay);
      co_await t.async_wait(asio::use_awaitable);
    }
    try {
      child_ = std::make_shared<ChildProcess>(ex_, ChildSpec{opts_.argv, opts_.env, opts_.cwd});
    } catch (const std::exception& e) {
      policy_->start_failed();
      throw UpstreamError(std::string("cannot start upstream process: ") + e.what());
    }
    started_at_ = Clock::now();
    usable_ = true;
    spdlog::info("upstream process started: pid {} ({})", child_->pid(), opts_.argv.front());
    auto self = shared_from_this();
    asio::co_spawn(strand_, [self]() { return self->write_loop(); }, asio::detached);
    asio::co_spawn(ex_, [self]() { return self->read_loop(); }, asio::detached);
    asio::co_spawn(ex_, [self]() { return self->stderr_loop(); }, asio::detached);
    asio::co_spawn(ex_, [self]() { return self->exit_watch(); }, asio::detached);
  }

  // `cancellable` is false for initialize, which must never be cancelled
  // (2025-11-25 utilities/cancellation.mdx).
  asio::awaitable<json> call(json request, CallNotificationHandler on_notification, bool cancellable = true) {
    if (!usable_) throw UpstreamError(dead_reason());
    const json id = request.at("id");
    const std::string key = id.dump();
    auto pending = std::make_shared<PendingCall>(ex_, std::move(on_notification));
    {
      std::lock_guard lock(mu_);
      if (pending_.size() >= opts_.max_in_flight)
        throw UpstreamError("upstream has too many requests in flight (" + std::to_string(opts_.max_in_flight) + ")");
      if (!pending_.emplace(key, pending).second) throw UpstreamError("duplicate upstream request id " + key);
    }
    boost::system::error_code ec;
    json response;
    try {
      co_await send(request.dump());
      std::tie(ec, response) = co_await pending->done.async_receive(asio::as_tuple(asio::use_awaitable));
    } catch (const boost::system::system_error& e) {
      ec = e.code();
    } catch (...) {
      forget(key);
      throw;
    }
    // Channels report per-operation cancellation as channel_cancelled.
    if (ec == asio::error::operation_aborted || ec == asio::experimental::channel_errc::channel_cancelled) {
      // The waiting coroutine was cancelled (client went away, timeout):
      // tell the upstream to stop working on it, without awaiting anything here.
      forget(key);
      if (!cancellable) throw boost::system::system_error(asio::error::operation_aborted);
      auto self = shared_from_this();
      asio::co_spawn(ex_, [self, id]() -> asio::awaitable<void> {
        try {
          co_await self->send(make_cancelled_notification(id, "request cancelled by the client").dump());
        } catch (...) {
        }
      }, asio::detached);
      throw boost::system::system_error(asio::error::operation_aborted);
    }
    if (ec) {
      forget(key);
      throw UpstreamError(pending->failure.empty() ? dead_reason() : pending->failure);
    }
    co_return response;
  }

  // Queues one line for the child's stdin (bounded: waits while the queue is full).
  asio::awaitable<void> send(std::string line) {
    if (!usable_ && !child_) throw UpstreamError(dead_reason());
    auto [ec] = co_await writes_.async_send(boost::system::error_code{}, std::move(line),
                                            asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || ec == asio::experimental::channel_errc::channel_cancelled)
      throw boost::system::system_error(asio::error::operation_aborted);
    if (ec) throw UpstreamError(dead_reason());
  }

  asio::awaitable<void> shutdown() {
    if (shutting_down_.exchange(true) || !child_) co_return;
    usable_ = false;
    fail_all("upstream session was shut down");
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
  std::string dead_reason() const {
    std::lock_guard lock(mu_);
    return death_reason_.empty() ? "upstream session is not usable" : death_reason_;
  }

  void forget(const std::string& key) {
    std::lock_guard lock(mu_);
    pending_.erase(key);
  }

  void fail_all(const std::string& reason) {
    std::unordered_map<std::string, std::shared_ptr<PendingCall>> failed;
    {
      std::lock_guard lock(mu_);
      if (death_reason_.empty()) death_reason_ = reason;
      failed.swap(pending_);
    }
    for (auto& [key, p] : failed) {
      p->failure = reason;
      p->done.try_send(asio::error::eof, json());
    }
  }

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
        fail_all("upstream process sent a message larger than " + std::to_string(opts_.max_line_bytes) + " bytes");
        usable_ = false;
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
      usable_ = false;
      fail_all("upstream process closed its stdout");
      child->kill();
    }
  }

  void dispatch_line(const std::string& line) {
    json msg = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (msg.is_discarded()) {
      spdlog::warn("upstream pid {}: ignoring non-JSON line on stdout: {}", pid(), abbreviate(line));
      return;
    }
    if (msg.is_array()) {  // 2025-03-26 allowed JSON-RPC batches
      for (auto& m : msg) dispatch(std::move(m));
      return;
    }
    dispatch(std::move(msg));
  }

  void dispatch(json msg) {
    switch (classify_message(msg)) {
      case MessageKind::Response: {
        std::shared_ptr<PendingCall> p;
        {
          std::lock_guard lock(mu_);
          if (auto it = pending_.find(msg["id"].dump()); it != pending_.end()) {
            p = std::move(it->second);
            pending_.erase(it);
          }
        }
        if (p) {
          p->done.try_send(boost::system::error_code{}, std::move(msg));
        } else {
          spdlog::debug("upstream pid {}: response for unknown or cancelled id {}", pid(), msg["id"].dump());
        }
        return;
      }
      case MessageKind::Notification: {
        if (msg["method"] == "notifications/progress") {
          const auto& params = msg["params"];
          if (params.is_object() && params.contains("progressToken")) {
            std::shared_ptr<PendingCall> p;
            {
              std::lock_guard lock(mu_);
              if (auto it = pending_.find(params["progressToken"].dump()); it != pending_.end()) p = it->second;
            }
            if (p) {
              if (p->on_notification) p->on_notification(msg);
              return;
            }
          }
        }
        if (unsolicited_handler) unsolicited_handler(msg);
        return;
      }
      case MessageKind::Request: {
        auto self = shared_from_this();
        asio::co_spawn(ex_, [self, msg = std::move(msg)]() { return self->answer_server_request(msg); },
                       asio::detached);
        return;
      }
      case MessageKind::Invalid:
        spdlog::warn("upstream pid {}: ignoring invalid JSON-RPC message: {}", pid(), abbreviate(msg.dump()));
        return;
    }
  }

  asio::awaitable<void> answer_server_request(json request) {
    json response = co_await upstream::answer_server_request(server_request_handler, std::move(request), json());
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
        spdlog::info("upstream[{}] stderr: {} ...(line truncated)", child_pid, buf);
        buf.clear();
        continue;
      }
      if (ec) {
        if (!buf.empty()) spdlog::info("upstream[{}] stderr: {}", child_pid, buf);
        co_return;
      }
      std::string_view line(buf.data(), n - 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      spdlog::info("upstream[{}] stderr: {}", child_pid, line);
      buf.erase(0, n);
    }
  }

  asio::awaitable<void> exit_watch() {
    auto child = child_;
    const int status = co_await child->wait_exit();
    usable_ = false;
    const std::string reason = "upstream process exited with status " + std::to_string(status);
    if (shutting_down_) {
      spdlog::info("upstream pid {} exited with status {} after shutdown", child->pid(), status);
    } else {
      spdlog::error("upstream pid {} exited unexpectedly with status {}", child->pid(), status);
      if (!failure_recorded_.exchange(true)) policy_->died(Clock::now() - started_at_);
    }
    fail_all(reason);
    writes_.close();
  }

  asio::any_io_executor ex_;
  asio::strand<asio::any_io_executor> strand_;
  StdioUpstreamOptions opts_;
  std::shared_ptr<RestartPolicy> policy_;
  std::shared_ptr<ChildProcess> child_;
  WriteChannel writes_;
  Clock::time_point started_at_{};
  std::atomic<bool> usable_{false};
  std::atomic<bool> shutting_down_{false};
  std::atomic<bool> failure_recorded_{false};
  mutable std::mutex mu_;  // pending_ and death_reason_; held only for map operations
  std::unordered_map<std::string, std::shared_ptr<PendingCall>> pending_;
  std::string death_reason_;
};

class StdioUpstreamSession final : public UpstreamSession {
 public:
  StdioUpstreamSession(asio::any_io_executor ex, const StdioUpstreamOptions& opts, std::shared_ptr<RestartPolicy> policy)
      : ex_(ex), opts_(opts), core_(std::make_shared<StdioCore>(ex, opts, std::move(policy))) {}

  ~StdioUpstreamSession() override {
    // Dropped without shutdown(): end the child politely in the background.
    if (core_->pid() > 0) asio::co_spawn(ex_, [core = core_]() { return core->shutdown(); }, asio::detached);
  }

  asio::awaitable<void> start(json initialize_params) override {
    core_->server_request_handler = server_request_handler_;
    core_->unsolicited_handler = unsolicited_handler_;
    co_await core_->spawn();
    json request = {{"jsonrpc", "2.0"}, {"id", next_request_id()}, {"method", "initialize"},
                    {"params", std::move(initialize_params)}};
    asio::steady_timer timer(ex_, opts_.start_timeout);
    std::variant<json, std::monostate> r;
    std::exception_ptr failure;
    try {
      r = co_await (core_->call(std::move(request), nullptr, /*cancellable=*/false) ||
                    timer.async_wait(asio::use_awaitable));
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      core_->note_start_failure();
      co_await core_->shutdown();
      std::rethrow_exception(failure);
    }
    if (r.index() == 1) {
      core_->note_start_failure();
      co_await core_->shutdown();
      throw UpstreamError("upstream process did not answer initialize within " +
                          std::to_string(opts_.start_timeout.count()) + " ms");
    }
    const json& response = std::get<0>(r);
    if (response.contains("error") || !response.contains("result") || !response["result"].is_object()) {
      core_->note_start_failure();
      co_await core_->shutdown();
      throw UpstreamError("upstream rejected initialize: " + abbreviate(response.dump()));
    }
    const json& result = response["result"];
    const std::string version = result.value("protocolVersion", "");
    if (version != "2025-11-25" && version != "2025-06-18" && version != "2025-03-26" && version != "2024-11-05") {
      core_->note_start_failure();
      co_await core_->shutdown();
      throw UpstreamError("upstream negotiated unsupported protocol version '" + version + "'");
    }
    initialize_result_ = result;
    std::string initialized = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";
    co_await core_->send(std::move(initialized));
    spdlog::info("upstream pid {} initialized: {} {} (protocol {})", core_->pid(),
                 result.value("/serverInfo/name"_json_pointer, std::string("?")),
                 result.value("/serverInfo/version"_json_pointer, std::string("?")), version);
  }

  const json& initialize_result() const override { return initialize_result_; }

  asio::awaitable<json> call(json request, CallNotificationHandler on_notification, CallContext) override {
    co_return co_await core_->call(std::move(request), std::move(on_notification));
  }

  asio::awaitable<void> notify(json notification) override { co_await core_->send(notification.dump()); }

  bool usable() const override { return core_->usable(); }
  asio::awaitable<void> shutdown() override { co_await core_->shutdown(); }
  std::size_t in_flight() const override { return core_->in_flight(); }

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
        policy_(std::make_shared<RestartPolicy>(opts_.restart_backoff_min, opts_.restart_backoff_max,
                                                opts_.stable_after)) {
    if (opts_.argv.empty()) throw std::invalid_argument("stdio upstream: no command given");
  }

  std::shared_ptr<UpstreamSession> create(const SessionContext&) override {
    return std::make_shared<StdioUpstreamSession>(ex_, opts_, policy_);
  }

  std::string describe() const override {
    std::string s = "stdio:";
    for (const auto& a : opts_.argv) s += " " + a;
    return s;
  }

 private:
  asio::any_io_executor ex_;
  StdioUpstreamOptions opts_;
  std::shared_ptr<RestartPolicy> policy_;
};

}  // namespace

std::shared_ptr<SessionFactory> make_stdio_session_factory(asio::any_io_executor ex, StdioUpstreamOptions opts) {
  return std::make_shared<StdioSessionFactory>(ex, std::move(opts));
}

}  // namespace mcp::upstream
