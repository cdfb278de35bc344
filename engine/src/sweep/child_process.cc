#include "sweep/child_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>

namespace runexp::sweep {

namespace {

Result<std::string> ThisExecutable() {
  std::error_code error;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return Status::IOError("cannot find the runexp executable (/proc/self/exe): " + error.message());
  return exe.string();
}

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

}  // namespace

Result<pid_t> SpawnRunexp(const std::vector<std::string>& args, const std::filesystem::path& log) {
  Result<std::string> exe = ThisExecutable();
  if (!exe.ok()) return exe.status();
  std::vector<std::string> argv_text = {*exe};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);

  SpawnSetup setup;
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&setup.actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&setup.actions, STDOUT_FILENO, STDERR_FILENO);

  pid_t pid = 0;
  // /proc/self/exe is this very binary even if a rebuild has replaced the
  // file since: every point runs the code that planned the sweep.
  int error = posix_spawn(&pid, "/proc/self/exe", &setup.actions, &setup.attr, argv.data(), environ);
  if (error != 0) return Status::IOError("cannot start " + *exe + ": " + std::strerror(error));
  return pid;
}

Result<CommandOutput> RunProgram(const std::vector<std::string>& args) {
  std::vector<std::string> argv_text = args;
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return Status::IOError(std::string("pipe: ") + std::strerror(errno));
  SpawnSetup setup;
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGMASK);
  posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, pipe_fds[1], STDERR_FILENO);
  pid_t pid = 0;
  int error = posix_spawnp(&pid, argv[0], &setup.actions, &setup.attr, argv.data(), environ);
  close(pipe_fds[1]);
  if (error != 0) {
    close(pipe_fds[0]);
    return Status::NotFound("cannot run " + args.front() + ": " + std::strerror(error));
  }
  CommandOutput result;
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    result.out.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::optional<ChildExit> PollChildExit() {
  int status = 0;
  pid_t pid = waitpid(-1, &status, WNOHANG);
  if (pid <= 0) return std::nullopt;
  ChildExit exit{pid, 0};
  if (WIFEXITED(status)) exit.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) exit.exit_code = 128 + WTERMSIG(status);
  return exit;
}

std::string LastLogLine(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return last;
}

}  // namespace runexp::sweep
