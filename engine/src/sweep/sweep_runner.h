// RunSweep: `runexp sweep FILE.toml` from start to finish.
//
//   1. plan: every point expanded and validated (sweep_plan.h); an invalid
//      sweep runs nothing and writes nothing;
//   2. results.db: the sweep found by its specification (running the same
//      sweep again continues it) or recorded with its points;
//   3. each point decided: done (its run completed), resumed (its run was
//      interrupted or failed), reused (an earlier completed run has the same
//      configuration and unchanged inputs; not with --force), or run;
//   4. up to --jobs points at once, each an ordinary `runexp run` (or
//      `runexp resume`) child process with its share of the cores; results
//      do not depend on the share, so a point's numbers equal the point run
//      alone;
//   5. a line per finished point, and a summary. With --executor slurm, 4-5
//      are one job array instead (sweep_slurm.h), followed with --wait. Ctrl-C stops the children
//      (their runs are recorded as interrupted) and starts no more.
// Returns the process exit code: 0 when every point completed, 1 when some
// failed, 2 for invalid input, 130 when interrupted.
//
// Thread-safety: one call per process (it owns the signal handling and
// reaps child processes).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sweep/slurm_queue.h"
#include "sweep/sweep_plan.h"

namespace runexp::sweep {

struct SweepOptions {
  SweepRequest request;
  std::optional<std::filesystem::path> results_path;  // --results (beats the file's setting)
  std::vector<std::filesystem::path> plugin_dirs;     // --plugin-dir, passed on to every point
  int jobs = 1;                                       // points at once
  int threads = 0;                                    // per point; 0: the cores divided among the jobs
  bool force = false;                                 // run points even when a completed run matches
  bool dry_run = false;                               // plan and print, run nothing, write nothing
  bool quiet = false;
  std::string command_line;
  // "local" (child processes here) or "slurm" (one job array; sweep_slurm.h).
  std::string executor = "local";
  SlurmOptions slurm;
  bool wait = false;  // slurm: follow the array to its end and merge
};

int RunSweep(const SweepOptions& options);

}  // namespace runexp::sweep
