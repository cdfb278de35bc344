#include "store/reaper.h"

#include "store/timestamps.h"

namespace runexp::store {

std::optional<std::string> WhyRunIsDead(const RunningRun& run, const ProcessIdentity& self,
                                        const std::string& stale_before, const LocalProbe& probe) {
  std::string process = "process " + std::to_string(run.pid) + " on host " + run.host;
  if (run.host == self.host) {
    if (run.boot_id && self.boot_id && *run.boot_id != *self.boot_id) {
      return "interrupted: host " + run.host + " has rebooted since the run started, so " +
             process + " is gone";
    }
    if (probe(run.pid, run.start_ticks) == Liveness::kGone) {
      return "interrupted: " + process + " ended without finishing the run (killed or crashed)";
    }
    return std::nullopt;  // alive, however long since its last heartbeat: maybe just busy
  }
  if (run.heartbeat_at < stale_before) {
    return "interrupted: no heartbeat from " + process + " since " + run.heartbeat_at;
  }
  return std::nullopt;
}

Result<std::vector<std::string>> ReapDeadRuns(Db& db, const ProcessIdentity& self,
                                              std::chrono::seconds stale_after,
                                              const LocalProbe& probe) {
  std::vector<std::pair<RunningRun, std::string>> dead;
  {
    Result<Statement> select = db.Prepare(
        "SELECT run_id, host, pid, pid_start_ticks, boot_id, heartbeat_at "
        "FROM runs WHERE status = 'running'");
    if (!select.ok()) return select.status();
    std::string stale_before = FormatTimestamp(Clock::now() - stale_after);
    for (;;) {
      Result<bool> row = select->Step("looking for dead runs");
      if (!row.ok()) return row.status();
      if (!*row) break;
      RunningRun run{select->Text(0), select->Text(1),   select->Int(2),
                     select->OptInt(3), select->OptText(4), select->Text(5)};
      if (auto why = WhyRunIsDead(run, self, stale_before, probe)) {
        dead.emplace_back(std::move(run), std::move(*why));
      }
    }
  }
  std::vector<std::string> reaped;
  if (dead.empty()) return reaped;  // the usual case takes no write lock

  Result<Transaction> txn = Transaction::Begin(db, "marking dead runs interrupted");
  if (!txn.ok()) return txn.status();
  Result<Statement> update = db.Prepare(
      "UPDATE runs SET status = 'interrupted', finished_at = heartbeat_at, error = ?1, "
      "reaped_at = ?2 WHERE run_id = ?3 AND status = 'running' AND heartbeat_at = ?4");
  if (!update.ok()) return update.status();
  std::string now = NowTimestamp();
  for (const auto& [run, why] : dead) {
    update->Reset();
    update->Bind(1, why).Bind(2, now).Bind(3, run.run_id).Bind(4, run.heartbeat_at);
    if (Status ok = update->Run("marking run " + run.run_id + " interrupted"); !ok.ok()) return ok;
    if (db.Changes() == 1) reaped.push_back(run.run_id);
  }
  if (Status ok = txn->Commit(); !ok.ok()) return ok;
  return reaped;
}

}  // namespace runexp::store
