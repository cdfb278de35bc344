// RunStore: what a run records as it goes — inputs, parameters, epochs,
// metrics, checkpoints and tags. Each call is one write transaction.
#include <cstring>
#include <string>

#include "runexp/fault_point.h"
#include "store/run_rows.h"
#include "store/run_store.h"
#include "store/timestamps.h"

namespace runexp::store {

namespace {

Status InsertMetrics(Db& db, const std::string& run_id, std::span<const MetricPoint> points,
                     std::optional<int64_t> default_epoch) {
  if (points.empty()) return Status::OK();
  Result<Statement> insert = db.Prepare(
      "INSERT INTO metrics (run_id, stage, name, epoch, step, value) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert.ok()) return insert.status();
  for (const MetricPoint& p : points) {
    if (p.name.empty()) return Status::InvalidArgument("run " + run_id + ": metric without a name");
    insert->Reset();
    insert->Bind(1, run_id).Bind(2, p.stage).Bind(3, p.name);
    insert->Bind(4, p.epoch ? p.epoch : default_epoch).Bind(5, p.step).Bind(6, p.value);
    if (Status ok = insert->Run("recording metric " + p.name + " of run " + run_id); !ok.ok()) {
      return ok;
    }
  }
  return Status::OK();
}

Result<bool> RowExists(Db& db, std::string_view sql, const std::string& run_id, int64_t epoch) {
  Result<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, run_id).Bind(2, epoch);
  return stmt->Step("looking up epoch " + std::to_string(epoch) + " of run " + run_id);
}

}  // namespace

Status RunStore::RecordInputs(const std::string& run_id, std::span<const InputRecord> inputs) {
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "recording inputs");
  if (!txn.ok()) return txn.status();
  if (Status ok = RequireRun(db_, run_id); !ok.ok()) return ok;
  Result<Statement> upsert = db_.Prepare(
      "INSERT INTO inputs (run_id, stage, path, sha256, bytes) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT (run_id, stage, path) DO UPDATE SET sha256 = excluded.sha256, "
      "bytes = excluded.bytes");
  if (!upsert.ok()) return upsert.status();
  for (const InputRecord& in : inputs) {
    upsert->Reset();
    upsert->Bind(1, run_id).Bind(2, in.stage).Bind(3, in.path).Bind(4, in.sha256).Bind(5, in.bytes);
    if (Status ok = upsert->Run("recording input " + in.path); !ok.ok()) return ok;
  }
  return txn->Commit();
}

Status RunStore::RecordParams(const std::string& run_id, std::span<const Param> params) {
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "recording parameters");
  if (!txn.ok()) return txn.status();
  if (Status ok = RequireRun(db_, run_id); !ok.ok()) return ok;
  Result<Statement> upsert = db_.Prepare(
      "INSERT INTO params (run_id, key, value, type) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, type = excluded.type");
  if (!upsert.ok()) return upsert.status();
  for (const Param& p : params) {
    if (p.key.empty()) return Status::InvalidArgument("run " + run_id + ": parameter without a key");
    upsert->Reset();
    upsert->Bind(1, run_id).Bind(2, p.key).Bind(4, ParamTypeName(p.value));
    BindParamValue(*upsert, 3, p.value);
    if (Status ok = upsert->Run("recording parameter " + p.key); !ok.ok()) return ok;
  }
  return txn->Commit();
}

Status RunStore::RecordEpoch(const std::string& run_id, const EpochMetrics& e,
                             std::span<const MetricPoint> extra) {
  if (e.epoch < 0) {
    return Status::InvalidArgument("run " + run_id + ": negative epoch " + std::to_string(e.epoch));
  }
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "recording an epoch");
  if (!txn.ok()) return txn.status();
  if (Status ok = RequireRun(db_, run_id); !ok.ok()) return ok;
  Result<bool> exists = RowExists(
      db_, "SELECT 1 FROM epoch_metrics WHERE run_id = ?1 AND epoch = ?2", run_id, e.epoch);
  if (!exists.ok()) return exists.status();
  if (*exists) {
    return Status::InvalidArgument(path_ + ": run " + run_id + ": epoch " +
                                   std::to_string(e.epoch) + " is already recorded");
  }
  // gap_accuracy and gap_loss are generated columns: the database derives
  // them from these four numbers, so they can never disagree.
  Result<Statement> insert = db_.Prepare(
      "INSERT INTO epoch_metrics (run_id, epoch, train_loss, train_accuracy, test_loss, "
      "test_accuracy, seconds, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert.ok()) return insert.status();
  std::string now = NowTimestamp();
  insert->Bind(1, run_id).Bind(2, e.epoch).Bind(3, e.train_loss).Bind(4, e.train_accuracy);
  insert->Bind(5, e.test_loss).Bind(6, e.test_accuracy).Bind(7, e.seconds).Bind(8, now);
  std::string doing = "recording epoch " + std::to_string(e.epoch) + " of run " + run_id;
  if (Status ok = insert->Run(doing); !ok.ok()) return ok;
  if (Status ok = InsertMetrics(db_, run_id, extra, e.epoch); !ok.ok()) return ok;
  // A finished epoch is as good a sign of life as a heartbeat.
  Result<Statement> beat = db_.Prepare(
      "UPDATE runs SET heartbeat_at = ?1 WHERE run_id = ?2 AND status = 'running'");
  if (!beat.ok()) return beat.status();
  beat->Bind(1, now).Bind(2, run_id);
  if (Status ok = beat->Run(doing); !ok.ok()) return ok;
  // Inside the transaction, every row written, before the commit.
  if (int error = FaultPoint("db.record_epoch")) {
    return Status::IOError(path_ + ": " + doing + ": " + std::strerror(error));
  }
  return txn->Commit();
}

