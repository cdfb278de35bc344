#include "store/process_info.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <vector>

namespace runexp::store {

namespace {

struct ProcStat {
  char state = '?';
  int64_t start_ticks = 0;
};

// /proc/PID/stat is "pid (comm) state ppid ...". comm may itself contain
// spaces and ')', so fields are counted from the last ')'.
std::optional<ProcStat> ReadProcStat(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 1));
  std::vector<std::string> tokens;
  for (std::string token; fields >> token;) tokens.push_back(token);
  // tokens[0] is field 3 (state), so field 22 (starttime) is tokens[19].
  if (tokens.size() < 20 || tokens[0].empty()) return std::nullopt;
  try {
    return ProcStat{tokens[0][0], std::stoll(tokens[19])};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::string> ReadBootId() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  if (!in || !std::getline(in, id) || id.empty()) return std::nullopt;
  return id;
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

}  // namespace

ProcessIdentity CurrentProcess() {
  ProcessIdentity self;
  self.host = HostName();
  self.pid = static_cast<int64_t>(getpid());
  self.start_ticks = ProcessStartTicks(self.pid);
  self.boot_id = ReadBootId();
  return self;
}

std::optional<int64_t> ProcessStartTicks(int64_t pid) {
  std::optional<ProcStat> stat = ReadProcStat(pid);
  if (!stat) return std::nullopt;
  return stat->start_ticks;
}

Liveness ProbeLocalProcess(int64_t pid, std::optional<int64_t> start_ticks) {
  // kill(0, ...) and kill(-N, ...) address process groups: never probe those.
  if (pid <= 0) return Liveness::kGone;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return Liveness::kGone;
  // EPERM means it exists but belongs to someone else: still alive.
  std::optional<ProcStat> stat = ReadProcStat(pid);
  if (!stat) {
    // Either it exited between kill() and the read, or there is no /proc
    // to ask, in which case kill() is all we have.
    return access("/proc/self/stat", R_OK) == 0 ? Liveness::kGone : Liveness::kAlive;
  }
  if (stat->state == 'Z' || stat->state == 'X') return Liveness::kGone;  // exited, not yet reaped
  if (start_ticks && stat->start_ticks != *start_ticks) return Liveness::kGone;  // pid reused
  return Liveness::kAlive;
}

}  // namespace runexp::store
