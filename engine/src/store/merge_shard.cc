// RunStore::MergeShard: another results database's finished runs, folded in.
#include <filesystem>
#include <string>

#include "store/migrations.h"
#include "store/run_store.h"
#include "store/schema.h"

namespace runexp::store {

namespace {

namespace fs = std::filesystem;

// The row copies, in foreign-key order. ?1 is the prefix that re-bases a
// shard-relative checkpoint path onto this database's folder. Generated
// columns (epoch_gap...) and metric ids are left to this database.
constexpr const char* kCopies[] = {
    "INSERT INTO main.runs SELECT * FROM shard.runs WHERE run_id IN (SELECT run_id FROM temp.merging)",
    "INSERT INTO main.inputs SELECT * FROM shard.inputs WHERE run_id IN (SELECT run_id FROM temp.merging)",
    "INSERT INTO main.params SELECT * FROM shard.params WHERE run_id IN (SELECT run_id FROM temp.merging)",
    "INSERT INTO main.epoch_metrics (run_id, epoch, train_loss, train_accuracy, test_loss, test_accuracy, seconds, "
    "recorded_at) SELECT run_id, epoch, train_loss, train_accuracy, test_loss, test_accuracy, seconds, recorded_at "
    "FROM shard.epoch_metrics WHERE run_id IN (SELECT run_id FROM temp.merging)",
    "INSERT INTO main.metrics (run_id, stage, name, epoch, step, value) SELECT run_id, stage, name, epoch, step, "
    "value FROM shard.metrics WHERE run_id IN (SELECT run_id FROM temp.merging) ORDER BY metric_id",
    "INSERT INTO main.checkpoints SELECT run_id, epoch, CASE WHEN path LIKE '/%' THEN path ELSE ?1 || path END, "
    "sha256, weights_sha256, bytes, created_at, pruned, pruned_at FROM shard.checkpoints "
    "WHERE run_id IN (SELECT run_id FROM temp.merging)",
    "INSERT INTO main.tags SELECT * FROM shard.tags WHERE run_id IN (SELECT run_id FROM temp.merging)",
    "INSERT OR IGNORE INTO main.tags SELECT * FROM temp.kept_tags",
    "UPDATE main.sweep_points SET run_id = k.run_id, reused = k.reused FROM temp.kept_links k "
    "WHERE sweep_points.sweep_id = k.sweep_id AND sweep_points.point = k.point",
    "UPDATE main.runs SET parent_run_id = k.parent_run_id FROM temp.kept_children k WHERE runs.run_id = k.run_id",
    "UPDATE main.sweep_points SET reused = 0, run_id = (SELECT p.run_id FROM shard.sweep_points p "
    "WHERE p.sweep_id = sweep_points.sweep_id AND p.point = sweep_points.point) "
    "WHERE EXISTS (SELECT 1 FROM shard.sweep_points p WHERE p.sweep_id = sweep_points.sweep_id "
    "AND p.point = sweep_points.point AND p.run_id IN (SELECT run_id FROM temp.merging))",
};

Result<int64_t> Count(Db& db, const std::string& sql, std::string_view doing) {
  Result<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step(doing);
  if (!row.ok()) return row.status();
  return *row ? stmt->Int(0) : 0;
}

// The shard must be a runexp database of exactly this schema: the copies
// rely on identical column lists.
Status CheckShardSchema(Db& db, const std::string& shard_path) {
  Result<int64_t> app = Count(db, "PRAGMA shard.application_id", "reading the shard's application_id");
  if (!app.ok()) return app.status();
  Result<int64_t> version = Count(db, "PRAGMA shard.user_version", "reading the shard's schema version");
  if (!version.ok()) return version.status();
  if (*app != kApplicationId || *version != CurrentSchemaVersion()) {
    return Status::InvalidArgument(shard_path + ": not a runexp results database of schema version " +
                                   std::to_string(CurrentSchemaVersion()) + " (application_id " +
                                   std::to_string(*app) + ", version " + std::to_string(*version) + ")");
  }
  return Status::OK();
}

// Checkpoint paths are relative to their database's folder.
std::string RebasePrefix(const std::string& main_path, const std::string& shard_path) {
  fs::path main_dir = fs::absolute(main_path).parent_path();
  fs::path shard_dir = fs::absolute(shard_path).parent_path();
  std::string prefix = shard_dir.lexically_relative(main_dir).generic_string();
  if (prefix.empty() || prefix == ".") return "";
  if (prefix.starts_with("..")) prefix = shard_dir.generic_string();  // not below: keep it absolute
  return prefix + "/";
}

}  // namespace

Result<MergeCounts> RunStore::MergeShard(const std::string& shard_path) {
  std::error_code error;
  if (!fs::is_regular_file(shard_path, error)) return Status::NotFound(shard_path + ": no such results database");
  if (fs::equivalent(shard_path, path_, error)) {
    return Status::InvalidArgument(shard_path + " is the database it would be merged into");
  }
  std::lock_guard lock(mu_);
  // ATTACH cannot run inside a transaction; DETACH on every path out.
  Result<Statement> attach = db_.Prepare("ATTACH DATABASE ?1 AS shard");
  if (!attach.ok()) return attach.status();
  attach->Bind(1, shard_path);
  if (Status ok = attach->Run("opening shard " + shard_path); !ok.ok()) return ok;
  struct Detach {
    Db& db;
    ~Detach() { (void)db.Exec("DETACH DATABASE shard", "closing the shard"); }
  } detach{db_};

  if (Status ok = CheckShardSchema(db_, shard_path); !ok.ok()) return ok;
  Result<Transaction> txn = Transaction::Begin(db_, "merging " + shard_path);
  if (!txn.ok()) return txn.status();
  const std::string doing = "merging " + shard_path;
  const char* setup[] = {
      "INSERT OR IGNORE INTO main.sweeps SELECT * FROM shard.sweeps",
      "INSERT OR IGNORE INTO main.sweep_points (sweep_id, point, assignments, config_sha256) "
      "SELECT sweep_id, point, assignments, config_sha256 FROM shard.sweep_points",
      "DROP TABLE IF EXISTS temp.merging",
      // Finished runs that are new here, or newer in the shard than here: resumed
      // more often, or as often and alive later. A copy here that is running
      // (resumed on this machine) or newer is left alone.
      "CREATE TEMP TABLE merging AS SELECT s.run_id FROM shard.runs s WHERE s.status <> 'running' "
      "AND NOT EXISTS (SELECT 1 FROM main.runs m WHERE m.run_id = s.run_id AND (m.status = 'running' "
      "OR m.resume_count > s.resume_count OR (m.resume_count = s.resume_count AND m.heartbeat_at >= s.heartbeat_at)))",
      // A newer run replaces its copy whole (its rows go with it, ON DELETE
      // CASCADE); what points at the copy from outside the shard is kept and
      // put back: other sweeps' links, verify children, tags added here.
      "DROP TABLE IF EXISTS temp.kept_links",
      "CREATE TEMP TABLE kept_links AS SELECT sweep_id, point, run_id, reused FROM main.sweep_points "
      "WHERE run_id IN (SELECT run_id FROM temp.merging)",
      "DROP TABLE IF EXISTS temp.kept_children",
      "CREATE TEMP TABLE kept_children AS SELECT run_id, parent_run_id FROM main.runs "
      "WHERE parent_run_id IN (SELECT run_id FROM temp.merging)",
      "DROP TABLE IF EXISTS temp.kept_tags",
      "CREATE TEMP TABLE kept_tags AS SELECT * FROM main.tags WHERE run_id IN (SELECT run_id FROM temp.merging)",
      "DELETE FROM main.runs WHERE run_id IN (SELECT run_id FROM temp.merging)",
  };
  for (const char* sql : setup) {
    if (Status ok = db_.Exec(sql, doing); !ok.ok()) return ok;
  }
  const std::string prefix = RebasePrefix(path_, shard_path);
  for (const char* sql : kCopies) {
    Result<Statement> copy = db_.Prepare(sql);
    if (!copy.ok()) return copy.status();
    if (std::string_view(sql).find("?1") != std::string_view::npos) copy->Bind(1, prefix);
    if (Status ok = copy->Run(doing); !ok.ok()) return ok;
  }
  MergeCounts counts;
  Result<int64_t> merged = Count(db_, "SELECT count(*) FROM temp.merging", doing);
  Result<int64_t> running = Count(db_, "SELECT count(*) FROM shard.runs WHERE status = 'running'", doing);
  Result<int64_t> total = Count(db_, "SELECT count(*) FROM shard.runs", doing);
  if (!merged.ok()) return merged.status();
  if (!running.ok()) return running.status();
  if (!total.ok()) return total.status();
  counts.merged = *merged;
  counts.running = *running;
  counts.unchanged = *total - *merged - *running;
  if (Status ok = db_.Exec("DROP TABLE temp.merging; DROP TABLE temp.kept_links; DROP TABLE temp.kept_children; "
                           "DROP TABLE temp.kept_tags", doing); !ok.ok()) {
    return ok;
  }
  if (Status ok = txn->Commit(); !ok.ok()) return ok;
  return counts;
}

}  // namespace runexp::store
