// `runexp verify RUN`: run a completed run again and check it bit for bit.
#include <memory>
#include <string>

#include "commands.h"
#include "results_location.h"
#include "run/verify_run.h"

namespace runexp::cli {

void RegisterVerifyCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("verify", "Re-execute a recorded run and check it reproduces bit for bit");
  app->footer(
      "The run's recorded effective configuration runs again as a new run whose parent_run_id\n"
      "is RUN (refused first if an input file's SHA-256 changed). Prints `reproduced` when\n"
      "every per-epoch train/test loss and accuracy and the final weights' SHA-256 are\n"
      "bit-identical (exit 0); otherwise the first epoch and metric that differ and by how\n"
      "much (exit 1); either way, what differs in the recorded environments.");
  auto options = std::make_shared<VerifyOptions>();
  auto results = std::make_shared<std::string>();
  auto plugin_dirs = std::make_shared<std::vector<std::string>>();
  app->add_option("run", options->run, "Run id (or an unambiguous prefix)")->required();
  AddResultsOption(app, *results);
  app->add_option("--plugin-dir", *plugin_dirs, "A folder of plugin libraries (*.so) to load (repeatable)");
  app->add_option("--threads", options->threads, "Worker threads (default: every core); results do not depend on it")
      ->check(CLI::Range(1, 1024));
  app->add_flag("-q,--quiet", options->quiet, "Print only the verdict and errors");
  registry.Add(app, [options, results, plugin_dirs]() {
    options->results_path = ResultsPath(*results);
    options->command_line = InvocationLine();
    for (const std::string& dir : *plugin_dirs) options->plugin_dirs.emplace_back(dir);
    return VerifyRun(*options);
  });
}

}  // namespace runexp::cli
