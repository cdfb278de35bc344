// `runexp run FILE.toml` (or just `runexp FILE.toml`): validate and run an experiment.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "exit_codes.h"

namespace runexp::cli {

void RegisterRunCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("run", "Validate an experiment file and run it");
  app->footer("The experiment engine is not implemented yet: this command checks that the\n"
              "file exists and then stops with exit code 1. It never reports a fake result.");
  auto file = std::make_shared<std::string>();
  app->add_option("file", *file, "Experiment file (TOML)")->required();
  registry.Add(app, [file]() {
    if (!std::filesystem::is_regular_file(*file)) {
      std::cerr << "runexp: " << *file << ": no such experiment file\n";
      return kExitUsage;
    }
    std::cerr << "runexp: " << *file
              << ": running experiments is not implemented yet (the engine is still being built)\n";
    return kExitRunFailed;
  });
}

}  // namespace runexp::cli
