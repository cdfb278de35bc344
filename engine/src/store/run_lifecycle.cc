// RunStore: the life of a run row — begin, heartbeat, finish, delete.
#include <cstring>
#include <string>

#include "runexp/fault_point.h"
#include "runexp/sha256.h"
#include "store/run_id.h"
#include "store/run_rows.h"
#include "store/run_store.h"
#include "store/timestamps.h"

namespace runexp::store {

namespace {

constexpr int kIdAttempts = 8;

// Only rows that are `running`, or that the reaper marked `interrupted`
// although they belong to the calling process (proof that it is alive: a
// heartbeat from another host's clock-skewed view arrived too late), may be
// moved on. ?5..?7 are the caller's host, pid and start ticks.
constexpr std::string_view kOwnedLiveRow =
    "(status = 'running' OR (status = 'interrupted' AND reaped_at IS NOT NULL "
    "AND host = ?5 AND pid = ?6 AND pid_start_ticks IS ?7))";

Result<bool> RunIdTaken(Db& db, const std::string& run_id) {
  Result<std::string> status = RunStatusText(db, run_id);
  if (status.ok()) return true;
  if (status.status().code() == StatusCode::kNotFound) return false;
  return status.status();
}

Status InsertRun(Db& db, const RunRecord& r) {
  Result<Statement> insert = db.Prepare(
      "INSERT INTO runs (run_id, name, experiment, status, started_at, heartbeat_at, seed, "
      "config_toml, config_sha256, git_commit, git_dirty, runexp_version, host, pid, "
      "pid_start_ticks, boot_id, environment, command_line, working_dir, threads, "
      "parent_run_id, resume_count, sweep_id) "
      "VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
      "?16, ?17, ?18, ?19, ?20, ?21, ?22)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, r.run_id).Bind(2, r.name).Bind(3, r.experiment).Bind(4, r.started_at);
  insert->Bind(5, r.heartbeat_at).Bind(6, r.seed).Bind(7, r.config_toml);
  insert->Bind(8, r.config_sha256).Bind(9, r.git_commit).Bind(10, r.git_dirty);
  insert->Bind(11, r.runexp_version).Bind(12, r.host).Bind(13, r.pid);
  insert->Bind(14, r.pid_start_ticks).Bind(15, r.boot_id).Bind(16, r.environment_json);
  insert->Bind(17, r.command_line).Bind(18, r.working_dir).Bind(19, r.threads);
  insert->Bind(20, r.parent_run_id).Bind(21, r.resume_count).Bind(22, r.sweep_id);
  return insert->Run("recording the start of run " + r.run_id);
}

// A run a sweep started answers one of its points: linked in BeginRun's
// transaction, so no run of a sweep is ever left without its point.
Status LinkNewRunToPoint(Db& db, const RunRecord& r) {
  // A point another process is running is not taken over (two `runexp
  // sweep` of one file at once run each point once).
  Result<Statement> link = db.Prepare(
      "UPDATE sweep_points SET run_id = ?1, reused = 0 WHERE sweep_id = ?2 AND point = ?3 AND NOT EXISTS "
      "(SELECT 1 FROM runs r WHERE r.run_id = sweep_points.run_id AND r.status = 'running')");
  if (!link.ok()) return link.status();
  link->Bind(1, r.run_id).Bind(2, *r.sweep_id).Bind(3, *r.sweep_point);
  if (Status ok = link->Run("linking run " + r.run_id + " to its sweep point"); !ok.ok()) return ok;
  if (db.Changes() == 1) return Status::OK();
  Result<Statement> holder = db.Prepare("SELECT run_id FROM sweep_points WHERE sweep_id = ?1 AND point = ?2");
  if (!holder.ok()) return holder.status();
  holder->Bind(1, *r.sweep_id).Bind(2, *r.sweep_point);
  Result<bool> found = holder->Step("reading sweep point");
  if (!found.ok()) return found.status();
  const std::string point = "point " + std::to_string(*r.sweep_point) + " of sweep " + *r.sweep_id;
  if (!*found) return Status::NotFound(db.path() + ": no " + point);
  return Status::InvalidArgument(db.path() + ": " + point + " is being run by run " + holder->Text(0));
}

// Why an update of a run's status changed nothing, as a Status.
Status NotLive(Db& db, const std::string& run_id, std::string_view action) {
  Result<std::string> status = RunStatusText(db, run_id);
  if (!status.ok()) return status.status();
  return Status::InvalidArgument(db.path() + ": cannot " + std::string(action) + " run " + run_id +
                                 ": it is already " + *status);
}

}  // namespace

Result<std::string> RunStore::BeginRun(RunRecord r) {
  if (r.experiment.empty()) return Status::InvalidArgument("BeginRun: experiment name is empty");
  const bool generate_id = r.run_id.empty();
  if (!generate_id && !IsAcceptableRunId(r.run_id)) {
    return Status::InvalidArgument("run id '" + r.run_id +
                                   "' must be 1-64 characters from A-Z a-z 0-9 . _ -");
  }
  Clock::time_point started = Clock::now();
  if (r.started_at.empty()) {
    r.started_at = FormatTimestamp(started);
  } else if (auto parsed = ParseTimestamp(r.started_at)) {
    started = *parsed;  // so the id still sorts by start time (imports, tests)
  } else {
    return Status::InvalidArgument("started_at '" + r.started_at +
                                   "' is not of the form 2026-11-30T00:35:01.123Z");
  }
  if (r.heartbeat_at.empty()) r.heartbeat_at = r.started_at;
  if (r.host.empty()) r.host = self_.host;
  if (r.pid == 0) {
    r.pid = self_.pid;
    if (!r.pid_start_ticks) r.pid_start_ticks = self_.start_ticks;
  }
  if (!r.boot_id && r.host == self_.host) r.boot_id = self_.boot_id;
  if (r.config_sha256.empty() && !r.config_toml.empty()) r.config_sha256 = Sha256Hex(r.config_toml);

  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "starting a run");
  if (!txn.ok()) return txn.status();
  if (r.parent_run_id) {
    Result<bool> exists = RunIdTaken(db_, *r.parent_run_id);
    if (!exists.ok()) return exists.status();
    if (!*exists) return Status::NotFound(path_ + ": no parent run " + *r.parent_run_id);
  }
  for (int attempt = 0;; ++attempt) {
    if (generate_id) r.run_id = NewRunId(started);
    // We hold the write lock, so nobody can take the id between check and insert.
    Result<bool> taken = RunIdTaken(db_, r.run_id);
    if (!taken.ok()) return taken.status();
    if (!*taken) break;
    if (!generate_id) {
      return Status::InvalidArgument(path_ + ": run id " + r.run_id + " already exists");
    }
    if (attempt + 1 == kIdAttempts) {
      return Status::Internal(path_ + ": could not find an unused run id (random source broken?)");
    }
  }
  if (r.sweep_id.has_value() != r.sweep_point.has_value()) {
    return Status::InvalidArgument("BeginRun: a sweep run needs both sweep_id and sweep_point");
  }
  if (Status ok = InsertRun(db_, r); !ok.ok()) return ok;
  if (r.sweep_id) {
    if (Status ok = LinkNewRunToPoint(db_, r); !ok.ok()) return ok;
  }
  if (Status ok = txn->Commit(); !ok.ok()) return ok;
  return r.run_id;
}

Status RunStore::Heartbeat(const std::string& run_id) {
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "recording a heartbeat");
  if (!txn.ok()) return txn.status();
  Result<Statement> update = db_.Prepare(
      "UPDATE runs SET heartbeat_at = ?1, status = 'running', finished_at = NULL, "
      "error = NULL, reaped_at = NULL WHERE run_id = ?2 AND " + std::string(kOwnedLiveRow));
  if (!update.ok()) return update.status();
  update->Bind(1, NowTimestamp()).Bind(2, run_id);
  update->Bind(5, self_.host).Bind(6, self_.pid).Bind(7, self_.start_ticks);
  if (Status ok = update->Run("recording a heartbeat for run " + run_id); !ok.ok()) return ok;
  if (db_.Changes() == 0) return NotLive(db_, run_id, "send a heartbeat for");
  return txn->Commit();
}

