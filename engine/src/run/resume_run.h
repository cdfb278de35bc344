// ResumeRun: `runexp resume RUN` — continues an interrupted or failed run in
// place (same run id, resume_count + 1) from its newest checkpoint, or from
// the start when it has none, re-running the recorded effective
// configuration. Everything is checked (config hash, input files, the
// checkpoint) before the run's row is touched. The metrics of the epochs
// after the checkpoint, and the final weights, come out bit-identical to a
// run that never stopped.
// Returns the process exit code.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace runexp {

struct ResumeOptions {
  std::string run;                                 // id or unambiguous prefix
  std::filesystem::path results_path;              // results.db holding it
  std::vector<std::filesystem::path> plugin_dirs;  // --plugin-dir
  int threads = 0;                                 // 0: every core
  bool quiet = false;
};

int ResumeRun(const ResumeOptions& options);

}  // namespace runexp
