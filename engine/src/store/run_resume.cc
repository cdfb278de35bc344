// RunStore::ResumeRun: an interrupted or failed run becomes `running` again,
// in place, owned by the calling process.
#include <algorithm>
#include <string>
#include <utility>

#include "store/run_rows.h"
#include "store/run_store.h"
#include "store/timestamps.h"

namespace runexp::store {

Status RunStore::ResumeRun(const std::string& run_id, int64_t from_epoch) {
  if (from_epoch < 0) return Status::InvalidArgument("ResumeRun: negative epoch");
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "resuming a run");
  if (!txn.ok()) return txn.status();
  Result<std::string> status = RunStatusText(db_, run_id);
  if (!status.ok()) return status.status();
  if (*status != "interrupted" && *status != "failed") {
    return Status::InvalidArgument(path_ + ": run " + run_id + " is " + *status +
                                   "; only an interrupted or failed run can be resumed");
  }
  // The epochs from `from_epoch` on are recorded again by the resumed run
  // (the checkpointed epoch is re-reported from the checkpoint, bit for bit),
  // so what a dead process left of them goes.
  const int64_t first_redone = std::max<int64_t>(from_epoch, 1);
  const std::pair<const char*, int64_t> deletions[] = {
      {"DELETE FROM epoch_metrics WHERE run_id = ?1 AND epoch >= ?2", first_redone},
      {"DELETE FROM metrics WHERE run_id = ?1 AND epoch >= ?2", first_redone},
      {"DELETE FROM checkpoints WHERE run_id = ?1 AND epoch > ?2", from_epoch}};
  for (const auto& [sql, epoch] : deletions) {
    Result<Statement> del = db_.Prepare(sql);
    if (!del.ok()) return del.status();
    del->Bind(1, run_id).Bind(2, epoch);
    if (Status ok = del->Run("clearing the epochs run " + run_id + " will redo"); !ok.ok()) return ok;
  }
  Result<Statement> update = db_.Prepare(
      "UPDATE runs SET status = 'running', finished_at = NULL, error = NULL, reaped_at = NULL, "
      "resume_count = resume_count + 1, heartbeat_at = ?2, host = ?3, pid = ?4, "
      "pid_start_ticks = ?5, boot_id = ?6 WHERE run_id = ?1");
  if (!update.ok()) return update.status();
  update->Bind(1, run_id).Bind(2, NowTimestamp()).Bind(3, self_.host).Bind(4, self_.pid);
  update->Bind(5, self_.start_ticks).Bind(6, self_.boot_id);
  if (Status ok = update->Run("marking run " + run_id + " as running again"); !ok.ok()) return ok;
  return txn->Commit();
}

}  // namespace runexp::store
