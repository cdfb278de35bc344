// A sweep's folder (sweeps/SWEEP_ID beside results.db) and what lives in it:
//
//   point-NNNN.log          a point's output (local children, Slurm tasks)
//   tasks/point-NNNN.args   the `runexp run` arguments of a point, for a
//                           Slurm task to run it (NUL-separated)
//   shards/point-NNNN.db    a Slurm task's own results database, holding
//                           the sweep, its one point and its run; folded into
//                           results.db by `runexp merge` (store MergeShard)
//   slurm/array.sh          the job array's batch script
//   slurm/sbatch-options    the options it was submitted with (for resume)
//   slurm/jobs              one line per submission: job id, array indexes
//
// For Slurm the folder must be on storage every node sees; each shard is
// written by one task only, so no SQLite file is ever shared across hosts.
//
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "runexp/status.h"
#include "store/records.h"

namespace runexp::sweep {

std::filesystem::path PointLogPath(const std::filesystem::path& folder, int64_t point);
std::filesystem::path TaskArgsPath(const std::filesystem::path& folder, int64_t point);
std::filesystem::path ShardPath(const std::filesystem::path& folder, int64_t point);
std::filesystem::path SlurmPath(const std::filesystem::path& folder, const std::string& name);

// Arguments as a file of NUL-terminated strings, written atomically.
Status WriteArgs(const std::filesystem::path& path, const std::vector<std::string>& args);
Result<std::vector<std::string>> ReadArgs(const std::filesystem::path& path);

// Creates the point's shard (the sweep row and this one point) unless it exists.
Status EnsureShard(const std::filesystem::path& folder, const store::SweepRecord& sweep,
                   const store::SweepPoint& point);

// Every shard in the folder with its point, in point order.
std::vector<std::pair<int64_t, std::filesystem::path>> ListShards(const std::filesystem::path& folder);

}  // namespace runexp::sweep
