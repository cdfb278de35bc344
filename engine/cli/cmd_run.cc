// `runexp run FILE.toml` (or just `runexp FILE.toml`): validate and run an experiment.
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "exit_codes.h"
#include "run/run_experiment.h"

namespace runexp::cli {

void RegisterRunCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("run", "Validate an experiment file and run it");
  app->footer(
      "The file is validated first (as `runexp check` does); an invalid file runs nothing and\n"
      "writes nothing. The run is recorded in results.db (--results, else the file's\n"
      "[experiment] results, else results/results.db here) and gets its own folder beside it\n"
      "with its log. Ctrl-C stops the run and records it as interrupted (exit 130).");
  auto options = std::make_shared<RunOptions>();
  auto file = std::make_shared<std::string>();
  auto results = std::make_shared<std::string>();
  auto plugin_dirs = std::make_shared<std::vector<std::string>>();
  auto name = std::make_shared<std::string>();
  app->add_option("file", *file, "Experiment file (TOML)")->required();
  app->add_option("--set", options->overrides,
                  "Override a parameter: STAGE.KEY=VALUE with VALUE a TOML literal, e.g.\n"
                  "model.epochs=10, model.layers[0].units=256 (repeatable)");
  app->add_option("--results", *results, "The results database to record the run in");
  app->add_option("--plugin-dir", *plugin_dirs, "A folder of plugin libraries (*.so) to load (repeatable)");
  app->add_option("--threads", options->threads, "Worker threads (default: every core); results do not depend on it")
      ->check(CLI::Range(1, 1024));
  app->add_option("--name", *name, "A label for the run");
  app->add_flag("-q,--quiet", options->quiet, "Print nothing but errors");
  auto sweep_id = std::make_shared<std::string>();
  CLI::Option* sweep = app->add_option("--sweep", *sweep_id, "(set by `runexp sweep`) the sweep this run answers a point of");
  CLI::Option* point = app->add_option("--sweep-point", options->sweep_point, "(set by `runexp sweep`) the point's number")
      ->check(CLI::NonNegativeNumber);
  sweep->needs(point);
  point->needs(sweep);
  registry.Add(app, [options, file, results, plugin_dirs, name, sweep_id]() {
    if (!sweep_id->empty()) options->sweep_id = *sweep_id;
    options->experiment_file = *file;
    options->command_line = InvocationLine();
    if (!results->empty()) options->results_path = *results;
    for (const std::string& dir : *plugin_dirs) options->plugin_dirs.emplace_back(dir);
    if (!name->empty()) options->name = *name;
    return RunExperiment(*options);
  });
}

}  // namespace runexp::cli
