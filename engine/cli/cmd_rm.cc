// `runexp rm RUN... [--yes]`: delete runs — their rows in results.db and
// their folders beside it. Asks first on a terminal; elsewhere (a script, a
// pipe) it refuses unless --yes says the deletion is meant.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "exit_codes.h"
#include "output_format.h"
#include "results_location.h"
#include "run_removal.h"
#include "store_command_support.h"

namespace runexp::cli {

namespace {

struct RmOptions {
  std::string results;
  std::vector<std::string> runs;
  bool yes = false;
  bool force = false;
};

int RemoveRuns(const RmOptions& options) {
  std::filesystem::path path = ResultsPath(options.results);
  Result<std::unique_ptr<store::RunStore>> opened = OpenResults(path, StoreAccess::kWrite);
  if (!opened.ok()) return Report(opened.status(), kExitUsage);
  store::RunStore& db = **opened;
  Result<std::vector<std::string>> ids = ResolveRunIds(db, options.runs);
  if (!ids.ok()) return Report(ids.status(), ExitCodeFor(ids.status()));

  // Everything is checked before anything is deleted.
  std::vector<store::RunSummary> runs;
  for (const std::string& id : *ids) {
    Result<store::RunSummary> summary = db.GetSummary(id);
    if (!summary.ok()) return Report(summary.status(), ExitCodeFor(summary.status()));
    if (summary->status == store::RunStatus::kRunning && !options.force) {
      return Report(Status::InvalidArgument("run " + id + " is still running; stop it first, or pass --force "
                                            "to delete it anyway"),
                    kExitUsage);
    }
    runs.push_back(std::move(summary).value());
  }
  if (!options.yes) {
    if (!StdinIsTerminal()) {
      return Report(Status::InvalidArgument("not deleting " + RunCount(runs.size()) +
                                            " without confirmation: stdin is not a terminal; "
                                            "pass --yes to delete them"),
                    kExitUsage);
    }
    for (const store::RunSummary& run : runs) {
      std::cerr << "  " << EscapeForTerminal(run.run_id) << "  " << EscapeForTerminal(run.experiment)
                << "  " << store::RunStatusName(run.status) << "  "
                << EscapeForTerminal(RunFolder(path, run.run_id).string()) << "\n";
    }
    if (!AskYesNo("Delete " + RunCount(runs.size()) + " and their folders?")) {
      std::cerr << "nothing deleted\n";
      return kExitOk;
    }
  }
  for (const store::RunSummary& run : runs) {
    Result<RemovedRun> removed = RemoveRun(db, path, run.run_id, options.force);
    if (!removed.ok()) return Report(removed.status(), kExitRunFailed);
    std::cout << DescribeRemoval(*removed) << "\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterRmCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("rm", "Delete runs: their records and their folders");
  app->footer(
      "Each RUN is a run id or an unambiguous prefix. Deletes the run's rows from the results\n"
      "database and its own folder beside it (<folder of results.db>/<run id>/, with its log and\n"
      "checkpoints); nothing else. On a terminal it asks first; otherwise --yes is required.\n"
      "A run still marked running is refused unless --force. To delete failed or interrupted\n"
      "runs in bulk, see `runexp prune`.");
  auto options = std::make_shared<RmOptions>();
  app->add_option("runs", options->runs, "Run ids or prefixes")->required();
  app->add_flag("-y,--yes", options->yes, "Delete without asking");
  app->add_flag("--force", options->force, "Also delete runs marked running");
  AddResultsOption(app, options->results);
  registry.Add(app, [options]() { return RemoveRuns(*options); });
}

}  // namespace runexp::cli
