// Slurm from runexp's side: submitting a sweep's points as one job array
// (sbatch) and reading which of them are still queued or running (squeue).
// No accounting database is assumed (no sacct): what left the queue is
// judged by its shard.
//
// Thread-safety: stateless functions; they run sbatch/squeue as children.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "runexp/status.h"

namespace runexp::sweep {

struct SlurmOptions {
  std::string partition;               // --partition
  std::string time;                    // --time
  int cpus_per_task = 1;               // --cpus-per-task: also each point's --threads
  std::vector<std::string> extra_args;  // --sbatch-arg, passed through
};

// "0-3,7,9-10": the array indexes as sbatch's --array wants them.
std::string ArraySpec(const std::vector<int64_t>& indexes);

// Submits `points` of the sweep in `folder` as job arrays running
// `runexp sweep task FOLDER POINT` (one array per 1000 consecutive point
// numbers, so no index exceeds Slurm's default MaxArraySize); records the
// jobs and the options in the folder; returns the job ids ("12,13").
Result<std::string> SubmitArray(const std::filesystem::path& folder, const std::string& sweep_id,
                                const std::vector<int64_t>& points, const SlurmOptions& options);

// The options the sweep was last submitted with (for `runexp sweep resume`).
Result<SlurmOptions> ReadSubmittedOptions(const std::filesystem::path& folder);

// Points of this sweep's jobs that squeue still lists, with their state
// ("PENDING", "RUNNING", ...). Empty when the sweep never went to Slurm.
Result<std::map<int64_t, std::string>> QueuedPoints(const std::filesystem::path& folder);

}  // namespace runexp::sweep
