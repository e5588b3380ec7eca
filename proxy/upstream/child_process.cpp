#include "upstream/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

extern char** environ;

namespace mcp::upstream {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    if (read >= 0) ::close(read);
    if (write >= 0) ::close(write);
  }
  int release_read() { return std::exchange(read, -1); }
  int release_write() { return std::exchange(write, -1); }
};

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ChildProcess::ChildProcess(asio::any_io_executor ex, const ChildSpec& spec)
    : ex_(ex), stdin_(ex), stdout_(ex), stderr_(ex), exited_(std::make_shared<ExitChannel>(ex, 0)) {
  if (spec.argv.empty()) throw std::invalid_argument("upstream command is empty");

  // Environment: ours, with the additions overriding same-named variables.
  std::vector<std::string> env_storage;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    const auto key = kv.substr(0, kv.find('='));
    if (!spec.env.contains(std::string(key))) env_storage.emplace_back(kv);
  }
  for (const auto& [k, v] : spec.env) env_storage.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_storage) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_storage(spec.argv);
  std::vector<char*> argv;
  for (auto& s : argv_storage) argv.push_back(s.data());
  argv.push_back(nullptr);

  Pipe in, out, err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.write, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write, STDERR_FILENO);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);  // we ignore SIGPIPE; the child must not inherit that
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGHUP);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::system_error(rc, std::generic_category(), "cannot start '" + spec.argv[0] + "'");
  pid_ = pid;

  stdin_.assign(in.release_write());
  stdout_.assign(out.release_read());
  stderr_.assign(err.release_read());
  const long pidfd = ::syscall(SYS_pidfd_open, pid_, 0);
  if (pidfd >= 0) {
    ::fcntl(static_cast<int>(pidfd), F_SETFD, FD_CLOEXEC);
    pidfd_.emplace(ex_, static_cast<int>(pidfd));
  }
  asio::co_spawn(ex_, watch(), asio::detached);
}

ChildProcess::~ChildProcess() {
  if (!exit_status() && pid_ > 0) {
    // Nobody shut the child down politely: make sure it does not outlive us.
    // A SIGKILLed process exits at once, so this waitpid does not linger.
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  *alive_ = false;
  exited_->close();
}

bool ChildProcess::try_reap() {
  if (exit_status()) return true;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = decode_status(status);
  } else if (r < 0 && errno == ECHILD) {
    status_ = -1;  // reaped elsewhere: status unknown
  } else {
    return false;
  }
  exited_->close();
  return true;
}

asio::awaitable<void> ChildProcess::watch() {
  // Runs once per child. Only touches members while the child object is
  // alive: the owner keeps the ChildProcess alive until wait_exit() returns.
  boost::system::error_code ec;
  auto alive = alive_;
  while (*alive && !try_reap()) {
    if (pidfd_) {
      co_await pidfd_->async_wait(asio::posix::descriptor_base::wait_read,
                                  asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) pidfd_.reset();  // fall back to polling
    } else {
      asio::steady_timer t(ex_, std::chrono::milliseconds(50));
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
}

asio::awaitable<int> ChildProcess::wait_exit() {
  auto exited = exited_;  // a closed channel completes every receive at once
  if (!exit_status()) {
    auto [ec] = co_await exited->async_receive(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::experimental::channel_errc::channel_cancelled) throw boost::system::system_error(asio::error::operation_aborted);
  }
  co_return exit_status().value_or(-1);
}

asio::awaitable<std::optional<int>> ChildProcess::wait_exit_for(std::chrono::milliseconds timeout) {
  if (auto s = exit_status()) co_return s;
  asio::steady_timer t(ex_, timeout);
  auto r = co_await (wait_exit() || t.async_wait(asio::use_awaitable));
  if (r.index() == 0) co_return std::get<0>(r);
  co_return std::nullopt;
}

void ChildProcess::terminate() {
  if (!exit_status() && pid_ > 0) {
    ::kill(-pid_, SIGTERM);
  }
}

void ChildProcess::kill() {
  if (!exit_status() && pid_ > 0) {
    ::kill(-pid_, SIGKILL);
  }
}

}  // namespace mcp::upstream
