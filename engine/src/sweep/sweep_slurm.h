// A sweep on Slurm: its points submitted as one job array, each task writing
// its own shard (sweep_folder.h), shards folded into results.db by merging;
// following the array to its end (--wait); the status of every point; and
// resubmitting what failed or never ran.
//
// Thread-safety: one call per process at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "run/interrupt.h"
#include "store/run_store.h"
#include "sweep/slurm_queue.h"

namespace runexp::sweep {

// Folds the sweep's shards into `db`, except those of points still queued
// or running: a task on another node may be writing them, and SQLite must
// not be read across hosts while written. Returns the total counts.
Result<store::MergeCounts> MergeSweepShards(store::RunStore& db, const std::filesystem::path& folder,
                                            const std::map<int64_t, std::string>& queued);

struct PointToSubmit {
  int64_t point = 0;
  std::vector<std::string> run_args;  // `runexp run ...` without --results and --threads
};

// Writes each point's arguments and shard, submits them as one array, and,
// with `wait`, follows the array to its end and merges. Returns the exit code.
int SubmitSweepPoints(store::RunStore& db, const store::SweepRecord& sweep, const std::vector<PointToSubmit>& points,
                      const SlurmOptions& options, bool wait, const InterruptFlag& interrupt,
                      const std::function<void(const std::string&)>& say);

// Merges, then resubmits every point whose run did not complete and that is
// not queued; `runexp sweep resume ID`.
int ResumeSweepOnSlurm(store::RunStore& db, const store::SweepRecord& sweep, bool wait, const InterruptFlag& interrupt,
                       const std::function<void(const std::string&)>& say);

// Waits until none of the sweep's tasks is queued, then merges and prints
// every point's outcome. Returns 0 when every point completed.
int FollowSweep(store::RunStore& db, const store::SweepRecord& sweep, const InterruptFlag& interrupt,
                const std::function<void(const std::string&)>& say);

// `runexp sweep status ID`: one line per point — pending, running,
// completed, failed, interrupted or not run — from squeue and the shards.
int PrintSweepStatus(store::RunStore& db, const store::SweepRecord& sweep);

}  // namespace runexp::sweep
