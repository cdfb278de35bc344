// RunStore: the SQLite database behind results.db, one row per run plus its
// inputs, parameters, per-epoch numbers, metrics, checkpoints and tags.
// docs/results-db.md documents the schema users query with SQL; this class
// is how runexp writes it (`runexp run`) and reads it (`runexp runs`, `show`,
// `compare`, `tag`, `rm`).
//
// Life of a run: BeginRun writes a `running` row before any work starts;
// RecordInputs/RecordParams follow; RecordEpoch lands each finished epoch
// (epoch row + its metrics in one transaction); Heartbeat proves the process
// is alive; FinishRun closes the row. A process that dies without FinishRun
// is marked `interrupted` by the next Open (see reaper.h).
//
// Thread-safety: every method may be called from any thread; calls are
// serialised by an internal mutex (the engine records epochs from a oneTBB
// worker while its main thread sends heartbeats). Several processes may use
// one file at once: WAL mode, a busy timeout, and BEGIN IMMEDIATE for every
// write transaction. A RunStore must not be used across fork(); a child
// process opens its own.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runexp/status.h"
#include "store/process_info.h"
#include "store/records.h"
#include "store/sqlite_db.h"

namespace runexp::store {

struct OpenOptions {
  // Open without writing anything: no migrations, no reaping. For reading
  // results.db where it cannot or should not be modified.
  bool read_only = false;
  // How long a write waits for another process's write to finish.
  std::chrono::milliseconds busy_timeout{10'000};
  // PRAGMA quick_check at open: reads the whole file, so a damaged database
  // is reported before work starts rather than when epoch 40 is written.
  bool verify_integrity = true;
  // Mark runs whose process is gone as `interrupted` at open.
  bool reap_dead_runs = true;
  // A `running` run on another host with no heartbeat for this long is dead.
  std::chrono::seconds stale_heartbeat{600};
};

struct RunFilter {
  std::optional<std::string> experiment;
  std::optional<RunStatus> status;
  std::optional<std::string> tag_key;    // runs carrying this tag...
  std::optional<std::string> tag_value;  // ...with this value (needs tag_key)
  std::optional<std::string> sweep_id;   // runs linked to a point of this sweep
  // A run_summary column from SortableColumns(), or "param:KEY" to sort by a
  // parameter's value. Missing values sort last either way.
  std::string sort_by = "started_at";
  bool descending = true;
  int64_t limit = 0;  // 0: all
};

// What MergeShard did with the shard's runs.
struct MergeCounts {
  int64_t merged = 0;     // new or changed since the last merge: copied with all their rows
  int64_t unchanged = 0;  // already here exactly as in the shard
  int64_t running = 0;    // not finished yet: left for a later merge
};

class RunStore {
 public:
  // Opens (creating if absent; the directory must exist) and migrates path.
  // Errors: kCorruption for a non-SQLite or damaged file (never modified),
  // kNotSupported for a newer schema, kInvalidArgument for another
  // program's database, kIOError for read-only or locked files.
  static Result<std::unique_ptr<RunStore>> Open(const std::string& path,
                                                const OpenOptions& options = {});
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  const std::string& path() const { return path_; }

  // Takes and releases the write lock: fails now, with kIOError naming the
  // file, if the database is read-only or held locked by another process,
  // rather than after a training run when results are written.
  Status CheckWritable();

  // What Open does unless told not to; returns the ids it marked interrupted.
  Result<std::vector<std::string>> ReapDeadRuns();

