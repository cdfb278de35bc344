// RunStore: reading runs back — id resolution, listing, and everything
// `runexp show` needs. Reads that span several tables share one snapshot.
#include <algorithm>
#include <array>
#include <string>

#include "store/run_id.h"
#include "store/run_rows.h"
#include "store/run_store.h"

namespace runexp::store {

namespace {

constexpr std::array<std::string_view, 16> kSortable = {
    "started_at",          "finished_at",        "duration_seconds",     "epochs",
    "final_train_accuracy", "final_test_accuracy", "final_train_loss",   "final_test_loss",
    "final_gap_accuracy",  "best_test_accuracy", "learning_rate",        "batch_size",
    "run_id",              "name",               "experiment",           "status"};

constexpr std::string_view kParamSortPrefix = "param:";

// ORDER BY cannot take a bound parameter, so the column must come from the
// fixed list; a parameter key is still bound (?6).
Result<std::string> OrderByExpression(const std::string& sort_by) {
  if (sort_by.starts_with(kParamSortPrefix)) {
    return std::string("(SELECT p.value FROM params p WHERE p.run_id = s.run_id AND p.key = ?6)");
  }
  if (std::find(kSortable.begin(), kSortable.end(), sort_by) != kSortable.end()) {
    return "s." + sort_by;
  }
  std::string valid;
  for (std::string_view c : kSortable) valid += std::string(valid.empty() ? "" : ", ") + std::string(c);
  return Status::InvalidArgument("cannot sort runs by '" + sort_by + "'; use one of " + valid +
                                 ", or param:KEY");
}

Result<std::vector<EpochMetrics>> ReadEpochs(Db& db, const std::string& run_id) {
  Result<Statement> stmt = db.Prepare(
      "SELECT epoch, train_loss, train_accuracy, test_loss, test_accuracy, seconds, "
      "gap_accuracy, gap_loss FROM epoch_metrics WHERE run_id = ?1 ORDER BY epoch");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, run_id);
  std::vector<EpochMetrics> out;
  for (;;) {
    Result<bool> row = stmt->Step("reading epochs of run " + run_id);
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back({stmt->Int(0), stmt->OptReal(1), stmt->OptReal(2), stmt->OptReal(3),
                   stmt->OptReal(4), stmt->OptReal(5), stmt->OptReal(6), stmt->OptReal(7)});
  }
}

// Runs `sql` with ?1 = run_id and hands each row to `take`.
template <typename Take>
Status ForEachRow(Db& db, std::string_view sql, const std::string& run_id, Take take) {
  Result<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, run_id);
  for (;;) {
    Result<bool> row = stmt->Step("reading run " + run_id);
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
    take(*stmt);
  }
}

Result<RunSummary> ReadSummary(Db& db, const std::string& run_id) {
  Result<Statement> stmt = db.Prepare("SELECT " + std::string(kSummaryColumns) +
                                      " FROM run_summary WHERE run_id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, run_id);
  Result<bool> row = stmt->Step("reading run " + run_id);
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(db.path() + ": no run " + run_id);
  return ReadRunSummary(*stmt);
}

Status ReadDetails(Db& db, const std::string& run_id, RunDetails& d) {
  Result<Statement> run = db.Prepare("SELECT " + std::string(kRunColumns) +
                                     " FROM runs WHERE run_id = ?1");
  if (!run.ok()) return run.status();
  run->Bind(1, run_id);
  Result<bool> found = run->Step("reading run " + run_id);
  if (!found.ok()) return found.status();
  if (!*found) return Status::NotFound(db.path() + ": no run " + run_id);
  d.run = ReadRunRecord(*run);

  Result<RunSummary> summary = ReadSummary(db, run_id);
  if (!summary.ok()) return summary.status();
  d.summary = std::move(summary).value();
  Result<std::vector<EpochMetrics>> epochs = ReadEpochs(db, run_id);
  if (!epochs.ok()) return epochs.status();
  d.epochs = std::move(epochs).value();

  Status ok = ForEachRow(db,
      "SELECT stage, path, sha256, bytes FROM inputs WHERE run_id = ?1 ORDER BY stage, path",
      run_id, [&](const Statement& r) {
        d.inputs.push_back({r.Text(0), r.Text(1), r.OptText(2), r.OptInt(3)});
      });
  if (!ok.ok()) return ok;
  ok = ForEachRow(db, "SELECT key, value, type FROM params WHERE run_id = ?1 ORDER BY key",
      run_id, [&](const Statement& r) { d.params.push_back({r.Text(0), ReadParamValue(r, 1, 2)}); });
  if (!ok.ok()) return ok;
  ok = ForEachRow(db,
      "SELECT epoch, path, sha256, weights_sha256, bytes, created_at, pruned, pruned_at "
      "FROM checkpoints WHERE run_id = ?1 ORDER BY epoch",
      run_id, [&](const Statement& r) {
        d.checkpoints.push_back({r.Int(0), r.Text(1), r.OptText(2), r.OptText(3), r.OptInt(4),
                                 r.Text(5), r.Int(6) != 0, r.OptText(7)});
      });
  if (!ok.ok()) return ok;
  ok = ForEachRow(db, "SELECT key, value FROM tags WHERE run_id = ?1 ORDER BY key", run_id,
      [&](const Statement& r) { d.tags[r.Text(0)] = r.Text(1); });
  if (!ok.ok()) return ok;
  // The latest point of each metric: highest epoch, then step, then the
  // most recently written.
  return ForEachRow(db,
      "SELECT stage, name, epoch, step, value FROM metrics m WHERE run_id = ?1 AND metric_id = "
      "(SELECT m2.metric_id FROM metrics m2 WHERE m2.run_id = m.run_id AND m2.name = m.name "
      "AND m2.stage = m.stage ORDER BY m2.epoch DESC, m2.step DESC, m2.metric_id DESC LIMIT 1) "
      "ORDER BY stage, name",
      run_id, [&](const Statement& r) {
        d.latest_metrics.push_back({r.Text(0), r.Text(1), r.OptInt(2), r.OptInt(3), r.OptReal(4)});
      });
}

}  // namespace

