// `runexp merge`: fold results shards (a Slurm sweep's tasks' databases)
// into results.db.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "exit_codes.h"
#include "results_location.h"
#include "sweep/slurm_queue.h"
#include "sweep/sweep_folder.h"

namespace runexp::cli {

void RegisterMergeCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app = root.add_subcommand("merge", "Fold results shards (e.g. a Slurm sweep's) into results.db");
  app->footer(
      "Each shard's finished runs are copied with all their rows in one transaction per shard,\n"
      "run ids kept; merging again adds nothing, and a run that changed since (resumed,\n"
      "completed) is replaced. Runs still running are left for a later merge.");
  auto shards = std::make_shared<std::vector<std::string>>();
  auto sweep_id = std::make_shared<std::string>();
  auto results = std::make_shared<std::string>();
  app->add_option("shards", *shards, "Results databases to merge");
  app->add_option("--sweep", *sweep_id, "Merge every shard of this sweep");
  AddResultsOption(app, *results);
  registry.Add(app, [shards, sweep_id, results]() {
    Result<std::unique_ptr<store::RunStore>> db = OpenResults(ResultsPath(*results), StoreAccess::kWrite);
    if (!db.ok()) {
      std::cerr << "runexp: " << db.status().ToString() << "\n";
      return kExitUsage;
    }
    std::vector<std::string> paths = *shards;
    if (!sweep_id->empty()) {
      Result<std::string> id = (*db)->ResolveSweepId(*sweep_id);
      Result<store::SweepRecord> sweep = id.ok() ? (*db)->GetSweep(*id) : Result<store::SweepRecord>(id.status());
      if (!sweep.ok()) {
        std::cerr << "runexp: " << sweep.status().ToString() << "\n";
        return kExitUsage;
      }
      // Not the shards of points still queued or running: their tasks may be writing them.
      Result<std::map<int64_t, std::string>> queued = sweep::QueuedPoints(sweep->folder);
      if (!queued.ok()) {
        std::cerr << "runexp: " << queued.status().ToString() << "\n";
        return kExitRunFailed;
      }
      for (const auto& [point, shard] : sweep::ListShards(sweep->folder)) {
        if (queued->count(point)) {
          std::cout << "point " << point << " is still " << (*queued)[point] << " on Slurm; its shard waits\n";
        } else {
          paths.push_back(shard.string());
        }
      }
    }
    if (paths.empty()) {
      std::cerr << "runexp merge: nothing to merge (give shard files or --sweep ID)\n";
      return kExitUsage;
    }
    store::MergeCounts total;
    for (const std::string& path : paths) {
      Result<store::MergeCounts> merged = (*db)->MergeShard(path);
      if (!merged.ok()) {
        std::cerr << "runexp: " << merged.status().ToString() << "\n";
        return kExitRunFailed;
      }
      total.merged += merged->merged;
      total.unchanged += merged->unchanged;
      total.running += merged->running;
    }
    std::cout << "merged " << paths.size() << " shard" << (paths.size() == 1 ? "" : "s") << " into "
              << (*db)->path() << ": " << total.merged << " run" << (total.merged == 1 ? "" : "s") << " added or "
              << "updated, " << total.unchanged << " already here, " << total.running << " still running\n";
    return kExitOk;
  });
}

}  // namespace runexp::cli
