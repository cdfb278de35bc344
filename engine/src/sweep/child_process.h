// Starting runexp itself as a child process for one sweep point, with its
// output appended to a log file, and waiting for children.
//
// Children run in their own process groups: Ctrl-C at the terminal reaches
// only the sweep, which passes exactly one SIGINT to each child (a second
// SIGINT would make a child die at once rather than record its run as
// interrupted). Signals the sweep blocks are unblocked in the child.
//
// Thread-safety: call from one thread.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runexp/status.h"

namespace runexp::sweep {

// `runexp ARGS...` (this very executable), stdin from /dev/null, stdout and
// stderr appended to `log`.
Result<pid_t> SpawnRunexp(const std::vector<std::string>& args, const std::filesystem::path& log);

struct ChildExit {
  pid_t pid = 0;
  int exit_code = 0;  // 128 + signal for a child killed by a signal
};

// A child that has ended, if any (never blocks).
std::optional<ChildExit> PollChildExit();

// A program (found on PATH) run to its end with its output captured: for
// sbatch and squeue.
struct CommandOutput {
  int exit_code = 0;
  std::string out;  // stdout and stderr together
};
Result<CommandOutput> RunProgram(const std::vector<std::string>& args);

// The last non-empty line of a log, for a one-line report of a failure.
std::string LastLogLine(const std::filesystem::path& log);

}  // namespace runexp::sweep
