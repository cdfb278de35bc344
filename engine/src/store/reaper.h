// Finding runs whose process died without saying so (kill -9, OOM killer,
// power loss) and marking them `interrupted`, with the reason in runs.error.
//
// A run on this host is dead when its pid is gone, is a zombie, now belongs
// to a process with another start time (pid reuse), or the host has rebooted
// since (boot id differs). A run on another host cannot be probed, so it is
// dead when its heartbeat is older than a threshold (10 minutes by default;
// generous, because hosts' clocks differ a little). finished_at becomes the
// last heartbeat: the last moment the run is known to have been alive.
//
// Thread-safety: as Db (one thread at a time). Safe against other processes:
// a row is updated only if it is still `running` with the heartbeat that was
// judged, so a run that finishes or beats meanwhile is left alone.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runexp/status.h"
#include "store/process_info.h"
#include "store/sqlite_db.h"

namespace runexp::store {

struct RunningRun {
  std::string run_id;
  std::string host;
  int64_t pid = 0;
  std::optional<int64_t> start_ticks;
  std::optional<std::string> boot_id;
  std::string heartbeat_at;
};

using LocalProbe = std::function<Liveness(int64_t pid, std::optional<int64_t> start_ticks)>;

// nullopt while the run may be alive; otherwise why it is not. stale_before
// is a timestamp: heartbeats older than it count as silence.
std::optional<std::string> WhyRunIsDead(const RunningRun& run, const ProcessIdentity& self,
                                        const std::string& stale_before, const LocalProbe& probe);

// Marks every dead `running` run as `interrupted`; returns their ids.
Result<std::vector<std::string>> ReapDeadRuns(Db& db, const ProcessIdentity& self,
                                              std::chrono::seconds stale_after,
                                              const LocalProbe& probe);

}  // namespace runexp::store
