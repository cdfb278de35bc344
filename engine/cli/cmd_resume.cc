// `runexp resume RUN`: continue an interrupted or failed run in place.
#include <memory>
#include <string>

#include "commands.h"
#include "results_location.h"
#include "run/resume_run.h"

namespace runexp::cli {

void RegisterResumeCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("resume", "Continue an interrupted or failed run from its last checkpoint");
  app->footer(
      "The run keeps its id; its status goes back to running, then completed, and its\n"
      "resume_count grows by one. It restarts from its newest checkpoint (weights, optimizer\n"
      "state, random streams), or from the start if it has none, with the recorded effective\n"
      "configuration: the epochs after the checkpoint and the final weights come out\n"
      "bit-identical to a run that never stopped. Refused, with nothing changed, when the\n"
      "checkpoint is damaged or not this run's, or an input file's SHA-256 has changed.");
  auto options = std::make_shared<ResumeOptions>();
  auto results = std::make_shared<std::string>();
  auto plugin_dirs = std::make_shared<std::vector<std::string>>();
  app->add_option("run", options->run, "Run id (or an unambiguous prefix)")->required();
  AddResultsOption(app, *results);
  app->add_option("--plugin-dir", *plugin_dirs, "A folder of plugin libraries (*.so) to load (repeatable)");
  app->add_option("--threads", options->threads, "Worker threads (default: every core); results do not depend on it")
      ->check(CLI::Range(1, 1024));
  app->add_flag("-q,--quiet", options->quiet, "Print nothing but errors");
  registry.Add(app, [options, results, plugin_dirs]() {
    options->results_path = ResultsPath(*results);
    for (const std::string& dir : *plugin_dirs) options->plugin_dirs.emplace_back(dir);
    return ResumeRun(*options);
  });
}

}  // namespace runexp::cli
