#include "sweep_table.h"

#include <charconv>

#include "json_value.h"

namespace runexp::cli {

namespace {

Status NotRunexpJson(const store::SweepRecord& sweep, const std::string& what) {
  return Status::Corruption("sweep " + sweep.sweep_id + ": " + what + " is not the JSON runexp writes");
}

Result<std::vector<std::string>> ParseKeys(const store::SweepRecord& sweep) {
  std::optional<JsonValue> json = JsonValue::Parse(sweep.keys_json);
  const JsonValue::Array* array = json ? json->AsArray() : nullptr;
  if (array == nullptr) return NotRunexpJson(sweep, "sweeps.keys");
  std::vector<std::string> keys;
  for (const JsonValue& key : *array) {
    if (key.AsString() == nullptr) return NotRunexpJson(sweep, "sweeps.keys");
    keys.push_back(*key.AsString());
  }
  return keys;
}

std::optional<store::ParamValue> ToParamValue(const JsonValue& value) {
  if (value.is_null()) return std::nullopt;
  if (const std::string* text = value.AsString()) return *text;
  if (std::optional<int64_t> integer = value.AsInt()) return *integer;
  if (std::optional<double> number = value.AsNumber()) return *number;
  if (std::optional<bool> flag = value.AsBool()) return *flag;
  return value.Dump(0);  // an array or table: shown, compared and charted as text
}

Result<SweepRow> ReadRow(store::RunStore& db, const SweepTable& table, const store::SweepPoint& point) {
  SweepRow row;
  row.point = point.point;
  std::optional<JsonValue> assignments = JsonValue::Parse(point.assignments_json);
  if (!assignments || assignments->AsObject() == nullptr) {
    return NotRunexpJson(table.sweep, "the assignments of point " + std::to_string(point.point));
  }
  for (const std::string& key : table.keys) {
    const JsonValue* value = assignments->Get(key);
    row.values.push_back(value ? ToParamValue(*value) : std::nullopt);
  }
  row.status = kPendingStatus;
  if (!point.run_id) return row;
  Result<store::RunSummary> summary = db.GetSummary(*point.run_id);
  // Deleted since the points were read: its point is pending again.
  if (summary.status().code() == StatusCode::kNotFound) return row;
  if (!summary.ok()) return summary.status();
  row.run_id = point.run_id;
  row.reused = point.reused;
  row.status = std::string(store::RunStatusName(summary->status));
  row.run = std::move(summary).value();
  return row;
}

}  // namespace

Result<SweepTable> LoadSweepTable(store::RunStore& db, const std::string& sweep_id) {
  SweepTable table;
  Result<store::SweepRecord> sweep = db.GetSweep(sweep_id);
  if (!sweep.ok()) return sweep.status();
  table.sweep = std::move(sweep).value();
  Result<std::vector<std::string>> keys = ParseKeys(table.sweep);
  if (!keys.ok()) return keys.status();
  table.keys = std::move(keys).value();
  Result<std::vector<store::SweepPoint>> points = db.ListSweepPoints(sweep_id);
  if (!points.ok()) return points.status();
  for (const store::SweepPoint& point : *points) {
    Result<SweepRow> row = ReadRow(db, table, point);
    if (!row.ok()) return row.status();
    table.rows.push_back(std::move(row).value());
  }
  return table;
}

std::optional<size_t> BestRow(const SweepTable& table) {
  std::optional<size_t> best;
  for (size_t i = 0; i < table.rows.size(); ++i) {
    const SweepRow& row = table.rows[i];
    if (!row.run || row.run->status != store::RunStatus::kCompleted) continue;
    std::optional<double> accuracy = row.run->final_test_accuracy;
    if (!accuracy) continue;
    if (!best || *accuracy > *table.rows[*best].run->final_test_accuracy) best = i;
  }
  return best;
}

std::string SweepValueText(const std::optional<store::ParamValue>& value) {
  if (!value) return "(unset)";
  // Shortest exact text, but like %g rather than ParamValueToString's
  // shortest-of-either: a learning rate of 0.0003 reads as that, not 3e-04.
  if (const double* number = std::get_if<double>(&*value)) {
    char text[32];
    auto [end, error] = std::to_chars(text, text + sizeof text, *number, std::chars_format::general);
    if (error == std::errc()) return std::string(text, end);
  }
  return store::ParamValueToString(*value);
}

std::string DescribeAssignments(const SweepTable& table, const SweepRow& row) {
  std::string text;
  for (size_t k = 0; k < table.keys.size(); ++k) {
    if (!text.empty()) text += ", ";
    text += table.keys[k] + "=" + SweepValueText(row.values[k]);
  }
  return text;
}

}  // namespace runexp::cli