  // ---- writing ------------------------------------------------------------
  // Writes a `running` row and returns the run id (generated unless
  // record.run_id is set). Fills started_at, heartbeat_at, host, pid,
  // pid_start_ticks, boot_id and config_sha256 when left empty.
  Result<std::string> BeginRun(RunRecord record);
  Status RecordInputs(const std::string& run_id, std::span<const InputRecord> inputs);
  Status RecordParams(const std::string& run_id, std::span<const Param> params);
  // The epoch row, `extra` metric rows (epoch defaults to this epoch) and a
  // heartbeat, in one transaction. An epoch is recorded once per run.
  Status RecordEpoch(const std::string& run_id, const EpochMetrics& epoch,
                     std::span<const MetricPoint> extra = {});
  Status RecordMetrics(const std::string& run_id, std::span<const MetricPoint> points);
  Status RecordMetric(const std::string& run_id, const MetricPoint& point) {
    return RecordMetrics(run_id, std::span<const MetricPoint>(&point, 1));
  }
  Status RecordCheckpoint(const std::string& run_id, const CheckpointRecord& checkpoint);
  // The file was deleted by retention; the row stays as history.
  Status MarkCheckpointPruned(const std::string& run_id, int64_t epoch);
  Status Heartbeat(const std::string& run_id);
  // `runexp resume`: an interrupted or failed run becomes `running` again,
  // owned by this process, with resume_count + 1. Rows of epochs from
  // `from_epoch` on (all epochs when 0) and checkpoints after it are deleted
  // in the same transaction: the resumed run records them again.
  // InvalidArgument for a run that is running or completed.
  Status ResumeRun(const std::string& run_id, int64_t from_epoch);
  // final_status is completed, failed or interrupted. Also accepted when the
  // reaper wrongly marked this very process's run interrupted.
  Status FinishRun(const std::string& run_id, RunStatus final_status,
                   std::optional<std::string> error = std::nullopt);
  Status Tag(const std::string& run_id, const std::string& key, const std::string& value);
  Status Untag(const std::string& run_id, const std::string& key);
  // Deletes the run and (cascade) all its rows; files on disk are the
  // caller's. A `running` run is refused unless even_if_running.
  Status DeleteRun(const std::string& run_id, bool even_if_running = false);

  // ---- sweeps (sweep_store.cc) ----------------------------------------------
  // Writes the sweep and its points (no runs yet) in one transaction and
  // returns its id. InvalidArgument when a sweep with the same spec_sha256 is
  // on record (FindSweepBySpec first to continue it instead).
  Result<std::string> CreateSweep(SweepRecord sweep, std::span<const SweepPoint> points);
  Result<std::optional<SweepRecord>> FindSweepBySpec(const std::string& spec_sha256);
  Result<SweepRecord> GetSweep(const std::string& sweep_id);
  Result<std::vector<SweepRecord>> ListSweeps();
  // Exact id or unambiguous prefix, as for runs.
  Result<std::string> ResolveSweepId(std::string_view typed);
  // In point order, with each linked run's status.
  Result<std::vector<SweepPoint>> ListSweepPoints(const std::string& sweep_id);
  // Links a point to an existing run (dedup: reused = true).
  Status LinkSweepPoint(const std::string& sweep_id, int64_t point, const std::string& run_id, bool reused);
  // The newest completed run whose effective configuration hashes to
  // config_sha256, if any.
  Result<std::optional<std::string>> FindCompletedRun(const std::string& config_sha256);

  // ---- merging (merge_shard.cc) -------------------------------------------
  // Folds the finished runs of another results database — a shard a Slurm
  // task wrote — into this one, in one transaction: runs with their inputs,
  // params, epochs, metrics, checkpoints (paths re-based onto this database's
  // folder) and tags, run ids kept; the shard's sweep and points are added if
  // missing and points are linked to their runs. Idempotent: a run already
  // here is replaced only by a newer copy (resumed more often, or alive
  // later), keeping what refers to it from here (other sweeps' links, verify
  // children, tags); a copy here that is running or newer is left alone.
  // Runs still `running` in the shard are not merged.
  Result<MergeCounts> MergeShard(const std::string& shard_path);

  // ---- reading ------------------------------------------------------------
  // Exact id, unambiguous prefix, or prefix of the random part; see run_id.h.
  Result<std::string> ResolveRunId(std::string_view typed);
  Result<std::vector<RunSummary>> ListRuns(const RunFilter& filter = {});
  Result<RunSummary> GetSummary(const std::string& run_id);
  Result<RunDetails> GetRun(const std::string& run_id);
  Result<std::vector<EpochMetrics>> ListEpochs(const std::string& run_id);
  Result<std::vector<MetricPoint>> ListMetrics(const std::string& run_id,
                                               std::optional<std::string> name = std::nullopt);
  // The recorded environment (runs.environment, JSON) as leaf paths and
  // values: ("cpu_model", "..."), ("cpu_flags[3]", "avx2"), ("variables.OMP_NUM_THREADS", "1").
  Result<std::vector<std::pair<std::string, std::string>>> EnvironmentEntries(const std::string& run_id);
  // Keys whose value differs among run_ids, or that some of them lack; sorted by key.
  Result<std::vector<ParamDifference>> DifferingParams(std::span<const std::string> run_ids);

  // The columns RunFilter::sort_by accepts besides "param:KEY".
  static std::span<const std::string_view> SortableColumns();

 private:
  RunStore(Db db, ProcessIdentity self, OpenOptions options);

  std::mutex mu_;
  Db db_;
  std::string path_;
  ProcessIdentity self_;
  OpenOptions options_;
};

}  // namespace runexp::store
