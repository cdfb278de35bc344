// `runexp sweep task FOLDER INDEX`: what one Slurm array task runs — point
// INDEX of the sweep in FOLDER, into the point's own shard. Completed
// already: nothing to do. Interrupted or failed (a previous task was killed,
// the node died, time ran out): resumed from its checkpoint. Otherwise run
// from its recorded arguments. The process becomes that `runexp run` or
// `runexp resume` (exec), with --threads from SLURM_CPUS_PER_TASK.
//
// Thread-safety: call once, from the main thread (it replaces the process).
#pragma once

#include <cstdint>
#include <filesystem>

namespace runexp::sweep {

// Returns an exit code only when it does not exec.
int RunSweepTask(const std::filesystem::path& folder, int64_t point);

}  // namespace runexp::sweep
