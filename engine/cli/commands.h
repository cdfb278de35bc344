// The CLI's commands. Each command lives in its own file (cmd_*.cc) and
// registers a CLI11 subcommand plus the function that runs it once parsed.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace runexp::cli {

// The command line runexp was started with (arguments shell-quoted where
// needed), recorded with every run. Set once by main() before parsing.
const std::string& InvocationLine();

struct Command {
  CLI::App* app;              // owned by the root CLI::App
  std::function<int()> run;   // returns an exit code (exit_codes.h)
};

class CommandRegistry {
 public:
  void Add(CLI::App* app, std::function<int()> run) { commands_.push_back({app, std::move(run)}); }
  const std::vector<Command>& all() const { return commands_; }

 private:
  std::vector<Command> commands_;
};

void RegisterHelpCommand(CLI::App& root, CommandRegistry& registry);
void RegisterRunCommand(CLI::App& root, CommandRegistry& registry);
void RegisterCheckCommand(CLI::App& root, CommandRegistry& registry);
void RegisterPluginsCommand(CLI::App& root, CommandRegistry& registry);
void RegisterGraphCommand(CLI::App& root, CommandRegistry& registry);
void RegisterInspectCommand(CLI::App& root, CommandRegistry& registry);
void RegisterRunsCommand(CLI::App& root, CommandRegistry& registry);
void RegisterShowCommand(CLI::App& root, CommandRegistry& registry);
void RegisterCompareCommand(CLI::App& root, CommandRegistry& registry);
void RegisterTagCommand(CLI::App& root, CommandRegistry& registry);
void RegisterRmCommand(CLI::App& root, CommandRegistry& registry);
void RegisterPruneCommand(CLI::App& root, CommandRegistry& registry);
void RegisterReportCommand(CLI::App& root, CommandRegistry& registry);
void RegisterResumeCommand(CLI::App& root, CommandRegistry& registry);
void RegisterVerifyCommand(CLI::App& root, CommandRegistry& registry);
void RegisterEvalCommand(CLI::App& root, CommandRegistry& registry);
void RegisterPredictCommand(CLI::App& root, CommandRegistry& registry);
void RegisterSweepCommand(CLI::App& root, CommandRegistry& registry);
void RegisterMergeCommand(CLI::App& root, CommandRegistry& registry);

inline void RegisterAllCommands(CLI::App& root, CommandRegistry& registry) {
  RegisterRunCommand(root, registry);
  RegisterSweepCommand(root, registry);
  RegisterMergeCommand(root, registry);
  RegisterResumeCommand(root, registry);
  RegisterVerifyCommand(root, registry);
  RegisterCheckCommand(root, registry);
  RegisterGraphCommand(root, registry);
  RegisterPluginsCommand(root, registry);
  RegisterInspectCommand(root, registry);
  RegisterRunsCommand(root, registry);
  RegisterShowCommand(root, registry);
  RegisterCompareCommand(root, registry);
  RegisterTagCommand(root, registry);
  RegisterRmCommand(root, registry);
  RegisterPruneCommand(root, registry);
  RegisterReportCommand(root, registry);
  RegisterEvalCommand(root, registry);
  RegisterPredictCommand(root, registry);
  RegisterHelpCommand(root, registry);
}

}  // namespace runexp::cli
