// RunStore: sweeps — creating one with its points, finding it again by its
// specification, linking points to runs, and reading it back.
#include <string>

#include "store/run_id.h"
#include "store/run_rows.h"
#include "store/run_store.h"
#include "store/timestamps.h"

namespace runexp::store {

namespace {

constexpr std::string_view kSweepColumns =
    "sweep_id, experiment, created_at, spec_sha256, mode, keys, experiment_file, command_line, folder";

SweepRecord ReadSweep(const Statement& row) {
  return SweepRecord{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4),
                     row.Text(5), row.Text(6), row.OptText(7), row.Text(8)};
}

Status InsertSweep(Db& db, const SweepRecord& s) {
  Result<Statement> insert = db.Prepare(
      "INSERT INTO sweeps (" + std::string(kSweepColumns) + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, s.sweep_id).Bind(2, s.experiment).Bind(3, s.created_at).Bind(4, s.spec_sha256);
  insert->Bind(5, s.mode).Bind(6, s.keys_json).Bind(7, s.experiment_file).Bind(8, s.command_line);
  insert->Bind(9, s.folder);
  return insert->Run("recording sweep " + s.sweep_id);
}

Status InsertPoint(Db& db, const std::string& sweep_id, const SweepPoint& p) {
  Result<Statement> insert = db.Prepare(
      "INSERT INTO sweep_points (sweep_id, point, assignments, config_sha256, run_id, reused) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, sweep_id).Bind(2, p.point).Bind(3, p.assignments_json).Bind(4, p.config_sha256);
  insert->Bind(5, p.run_id).Bind(6, p.reused);
  return insert->Run("recording point " + std::to_string(p.point) + " of sweep " + sweep_id);
}

Result<bool> SweepIdTaken(Db& db, const std::string& sweep_id) {
  Result<Statement> stmt = db.Prepare("SELECT 1 FROM sweeps WHERE sweep_id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, sweep_id);
  return stmt->Step("looking up sweep " + sweep_id);
}

Result<std::optional<SweepRecord>> SelectSweep(Db& db, std::string_view where, const std::string& value) {
  Result<Statement> stmt =
      db.Prepare("SELECT " + std::string(kSweepColumns) + " FROM sweeps WHERE " + std::string(where));
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, value);
  Result<bool> row = stmt->Step("reading sweeps");
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<SweepRecord>();
  return std::optional<SweepRecord>(ReadSweep(*stmt));
}

}  // namespace

Result<std::string> RunStore::CreateSweep(SweepRecord sweep, std::span<const SweepPoint> points) {
  if (sweep.experiment.empty()) return Status::InvalidArgument("CreateSweep: experiment name is empty");
  const bool generate_id = sweep.sweep_id.empty();
  Clock::time_point now = Clock::now();
  sweep.created_at = FormatTimestamp(now);
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "recording a sweep");
  if (!txn.ok()) return txn.status();
  Result<std::optional<SweepRecord>> same = SelectSweep(db_, "spec_sha256 = ?1", sweep.spec_sha256);
  if (!same.ok()) return same.status();
  if (*same) {
    return Status::InvalidArgument(path_ + ": the same sweep is on record as " + (*same)->sweep_id);
  }
  for (int attempt = 0;; ++attempt) {
    if (generate_id) sweep.sweep_id = NewRunId(now);
    Result<bool> taken = SweepIdTaken(db_, sweep.sweep_id);
    if (!taken.ok()) return taken.status();
    if (!*taken) break;
    if (!generate_id) return Status::InvalidArgument(path_ + ": sweep id " + sweep.sweep_id + " already exists");
    if (attempt == 7) return Status::Internal(path_ + ": could not find an unused sweep id");
  }
  if (Status ok = InsertSweep(db_, sweep); !ok.ok()) return ok;
  for (const SweepPoint& point : points) {
    if (Status ok = InsertPoint(db_, sweep.sweep_id, point); !ok.ok()) return ok;
  }
  if (Status ok = txn->Commit(); !ok.ok()) return ok;
  return sweep.sweep_id;
}

Result<std::optional<SweepRecord>> RunStore::FindSweepBySpec(const std::string& spec_sha256) {
  std::lock_guard lock(mu_);
  return SelectSweep(db_, "spec_sha256 = ?1", spec_sha256);
}

