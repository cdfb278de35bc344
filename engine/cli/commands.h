// The CLI's commands. Each command lives in its own file (cmd_*.cc) and
// registers a CLI11 subcommand plus the function that runs it once parsed.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace runexp::cli {

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
void RegisterInspectCommand(CLI::App& root, CommandRegistry& registry);

inline void RegisterAllCommands(CLI::App& root, CommandRegistry& registry) {
  RegisterRunCommand(root, registry);
  RegisterInspectCommand(root, registry);
  RegisterHelpCommand(root, registry);
}

}  // namespace runexp::cli