Status RunStore::RecordMetrics(const std::string& run_id, std::span<const MetricPoint> points) {
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "recording metrics");
  if (!txn.ok()) return txn.status();
  if (Status ok = RequireRun(db_, run_id); !ok.ok()) return ok;
  if (Status ok = InsertMetrics(db_, run_id, points, std::nullopt); !ok.ok()) return ok;
  return txn->Commit();
}

Status RunStore::RecordCheckpoint(const std::string& run_id, const CheckpointRecord& c) {
  if (c.path.empty()) return Status::InvalidArgument("run " + run_id + ": checkpoint without a path");
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "recording a checkpoint");
  if (!txn.ok()) return txn.status();
  if (Status ok = RequireRun(db_, run_id); !ok.ok()) return ok;
  Result<bool> exists = RowExists(
      db_, "SELECT 1 FROM checkpoints WHERE run_id = ?1 AND epoch = ?2", run_id, c.epoch);
  if (!exists.ok()) return exists.status();
  if (*exists) {
    return Status::InvalidArgument(path_ + ": run " + run_id + ": a checkpoint for epoch " +
                                   std::to_string(c.epoch) + " is already recorded");
  }
  Result<Statement> insert = db_.Prepare(
      "INSERT INTO checkpoints (run_id, epoch, path, sha256, weights_sha256, bytes, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, run_id).Bind(2, c.epoch).Bind(3, c.path).Bind(4, c.sha256);
  insert->Bind(5, c.weights_sha256).Bind(6, c.bytes).Bind(7, NowTimestamp());
  if (Status ok = insert->Run("recording checkpoint " + c.path); !ok.ok()) return ok;
  return txn->Commit();
}

Status RunStore::MarkCheckpointPruned(const std::string& run_id, int64_t epoch) {
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "marking a checkpoint pruned");
  if (!txn.ok()) return txn.status();
  Result<bool> exists = RowExists(
      db_, "SELECT 1 FROM checkpoints WHERE run_id = ?1 AND epoch = ?2", run_id, epoch);
  if (!exists.ok()) return exists.status();
  if (!*exists) {
    return Status::NotFound(path_ + ": run " + run_id + " has no checkpoint for epoch " +
                            std::to_string(epoch));
  }
  // Pruning twice is harmless: the first pruned_at is kept.
  Result<Statement> update = db_.Prepare(
      "UPDATE checkpoints SET pruned = 1, pruned_at = ?3 "
      "WHERE run_id = ?1 AND epoch = ?2 AND pruned = 0");
  if (!update.ok()) return update.status();
  update->Bind(1, run_id).Bind(2, epoch).Bind(3, NowTimestamp());
  if (Status ok = update->Run("marking a checkpoint of run " + run_id + " pruned"); !ok.ok()) {
    return ok;
  }
  return txn->Commit();
}

Status RunStore::Tag(const std::string& run_id, const std::string& key, const std::string& value) {
  if (key.empty()) return Status::InvalidArgument("tag key is empty");
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "tagging a run");
  if (!txn.ok()) return txn.status();
  if (Status ok = RequireRun(db_, run_id); !ok.ok()) return ok;
  Result<Statement> upsert = db_.Prepare(
      "INSERT INTO tags (run_id, key, value) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, run_id).Bind(2, key).Bind(3, value);
  if (Status ok = upsert->Run("tagging run " + run_id); !ok.ok()) return ok;
  return txn->Commit();
}

Status RunStore::Untag(const std::string& run_id, const std::string& key) {
  std::lock_guard lock(mu_);
  Result<Transaction> txn = Transaction::Begin(db_, "removing a tag");
  if (!txn.ok()) return txn.status();
  if (Status ok = RequireRun(db_, run_id); !ok.ok()) return ok;
  Result<Statement> del = db_.Prepare("DELETE FROM tags WHERE run_id = ?1 AND key = ?2");
  if (!del.ok()) return del.status();
  del->Bind(1, run_id).Bind(2, key);
  if (Status ok = del->Run("removing tag " + key + " from run " + run_id); !ok.ok()) return ok;
  if (db_.Changes() == 0) return Status::NotFound(path_ + ": run " + run_id + " has no tag " + key);
  return txn->Commit();
}

}  // namespace runexp::store
