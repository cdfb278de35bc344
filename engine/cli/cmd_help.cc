// `runexp help [COMMAND]`: the same text as `runexp [COMMAND] --help`.
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "exit_codes.h"

namespace runexp::cli {

void RegisterHelpCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("help", "Describe all commands, or one command in detail");
  auto topic = std::make_shared<std::string>();
  app->add_option("command", *topic, "The command to describe");
  registry.Add(app, [&root, topic]() {
    if (topic->empty()) {
      std::cout << root.help();
      return kExitOk;
    }
    CLI::App* sub = nullptr;
    try {
      sub = root.get_subcommand(*topic);
    } catch (const CLI::OptionNotFound&) {
      std::cerr << "runexp: unknown command '" << *topic << "'; run `runexp help` for the list\n";
      return kExitUsage;
    }
    std::cout << sub->help(root.get_name());
    return kExitOk;
  });
}

}  // namespace runexp::cli
