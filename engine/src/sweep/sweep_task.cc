#include "sweep/sweep_task.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "run/execute_run.h"
#include "store/run_store.h"
#include "sweep/sweep_folder.h"

namespace runexp::sweep {

int RunSweepTask(const std::filesystem::path& folder, int64_t point) {
  const std::filesystem::path shard = ShardPath(folder, point);
  Result<std::vector<std::string>> args = ReadArgs(TaskArgsPath(folder, point));
  if (!args.ok()) return FailWith(kExitUsage, args.status().ToString());
  const char* cpus = std::getenv("SLURM_CPUS_PER_TASK");
  const std::string threads = cpus != nullptr && std::atoi(cpus) > 0 ? cpus : "1";

  std::optional<std::string> resume_id;
  {
    // Opening reaps a run whose process died on this host.
    Result<std::unique_ptr<store::RunStore>> db = store::RunStore::Open(shard.string());
    if (!db.ok()) return FailWith(kExitUsage, db.status().ToString());
    Result<std::vector<store::SweepPoint>> points = (*db)->ListSweepPoints(folder.filename().string());
    if (!points.ok()) return FailWith(kExitUsage, points.status().ToString());
    if (points->size() != 1 || points->front().point != point) {
      return FailWith(kExitUsage, shard.string() + ": not the shard of point " + std::to_string(point));
    }
    const store::SweepPoint& recorded = points->front();
    if (recorded.run_id && recorded.run_status == store::RunStatus::kCompleted) {
      std::cout << "point " << point << ": run " << *recorded.run_id << " already completed\n";
      return kExitOk;
    }
    if (recorded.run_id && recorded.run_status == store::RunStatus::kRunning) {
      // Open reaped it if its process died here, or if it went silent
      // elsewhere for longer than the reaper allows; so it may be alive on
      // another node (a requeued task): two writers must never share a shard.
      Result<store::RunDetails> run = (*db)->GetRun(*recorded.run_id);
      std::string where = run.ok() ? " on " + run->run.host + " (last heartbeat " + run->run.heartbeat_at + ")" : "";
      return FailWith(kExitRunFailed, "point " + std::to_string(point) + ": run " + *recorded.run_id +
                                          " is still running" + where + "; not started twice. Once it has "
                                          "stopped, `runexp sweep resume` resumes it");
    }
    if (recorded.run_id) resume_id = recorded.run_id;
  }

  // The point's own log, as for a local child (Slurm's --output has only its own words).
  const std::filesystem::path log = PointLogPath(folder, point);
  int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return FailWith(kExitRunFailed, log.string() + ": cannot open: " + std::strerror(errno));
  std::cout.flush();
  dup2(log_fd, STDOUT_FILENO);
  dup2(log_fd, STDERR_FILENO);
  close(log_fd);

  std::vector<std::string> argv_text = {"runexp"};
  if (resume_id) {
    argv_text.insert(argv_text.end(), {"resume", *resume_id});
  } else {
    argv_text.insert(argv_text.end(), args->begin(), args->end());
  }
  argv_text.insert(argv_text.end(), {"--results", shard.string(), "--threads", threads});
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execv("/proc/self/exe", argv.data());
  return FailWith(kExitRunFailed, std::string("cannot start runexp: ") + std::strerror(errno));
}

}  // namespace runexp::sweep
