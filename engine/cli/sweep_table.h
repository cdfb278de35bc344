// A sweep as `runexp compare --sweep` and `runexp report --sweep` show it:
// its record, the varied keys in order, and one row per point with the
// point's value of each key, the status of the run answering it (`pending`
// while none does) and that run's final figures.
//
// sweeps.keys and sweep_points.assignments are JSON in results.db; they are
// read with the CLI's strict JSON parser (json_value.h), which keeps each
// value's type, so an integer stays an integer and 0.001 a number.
//
// Thread-safety: LoadSweepTable works on a RunStore, which serialises its
// own calls; the rest are pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runexp/status.h"
#include "store/records.h"
#include "store/run_store.h"

namespace runexp::cli {

inline constexpr const char* kPendingStatus = "pending";

struct SweepRow {
  int64_t point = 0;
  // values[k] is the point's value of keys[k]; nullopt when it sets none.
  // A JSON array or object is kept as its JSON text.
  std::vector<std::optional<store::ParamValue>> values;
  std::string status;  // kPendingStatus, or the linked run's status
  std::optional<std::string> run_id;
  bool reused = false;  // an earlier run with the same configuration
  std::optional<store::RunSummary> run;  // the linked run's summary
};

struct SweepTable {
  store::SweepRecord sweep;
  std::vector<std::string> keys;
  std::vector<SweepRow> rows;  // in point order
};

// kCorruption when sweeps.keys or an assignments value is not the JSON
// runexp writes; kNotFound for an unknown sweep id (resolve prefixes first).
Result<SweepTable> LoadSweepTable(store::RunStore& db, const std::string& sweep_id);

// The completed point with the highest final test accuracy, the first one
// on a tie; nullopt when no completed point has one. A running or failed
// run's last epoch is not its result, so those never count.
std::optional<size_t> BestRow(const SweepTable& table);

// "model.layers[0].units=64, model.optimizer.learning_rate=0.001".
std::string DescribeAssignments(const SweepTable& table, const SweepRow& row);

// The value as shown to people ("0.0003", "1e-05", "64", "adam", "true");
// "(unset)" when missing.
std::string SweepValueText(const std::optional<store::ParamValue>& value);

}  // namespace runexp::cli
