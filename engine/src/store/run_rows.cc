#include "store/run_rows.h"

#include <cmath>

namespace runexp::store {

const std::string_view kRunColumns =
    "run_id, name, experiment, status, started_at, finished_at, heartbeat_at, seed, "
    "config_toml, config_sha256, git_commit, git_dirty, runexp_version, host, pid, "
    "pid_start_ticks, boot_id, environment, command_line, working_dir, threads, error, "
    "parent_run_id, resume_count, reaped_at, sweep_id";

const std::string_view kSummaryColumns =
    "run_id, name, experiment, status, started_at, finished_at, duration_seconds, epochs, "
    "final_train_accuracy, final_test_accuracy, final_train_loss, final_test_loss, "
    "final_gap_accuracy, best_test_accuracy, best_epoch, learning_rate, batch_size, "
    "config_epochs, error";

namespace {

// The CHECK constraint admits only the four names.
RunStatus StatusOrRunning(const std::string& text) {
  Result<RunStatus> status = ParseRunStatus(text);
  return status.ok() ? *status : RunStatus::kRunning;
}

}  // namespace

RunRecord ReadRunRecord(const Statement& row) {
  RunRecord r;
  r.run_id = row.Text(0);
  r.name = row.OptText(1);
  r.experiment = row.Text(2);
  r.status = StatusOrRunning(row.Text(3));
  r.started_at = row.Text(4);
  r.finished_at = row.OptText(5);
  r.heartbeat_at = row.Text(6);
  r.seed = row.OptInt(7);
  r.config_toml = row.Text(8);
  r.config_sha256 = row.Text(9);
  r.git_commit = row.OptText(10);
  if (auto dirty = row.OptInt(11)) r.git_dirty = *dirty != 0;
  r.runexp_version = row.OptText(12);
  r.host = row.Text(13);
  r.pid = row.Int(14);
  r.pid_start_ticks = row.OptInt(15);
  r.boot_id = row.OptText(16);
  r.environment_json = row.OptText(17);
  r.command_line = row.OptText(18);
  r.working_dir = row.OptText(19);
  r.threads = row.OptInt(20);
  r.error = row.OptText(21);
  r.parent_run_id = row.OptText(22);
  r.resume_count = row.Int(23);
  r.reaped_at = row.OptText(24);
  r.sweep_id = row.OptText(25);
  return r;
}

RunSummary ReadRunSummary(const Statement& row) {
  RunSummary s;
  s.run_id = row.Text(0);
  s.name = row.OptText(1);
  s.experiment = row.Text(2);
  s.status = StatusOrRunning(row.Text(3));
  s.started_at = row.Text(4);
  s.finished_at = row.OptText(5);
  s.duration_seconds = row.OptReal(6);
  s.epochs = row.Int(7);
  s.final_train_accuracy = row.OptReal(8);
  s.final_test_accuracy = row.OptReal(9);
  s.final_train_loss = row.OptReal(10);
  s.final_test_loss = row.OptReal(11);
  s.final_gap_accuracy = row.OptReal(12);
  s.best_test_accuracy = row.OptReal(13);
  s.best_epoch = row.OptInt(14);
  s.learning_rate = row.OptReal(15);
  s.batch_size = row.OptInt(16);
  s.config_epochs = row.OptInt(17);
  s.error = row.OptText(18);
  return s;
}

ParamValue ReadParamValue(const Statement& row, int value_column, int type_column) {
  std::string type = row.Text(type_column);
  if (type == "integer") return row.Int(value_column);
  if (type == "boolean") return row.Int(value_column) != 0;
  if (type == "float") {
    // SQLite stores a NaN as NULL; give it back as NaN, not 0.
    return row.IsNull(value_column) ? std::nan("") : row.Real(value_column);
  }
  return row.Text(value_column);
}

void BindParamValue(Statement& stmt, int index, const ParamValue& value) {
  std::visit([&](const auto& v) { stmt.Bind(index, v); }, value);
}

Status RequireRun(Db& db, const std::string& run_id) {
  Result<std::string> status = RunStatusText(db, run_id);
  return status.ok() ? Status::OK() : status.status();
}

Result<std::string> RunStatusText(Db& db, const std::string& run_id) {
  Result<Statement> stmt = db.Prepare("SELECT status FROM runs WHERE run_id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, run_id);
  Result<bool> row = stmt->Step("looking up run " + run_id);
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(db.path() + ": no run " + run_id);
  return stmt->Text(0);
}

}  // namespace runexp::store
