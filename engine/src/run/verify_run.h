// VerifyRun: `runexp verify RUN` — re-executes a completed run from its
// recorded effective configuration as a new run (parent_run_id = RUN) and
// says whether it reproduced it bit for bit (verify_comparison.h). Refused,
// before anything is written, when an input file's SHA-256 no longer
// matches. The new run is tagged verify=reproduced or verify=differs.
// Exit code: 0 reproduced, 1 not reproduced (or the re-run failed), 2 refused.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace runexp {

struct VerifyOptions {
  std::string run;
  std::filesystem::path results_path;
  std::vector<std::filesystem::path> plugin_dirs;
  int threads = 0;
  bool quiet = false;
  std::string command_line;
};

int VerifyRun(const VerifyOptions& options);

}  // namespace runexp
