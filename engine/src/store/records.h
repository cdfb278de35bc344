// The plain values that go into and come out of results.db: one struct per
// table (RunRecord, InputRecord, Param, EpochMetrics, MetricPoint,
// CheckpointRecord) plus the read-side aggregates RunSummary and RunDetails.
// docs/results-db.md describes every field's column.
//
// Thread-safety: plain values, no shared state; copy them freely.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "runexp/status.h"

namespace runexp::store {

enum class RunStatus { kRunning, kCompleted, kFailed, kInterrupted };

// "running", "completed", "failed", "interrupted": the strings in runs.status.
std::string_view RunStatusName(RunStatus status);
Result<RunStatus> ParseRunStatus(std::string_view text);

// One row of `runs`. Timestamps are ISO-8601 UTC with milliseconds
// ("2026-11-30T00:35:01.123Z"). Empty optionals are stored as NULL.
struct RunRecord {
  std::string run_id;  // empty: BeginRun generates one (see run_id.h)
  std::optional<std::string> name;
  std::string experiment;
  RunStatus status = RunStatus::kRunning;
  std::string started_at;    // empty: BeginRun uses now
  std::optional<std::string> finished_at;
  std::string heartbeat_at;  // empty: BeginRun uses started_at
  std::optional<int64_t> seed;
  std::string config_toml;
  std::string config_sha256;  // empty: BeginRun hashes config_toml
  std::optional<std::string> git_commit;
  std::optional<bool> git_dirty;
  std::optional<std::string> runexp_version;
  // Who is running it. Empty host / zero pid: BeginRun fills in the calling
  // process; the reaper uses these to tell a live run from a dead one.
  std::string host;
  int64_t pid = 0;
  std::optional<int64_t> pid_start_ticks;  // /proc/PID/stat field 22
  std::optional<std::string> boot_id;      // /proc/sys/kernel/random/boot_id
  std::optional<std::string> environment_json;  // must be valid JSON
  std::optional<std::string> command_line;
  std::optional<std::string> working_dir;
  std::optional<int64_t> threads;
  std::optional<std::string> error;
  std::optional<std::string> parent_run_id;  // the run this one re-executes (runexp verify)
  int64_t resume_count = 0;  // times `runexp resume` continued this run (ResumeRun)
  std::optional<std::string> reaped_at;  // set when the reaper marked it interrupted
  // The sweep that started this run, and which of its points it answers
  // (BeginRun links the point to the run in the same transaction).
  std::optional<std::string> sweep_id;
  std::optional<int64_t> sweep_point;  // write-only: sweep_points holds the link
};

// A file a stage read, with its hash: enough to prove which data a run saw.
struct InputRecord {
  std::string stage;
  std::string path;
  std::optional<std::string> sha256;
  std::optional<int64_t> bytes;
};

// One flattened config value: "model.optimizer.learning_rate",
// "model.layers[0].units". The value keeps its TOML type so SQL can compare
// numbers as numbers; TOML dates and times are passed as strings.
using ParamValue = std::variant<std::string, int64_t, double, bool>;
struct Param {
  std::string key;
  ParamValue value;
};
std::string_view ParamTypeName(const ParamValue& value);  // params.type
std::string ParamValueToString(const ParamValue& value);  // for display

// One epoch's headline numbers. The gaps are computed by the database
// (generated columns) and filled in only on the read side.
struct EpochMetrics {
  int64_t epoch = 0;
  std::optional<double> train_loss;
  std::optional<double> train_accuracy;
  std::optional<double> test_loss;
  std::optional<double> test_accuracy;
  std::optional<double> seconds;
  std::optional<double> gap_accuracy;  // read-only: train - test accuracy
  std::optional<double> gap_loss;      // read-only: test - train loss
};

// Any other number, in long format. A NaN value is stored as NULL.
struct MetricPoint {
  std::string stage;
  std::string name;
  std::optional<int64_t> epoch;
  std::optional<int64_t> step;
  std::optional<double> value;
};

struct CheckpointRecord {
  int64_t epoch = 0;
  std::string path;
  std::optional<std::string> sha256;          // of the checkpoint file
  std::optional<std::string> weights_sha256;  // of the weights alone
  std::optional<int64_t> bytes;
  std::string created_at;  // read-only: set by RecordCheckpoint
  bool pruned = false;     // read-only: see MarkCheckpointPruned
  std::optional<std::string> pruned_at;
};

// One row of the run_summary view: what `runexp runs` lists.
struct RunSummary {
  std::string run_id;
  std::optional<std::string> name;
  std::string experiment;
  RunStatus status = RunStatus::kRunning;
  std::string started_at;
  std::optional<std::string> finished_at;
  std::optional<double> duration_seconds;
  int64_t epochs = 0;  // epoch rows recorded
  std::optional<double> final_train_accuracy;
  std::optional<double> final_test_accuracy;
  std::optional<double> final_train_loss;
  std::optional<double> final_test_loss;
  std::optional<double> final_gap_accuracy;
  std::optional<double> best_test_accuracy;
  std::optional<int64_t> best_epoch;
  std::optional<double> learning_rate;
  std::optional<int64_t> batch_size;
  std::optional<int64_t> config_epochs;  // the configured number of epochs
  std::optional<std::string> error;
};

// Everything `runexp show` prints about one run.
struct RunDetails {
  RunRecord run;
  RunSummary summary;
  std::vector<InputRecord> inputs;
  std::vector<Param> params;  // sorted by key
  std::vector<EpochMetrics> epochs;
  std::vector<CheckpointRecord> checkpoints;
  std::map<std::string, std::string> tags;
  std::vector<MetricPoint> latest_metrics;  // last value of each (stage, name)
};

// One row of `sweeps`: what a sweep is. Its points are SweepPoint rows.
struct SweepRecord {
  std::string sweep_id;  // empty: CreateSweep generates one (same format as run ids)
  std::string experiment;
  std::string created_at;    // read-only: set by CreateSweep
  std::string spec_sha256;   // identifies the sweep: the same points give the same hash
  std::string mode;          // "grid", "list" or "random"
  std::string keys_json;     // the varied keys in order, a JSON array of strings
  std::string experiment_file;
  std::optional<std::string> command_line;
  std::string folder;        // absolute: point files and logs
};

// One point of a sweep and the run that answers it, if any.
struct SweepPoint {
  int64_t point = 0;
  std::string assignments_json;  // {"model.epochs": 3, ...}: the point's values, JSON
  std::string config_sha256;     // of the point's effective configuration
  std::optional<std::string> run_id;
  bool reused = false;  // run_id is an earlier run with the same configuration
  std::optional<RunStatus> run_status;  // read-only: the linked run's status
};

// A parameter that differs between the compared runs; values[i] belongs to
// the i-th run id passed in, nullopt where that run lacks the key.
struct ParamDifference {
  std::string key;
  std::vector<std::optional<ParamValue>> values;
};

}  // namespace runexp::store
