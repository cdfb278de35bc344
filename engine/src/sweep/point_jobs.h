// Running sweep points as child processes, at most N at once.
//
// Each job is one `runexp run` or `runexp resume` of one point. Jobs start in
// order; as one ends, `on_end` hears of it (on the calling thread) and the
// next starts. On Ctrl-C (the InterruptFlag) no job starts any more, each
// running child gets one SIGINT, and RunPointJobs waits for them all.
//
// Thread-safety: call from one thread; one call per process at a time (it
// reaps any child of the process).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "run/interrupt.h"

namespace runexp::sweep {

struct PointJob {
  int64_t point = 0;
  std::vector<std::string> args;  // runexp's arguments
  std::filesystem::path log;
};

// Returns false when interrupted (some jobs may not have run).
bool RunPointJobs(const std::vector<PointJob>& jobs, int parallel, const InterruptFlag& interrupt,
                  const std::function<void(const PointJob&, int exit_code)>& on_end);

}  // namespace runexp::sweep
