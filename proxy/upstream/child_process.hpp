// Spawning an upstream server as a child process with its stdin, stdout and
// stderr connected to pipes, as Asio stream descriptors.
//
// Why not Boost.Process v2: in Boost 1.81 it does not compile with
// BOOST_PROCESS_USE_STD_FS (missing includes in process/v2/detail/config.hpp),
// and without it it needs libboost_filesystem 1.81, which Debian 12 does not
// ship (only 1.74). posix_spawn + pidfd is small and fully asynchronous:
// process exit is observed by waiting for the pidfd to become readable, so no
// SIGCHLD handler is installed and nothing blocks an io thread.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>

namespace mcp::upstream {

struct ChildSpec {
  std::vector<std::string> argv;              // argv[0] is looked up on PATH
  std::map<std::string, std::string> env;     // added to (or overriding) our environment
  std::string cwd;                            // empty: inherit
};

class ChildProcess {
 public:
  // Spawns the child; throws std::system_error (with the program name) on failure.
  // The child gets its own process group so terminate()/kill() reach its
  // descendants too (e.g. `npx` -> `node`).
  ChildProcess(boost::asio::any_io_executor ex, const ChildSpec& spec);
  ~ChildProcess();  // SIGKILLs a child that is still running and reaps it

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }
  boost::asio::posix::stream_descriptor& stdin_pipe() { return stdin_; }
  boost::asio::posix::stream_descriptor& stdout_pipe() { return stdout_; }
  boost::asio::posix::stream_descriptor& stderr_pipe() { return stderr_; }

  // Completes when the child has exited and was reaped; returns the exit status
  // (exit code, or 128 + signal number as shells report it).
  // Safe to call from several coroutines at once.
  boost::asio::awaitable<int> wait_exit();
  // Like wait_exit(), but gives up after `timeout` and returns nullopt.
  boost::asio::awaitable<std::optional<int>> wait_exit_for(std::chrono::milliseconds timeout);

  std::optional<int> exit_status() const {
    const int s = status_.load();
    return s == kRunning ? std::nullopt : std::optional<int>(s);
  }
  void terminate();  // SIGTERM to the process group
  void kill();       // SIGKILL to the process group

 private:
  boost::asio::awaitable<void> watch();  // single watcher: pidfd (or polling) -> exit_status_
  bool try_reap();

  boost::asio::any_io_executor ex_;
  int pid_ = -1;
  boost::asio::posix::stream_descriptor stdin_;
  boost::asio::posix::stream_descriptor stdout_;
  boost::asio::posix::stream_descriptor stderr_;
  std::optional<boost::asio::posix::stream_descriptor> pidfd_;
  static constexpr int kRunning = -1000;
  std::atomic<int> status_{kRunning};  // written once by the watcher, read from any thread
  // Closed once the child is reaped: wakes every waiter, now or later (thread-safe).
  using ExitChannel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;
  std::shared_ptr<ExitChannel> exited_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for the detached watcher
};

}  // namespace mcp::upstream
