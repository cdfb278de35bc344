// The runexp executable: parses the command line and dispatches to one command.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "exit_codes.h"
#include "runexp/build_info.h"

namespace runexp::cli {
namespace {
std::string invocation_line;
}  // namespace
const std::string& InvocationLine() { return invocation_line; }
}  // namespace runexp::cli

namespace {

// argv as one line a user could paste back into a shell.
std::string JoinArguments(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    bool plain = !arg.empty() && arg.find_first_not_of(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == std::string::npos;
    if (!plain) {
      std::string quoted = "'";
      for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      arg = quoted + "'";
    }
    line += (i > 0 ? " " : "") + arg;
  }
  return line;
}

constexpr const char* kRootFooter = R"(Run `runexp help COMMAND` for one command in detail.
`runexp FILE.toml` is short for `runexp run FILE.toml`.

Exit codes:
  0    success
  1    the work failed after it started (a run's stage error, an I/O error)
  2    usage error or invalid input (command line, experiment file, data file);
       nothing was run or written
  130  interrupted by SIGINT or SIGTERM)";

std::string VersionText() {
  const runexp::BuildInfo& info = runexp::GetBuildInfo();
  std::string text = std::string("runexp ") + info.version + "\ncommit " + info.git_commit;
  if (info.git_dirty) text += " (with uncommitted changes)";
  text += std::string("\nbuilt with ") + info.compiler + ", " + info.build_type;
  return text;
}

// `runexp FILE.toml ...` means `runexp run FILE.toml ...`.
std::vector<std::string> WithImplicitRun(int argc, char** argv, const CLI::App& app) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && !args[0].empty() && args[0][0] != '-') {
    bool is_command = false;
    for (const CLI::App* sub : app.get_subcommands({})) {
      if (sub->get_name() == args[0]) is_command = true;
    }
    if (!is_command) args.insert(args.begin(), "run");
  }
  std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  runexp::cli::invocation_line = JoinArguments(argc, argv);
  CLI::App app{"runexp: reproducible machine-learning experiments, one TOML file per experiment."};
  app.name("runexp");
  app.footer(kRootFooter);
  app.set_version_flag("--version", VersionText());
  app.require_subcommand(0, 1);

  runexp::cli::CommandRegistry commands;
  runexp::cli::RegisterAllCommands(app, commands);

  try {
    std::vector<std::string> args = WithImplicitRun(argc, argv, app);
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message
    return runexp::cli::kExitUsage;
  }

  for (const runexp::cli::Command& command : commands.all()) {
    if (command.app->parsed()) return command.run();
  }
  std::cout << app.help();
  return runexp::cli::kExitUsage;
}