Result<SweepRecord> RunStore::GetSweep(const std::string& sweep_id) {
  std::lock_guard lock(mu_);
  Result<std::optional<SweepRecord>> sweep = SelectSweep(db_, "sweep_id = ?1", sweep_id);
  if (!sweep.ok()) return sweep.status();
  if (!*sweep) return Status::NotFound(path_ + ": no sweep " + sweep_id);
  return **sweep;
}

Result<std::vector<SweepRecord>> RunStore::ListSweeps() {
  std::lock_guard lock(mu_);
  Result<Statement> stmt =
      db_.Prepare("SELECT " + std::string(kSweepColumns) + " FROM sweeps ORDER BY created_at, sweep_id");
  if (!stmt.ok()) return stmt.status();
  std::vector<SweepRecord> out;
  for (;;) {
    Result<bool> row = stmt->Step("listing sweeps");
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(ReadSweep(*stmt));
  }
}

Result<std::string> RunStore::ResolveSweepId(std::string_view typed) {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    Result<Statement> stmt = db_.Prepare("SELECT sweep_id FROM sweeps");
    if (!stmt.ok()) return stmt.status();
    for (;;) {
      Result<bool> row = stmt->Step("listing sweep ids");
      if (!row.ok()) return row.status();
      if (!*row) break;
      ids.push_back(stmt->Text(0));
    }
  }
  if (ids.empty()) return Status::NotFound(path_ + ": no sweeps on record");
  Result<std::string> id = MatchRunId(typed, ids);
  if (id.ok()) return id;
  // Sweep ids are made like run ids; only the words differ.
  std::string message = id.status().message();
  for (const auto& [run_words, sweep_words] : {std::pair<std::string, std::string>{"no run matches", "no sweep matches"},
                                               {"run id ", "sweep id "}}) {
    if (size_t at = message.find(run_words); at != std::string::npos) message.replace(at, run_words.size(), sweep_words);
  }
  const std::string where = path_ + ": " + message;
  return id.status().code() == StatusCode::kNotFound ? Status::NotFound(where) : Status::InvalidArgument(where);
}

Result<std::vector<SweepPoint>> RunStore::ListSweepPoints(const std::string& sweep_id) {
  std::lock_guard lock(mu_);
  Result<Statement> stmt = db_.Prepare(
      "SELECT p.point, p.assignments, p.config_sha256, p.run_id, p.reused, r.status "
      "FROM sweep_points p LEFT JOIN runs r ON r.run_id = p.run_id "
      "WHERE p.sweep_id = ?1 ORDER BY p.point");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, sweep_id);
  std::vector<SweepPoint> out;
  for (;;) {
    Result<bool> row = stmt->Step("reading the points of sweep " + sweep_id);
    if (!row.ok()) return row.status();
    if (!*row) return out;
    SweepPoint point{stmt->Int(0), stmt->Text(1), stmt->Text(2), stmt->OptText(3), stmt->Int(4) != 0, {}};
    if (std::optional<std::string> status = stmt->OptText(5)) {
      if (Result<RunStatus> parsed = ParseRunStatus(*status); parsed.ok()) point.run_status = *parsed;
    }
    out.push_back(std::move(point));
  }
}

Status RunStore::LinkSweepPoint(const std::string& sweep_id, int64_t point, const std::string& run_id,
                                bool reused) {
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "linking a sweep point");
  if (!txn.ok()) return txn.status();
  if (Status ok = RequireRun(db_, run_id); !ok.ok()) return ok;
  Result<Statement> link =
      db_.Prepare("UPDATE sweep_points SET run_id = ?1, reused = ?2 WHERE sweep_id = ?3 AND point = ?4");
  if (!link.ok()) return link.status();
  link->Bind(1, run_id).Bind(2, reused).Bind(3, sweep_id).Bind(4, point);
  if (Status ok = link->Run("linking point " + std::to_string(point) + " of sweep " + sweep_id); !ok.ok()) {
    return ok;
  }
  if (db_.Changes() != 1) {
    return Status::NotFound(path_ + ": sweep " + sweep_id + " has no point " + std::to_string(point));
  }
  return txn->Commit();
}

Result<std::optional<std::string>> RunStore::FindCompletedRun(const std::string& config_sha256) {
  std::lock_guard lock(mu_);
  Result<Statement> stmt = db_.Prepare(
      "SELECT run_id FROM runs WHERE config_sha256 = ?1 AND status = 'completed' "
      "ORDER BY finished_at DESC, run_id DESC LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, config_sha256);
  Result<bool> row = stmt->Step("looking for a completed run of the same configuration");
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->Text(0));
}

}  // namespace runexp::store
