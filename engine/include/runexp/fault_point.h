// Named fault points: a test-only switch that kills the process, or makes one
// operation fail as if the disk were full, at an exact place in the code, so
// tests of crashes and full disks are deterministic instead of depending on
// timing. A point does nothing unless the environment variable RUNEXP_FAULT
// arms it; the list of points and the syntax are in docs/fault-points.md:
//
//   RUNEXP_FAULT=checkpoint.after_temp_write           kill at the first hit
//   RUNEXP_FAULT=train.step:kill@200                   kill at the 200th hit
//   RUNEXP_FAULT=db.record_epoch:enospc@2,db.finish_run:enospc
//
// RUNEXP_FAULT is read once, at the first call; when it is unset a point
// costs one load and one branch. A plugin may place its own points.
//
// Thread-safety: FaultPoint may be called from any thread.
#pragma once

#include <string_view>

namespace runexp {

// Returns 0 unless RUNEXP_FAULT arms `name` and this hit is the N-th or a
// later one. Then, for action `kill` (the default), the process is killed with
// SIGKILL right here; for `enospc` or `eio`, the errno to inject is returned
// (ENOSPC, EIO) and the caller reports it exactly as it would report the same
// errno from the operating system. An armed failure stays armed for every
// later hit, as a full disk stays full.
int FaultPoint(std::string_view name);

}  // namespace runexp