Status RunStore::FinishRun(const std::string& run_id, RunStatus final_status,
                           std::optional<std::string> error) {
  if (final_status == RunStatus::kRunning) {
    return Status::InvalidArgument("FinishRun: final status must be completed, failed or "
                                   "interrupted, not running");
  }
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "finishing a run");
  if (!txn.ok()) return txn.status();
  Result<Statement> update = db_.Prepare(
      "UPDATE runs SET status = ?1, finished_at = ?2, heartbeat_at = ?2, error = ?3, "
      "reaped_at = NULL WHERE run_id = ?4 AND " + std::string(kOwnedLiveRow));
  if (!update.ok()) return update.status();
  update->Bind(1, RunStatusName(final_status)).Bind(2, NowTimestamp()).Bind(3, error);
  update->Bind(4, run_id).Bind(5, self_.host).Bind(6, self_.pid).Bind(7, self_.start_ticks);
  if (Status ok = update->Run("recording the end of run " + run_id); !ok.ok()) return ok;
  if (db_.Changes() == 0) return NotLive(db_, run_id, "finish");
  if (int error = FaultPoint("db.finish_run")) {
    return Status::IOError(path_ + ": recording the end of run " + run_id + ": " + std::strerror(error));
  }
  return txn->Commit();
}

Status RunStore::DeleteRun(const std::string& run_id, bool even_if_running) {
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "deleting a run");
  if (!txn.ok()) return txn.status();
  Result<std::string> status = RunStatusText(db_, run_id);
  if (!status.ok()) return status.status();
  if (*status == "running" && !even_if_running) {
    return Status::InvalidArgument(path_ + ": run " + run_id +
                                   " is still running; stop it first (or force the deletion)");
  }
  Result<Statement> del = db_.Prepare("DELETE FROM runs WHERE run_id = ?1");
  if (!del.ok()) return del.status();
  del->Bind(1, run_id);
  // ON DELETE CASCADE removes its inputs, params, epochs, metrics,
  // checkpoints and tags; runs resumed from it keep a NULL parent_run_id.
  if (Status ok = del->Run("deleting run " + run_id); !ok.ok()) return ok;
  return txn->Commit();
}

}  // namespace runexp::store
