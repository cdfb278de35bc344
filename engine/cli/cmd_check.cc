// `runexp check FILE.toml`: validate an experiment file and exit.
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "config/loader.h"
#include "exit_codes.h"
#include "run/catalog_setup.h"
#include "sweep/sweep_plan.h"

namespace runexp::cli {

void RegisterCheckCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("check", "Validate an experiment file without running it");
  app->footer(
      "Reports every problem found, one per line as FILE:LINE:COL: message, with a suggestion\n"
      "where one helps. A file with a [sweep] table is checked at every point of the sweep.\n"
      "Exit code 0 when the file is valid, 2 otherwise. Writes nothing.");
  auto file = std::make_shared<std::string>();
  auto overrides = std::make_shared<std::vector<std::string>>();
  auto plugin_dirs = std::make_shared<std::vector<std::string>>();
  app->add_option("file", *file, "Experiment file (TOML)")->required();
  app->add_option("--set", *overrides, "Override a parameter, as for `runexp run` (repeatable)");
  app->add_option("--plugin-dir", *plugin_dirs, "A folder of plugin libraries (*.so) to load (repeatable)");
  registry.Add(app, [file, overrides, plugin_dirs]() {
    PluginCatalog catalog;
    std::vector<std::filesystem::path> dirs(plugin_dirs->begin(), plugin_dirs->end());
    if (Status status = SetUpCatalog(catalog, dirs, std::filesystem::path(*file)); !status.ok()) {
      std::cerr << "runexp: " << status.ToString() << "\n";
      return kExitUsage;
    }
    if (sweep::DeclaresSweep(*file)) {
      sweep::SweepCheck sweep = sweep::PlanSweep({*file, {}, *overrides, false}, catalog);
      if (!sweep.ok()) {
        std::cerr << config::FormatConfigErrors(sweep.errors);
        return kExitUsage;
      }
      std::cout << *file << ": OK (a sweep of " << sweep.plan.points.size() << " points over "
                << sweep.plan.keys.size() << " parameter" << (sweep.plan.keys.size() == 1 ? "" : "s")
                << "; `runexp sweep " << *file << " --dry-run` lists them)\n";
      return kExitOk;
    }
    config::LoadOptions options;
    options.overrides = *overrides;
    config::CheckResult checked = config::CheckExperimentFile(*file, catalog, options);
    if (!checked.ok()) {
      std::cerr << config::FormatConfigErrors(checked.errors);
      return kExitUsage;
    }
    std::cout << *file << ": OK (" << checked.config.stages.size() << " stages, config "
              << checked.config.config_sha256.substr(0, 12) << ")\n";
    return kExitOk;
  });
}

}  // namespace runexp::cli
