#include "frontend/changed_files.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <filesystem>

#include "frontend/source_scan.hpp"

extern char** environ;

namespace mcp_lint {

namespace {

constexpr std::size_t kMaxOutput = 64u << 20;

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.empty() ? text : line;
}

// NUL-separated names (git's -z), relative to `top`.
void add_paths(const std::string& z_list, const std::string& top, std::set<std::string>& out) {
  std::size_t start = 0;
  while (start < z_list.size()) {
    std::size_t end = z_list.find('\0', start);
    if (end == std::string::npos) end = z_list.size();
    if (end > start) out.insert(normalize_path((std::filesystem::path(top) / z_list.substr(start, end - start)).string()));
    start = end + 1;
  }
}

ProcessResult git(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", dir});
  ProcessResult r = run_process(args);
  if (r.exit_code == 127 && r.out.empty() && r.err.empty())
    throw InputError("--changed-since needs git, and `git` could not be started (is it on PATH?)");
  return r;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv) {
  ProcessResult result;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return result;
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.exit_code = 127;
    return result;
  }
  // Both streams at once: a child blocked on a full stderr pipe must not wait for us reading stdout.
  std::array<pollfd, 2> fds{pollfd{out_pipe[0], POLLIN, 0}, pollfd{err_pipe[0], POLLIN, 0}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  int open_fds = 2;
  std::array<char, 1 << 16> buf{};
  while (open_fds > 0) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf.data(), buf.size());
      if (n > 0) {
        if (sinks[i]->size() < kMaxOutput) sinks[i]->append(buf.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return result;
}

std::set<std::string> changed_since(const std::string& ref, const std::string& dir) {
  if (ref.empty() || ref[0] == '-') throw InputError("--changed-since: '" + ref + "' is not a git revision");
  const ProcessResult top = git(dir, {"rev-parse", "--show-toplevel"});
  if (top.exit_code != 0)
    throw InputError("--changed-since: " + dir + " is not inside a git work tree (git: " + first_line(top.err) + ")");
  std::string root = top.out;
  while (!root.empty() && (root.back() == '\n' || root.back() == '\r')) root.pop_back();
  const ProcessResult verify = git(root, {"rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"});
  if (verify.exit_code != 0)
    throw InputError("--changed-since: unknown git revision '" + ref + "' in " + root +
                     " (a shallow CI checkout may need `git fetch` of that ref first)");
  const ProcessResult diff = git(root, {"diff", "--name-only", "--no-renames", "-z", ref, "--"});
  if (diff.exit_code != 0) throw InputError("--changed-since: git diff " + ref + " failed: " + first_line(diff.err));
  const ProcessResult untracked = git(root, {"ls-files", "--others", "--exclude-standard", "-z"});
  if (untracked.exit_code != 0) throw InputError("--changed-since: git ls-files failed: " + first_line(untracked.err));
  std::set<std::string> out;
  add_paths(diff.out, root, out);
  add_paths(untracked.out, root, out);
  return out;
}

}  // namespace mcp_lint
