#include "sweep/point_jobs.h"

#include <csignal>
#include <chrono>
#include <map>
#include <thread>

#include "sweep/child_process.h"

namespace runexp::sweep {

bool RunPointJobs(const std::vector<PointJob>& jobs, int parallel, const InterruptFlag& interrupt,
                  const std::function<void(const PointJob&, int exit_code)>& on_end) {
  std::map<pid_t, const PointJob*> running;
  size_t next = 0;
  bool stopping = false;
  while (next < jobs.size() || !running.empty()) {
    if (interrupt.raised() && !stopping) {
      stopping = true;
      for (const auto& [pid, job] : running) kill(pid, SIGINT);
    }
    while (!stopping && next < jobs.size() && static_cast<int>(running.size()) < parallel) {
      const PointJob& job = jobs[next++];
      Result<pid_t> pid = SpawnRunexp(job.args, job.log);
      if (!pid.ok()) {
        on_end(job, 127);  // as a shell reports a command it could not start
        continue;
      }
      running.emplace(*pid, &job);
    }
    if (stopping && running.empty()) break;
    std::optional<ChildExit> ended = PollChildExit();
    if (!ended) {
      // Polling keeps this simple and signal-safe; a tenth of a second is
      // nothing next to a training run.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    auto found = running.find(ended->pid);
    if (found == running.end()) continue;
    const PointJob& job = *found->second;
    running.erase(found);
    on_end(job, ended->exit_code);
  }
  return !stopping && next == jobs.size();
}

}  // namespace runexp::sweep