std::span<const std::string_view> RunStore::SortableColumns() { return kSortable; }

Result<std::string> RunStore::ResolveRunId(std::string_view typed) {
  std::lock_guard lock(mu_);
  Result<Statement> stmt = db_.Prepare("SELECT run_id FROM runs");
  if (!stmt.ok()) return stmt.status();
  std::vector<std::string> ids;
  for (;;) {
    Result<bool> row = stmt->Step("listing run ids");
    if (!row.ok()) return row.status();
    if (!*row) break;
    ids.push_back(stmt->Text(0));
  }
  Result<std::string> id = MatchRunId(typed, ids);
  if (!id.ok()) return id.status().WithContext(path_);
  return id;
}

Result<std::vector<RunSummary>> RunStore::ListRuns(const RunFilter& filter) {
  if (filter.tag_value && !filter.tag_key) {
    return Status::InvalidArgument("a tag value filter needs a tag key");
  }
  Result<std::string> order = OrderByExpression(filter.sort_by);
  if (!order.ok()) return order.status();
  const char* direction = filter.descending ? " DESC" : " ASC";
  std::string sql =
      "SELECT " + std::string(kSummaryColumns) + " FROM run_summary s "
      "WHERE (?1 IS NULL OR s.experiment = ?1) AND (?2 IS NULL OR s.status = ?2) "
      "AND (?3 IS NULL OR EXISTS (SELECT 1 FROM tags t WHERE t.run_id = s.run_id "
      "AND t.key = ?3 AND (?4 IS NULL OR t.value = ?4))) "
      "AND (?7 IS NULL OR EXISTS (SELECT 1 FROM sweep_points p WHERE p.run_id = s.run_id "
      "AND p.sweep_id = ?7)) "
      "ORDER BY " + *order + direction + " NULLS LAST, s.run_id" + direction + " LIMIT ?5";

  std::lock_guard lock(mu_);
  Result<Statement> stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  std::optional<std::string> status;
  if (filter.status) status = std::string(RunStatusName(*filter.status));
  stmt->Bind(1, filter.experiment).Bind(2, status).Bind(3, filter.tag_key).Bind(4, filter.tag_value);
  stmt->Bind(5, filter.limit > 0 ? filter.limit : int64_t{-1}).Bind(7, filter.sweep_id);
  if (filter.sort_by.starts_with(kParamSortPrefix)) {
    stmt->Bind(6, filter.sort_by.substr(kParamSortPrefix.size()));
  }
  std::vector<RunSummary> out;
  for (;;) {
    Result<bool> row = stmt->Step("listing runs");
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(ReadRunSummary(*stmt));
  }
}

Result<RunSummary> RunStore::GetSummary(const std::string& run_id) {
  std::lock_guard lock(mu_);
  return ReadSummary(db_, run_id);
}

Result<RunDetails> RunStore::GetRun(const std::string& run_id) {
  std::lock_guard lock(mu_);
  Result<Transaction> snapshot = Transaction::BeginRead(db_, "reading run " + run_id);
  if (!snapshot.ok()) return snapshot.status();
  RunDetails details;
  if (Status ok = ReadDetails(db_, run_id, details); !ok.ok()) return ok;
  return details;
}

Result<std::vector<EpochMetrics>> RunStore::ListEpochs(const std::string& run_id) {
  std::lock_guard lock(mu_);
  Result<Transaction> snapshot = Transaction::BeginRead(db_, "reading run " + run_id);
  if (!snapshot.ok()) return snapshot.status();
  if (Status ok = RequireRun(db_, run_id); !ok.ok()) return ok;
  return ReadEpochs(db_, run_id);
}

Result<std::vector<MetricPoint>> RunStore::ListMetrics(const std::string& run_id,
                                                       std::optional<std::string> name) {
  std::lock_guard lock(mu_);
  Result<Transaction> snapshot = Transaction::BeginRead(db_, "reading run " + run_id);
  if (!snapshot.ok()) return snapshot.status();
  if (Status ok = RequireRun(db_, run_id); !ok.ok()) return ok;
  Result<Statement> stmt = db_.Prepare(
      "SELECT stage, name, epoch, step, value FROM metrics WHERE run_id = ?1 "
      "AND (?2 IS NULL OR name = ?2) ORDER BY stage, name, epoch, step, metric_id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, run_id).Bind(2, name);
  std::vector<MetricPoint> out;
  for (;;) {
    Result<bool> row = stmt->Step("reading metrics of run " + run_id);
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back({stmt->Text(0), stmt->Text(1), stmt->OptInt(2), stmt->OptInt(3),
                   stmt->OptReal(4)});
  }
}

}  // namespace runexp::store
