// Runs a shell command line for a test and captures its exit code, stdout and
// stderr. Used by the CLI and end-to-end tests, which exercise the real
// `runexp` executable as a user would. Not thread-safe (uses temp files named
// after the calling test's process id and a counter).
#pragma once

#include <string>

namespace runexp::testing {

struct CommandResult {
  int exit_code = -1;  // the process's exit status; 128+N if killed by signal N
  std::string out;
  std::string err;
};

CommandResult RunCommand(const std::string& command_line);

// Single-quotes `text` for /bin/sh.
std::string ShellQuote(const std::string& text);

// A fresh, empty directory under the system temp dir, unique to this call.
std::string MakeTempDir(const std::string& prefix);

}  // namespace runexp::testing
