// Who the current process is, and whether another local process is still
// alive: the operating-system side of reaping dead runs.
//
// A pid alone is not an identity: after a crash the kernel may hand the same
// pid to an unrelated process. So a run also records the process start time
// (field 22 of /proc/PID/stat, clock ticks since boot) and the boot id; a
// process counts as the same one only if all three still match.
//
// Thread-safety: stateless functions reading /proc; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace runexp::store {

struct ProcessIdentity {
  std::string host;  // gethostname()
  int64_t pid = 0;
  std::optional<int64_t> start_ticks;
  std::optional<std::string> boot_id;
};

ProcessIdentity CurrentProcess();

// Field 22 of /proc/PID/stat; nullopt if the process does not exist (or
// /proc is not mounted).
std::optional<int64_t> ProcessStartTicks(int64_t pid);

enum class Liveness {
  kAlive,  // a process with this pid (and start time, when known) exists
  kGone,   // no such process, a zombie, or the pid now belongs to another process
};

// Only meaningful for a pid on this host, in this boot.
Liveness ProbeLocalProcess(int64_t pid, std::optional<int64_t> start_ticks);

}  // namespace runexp::store
