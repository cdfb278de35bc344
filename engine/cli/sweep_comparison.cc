#include "sweep_comparison.h"

#include <algorithm>
#include <map>

namespace runexp::cli {

namespace {

constexpr std::string_view kParamColumnPrefix = "param:";

// The columns after the varied keys' ones, in table order.
const std::vector<Column>& ResultColumns() {
  static const std::vector<Column> kColumns = {
      {"status", "status", Align::kLeft},
      {"reused", "reused", Align::kLeft, false, false},
      {"run_id", "run", Align::kLeft, false, true, 2},
      {"epochs", "epochs", Align::kRight, false, true, 4},
      {"final_train_accuracy", "train acc", Align::kRight, false, true, 1},
      {"final_test_accuracy", "test acc", Align::kRight},
      {"final_gap_accuracy", "gap", Align::kRight},
      {"final_train_loss", "train loss", Align::kRight, false, false},
      {"final_test_loss", "test loss", Align::kRight, false, true, 3},
      {"duration_seconds", "duration", Align::kRight, false, true, 5},
  };
  return kColumns;
}

// As `runexp runs` sorts: "best first" — most epochs and highest
// accuracies first, everything else lowest first.
bool ResultColumnSortsDescending(const std::string& column) {
  return column == "epochs" || column == "final_train_accuracy" || column == "final_test_accuracy";
}

Cell ValueCell(const std::optional<store::ParamValue>& value) {
  if (!value) return Cell{std::monostate{}, SweepValueText(value)};
  return std::visit([&](const auto& v) { return Cell{v, SweepValueText(value)}; }, *value);
}

Cell StatusCell(const SweepRow& row) {
  return Cell{row.status, row.reused ? row.status + " (reused)" : row.status};
}

std::vector<Cell> RowCells(const SweepRow& row) {
  std::vector<Cell> cells = {Cell::Int(row.point)};
  for (const std::optional<store::ParamValue>& value : row.values) cells.push_back(ValueCell(value));
  const std::optional<store::RunSummary>& run = row.run;
  auto figure = [&](std::optional<double> store::RunSummary::*field) {
    return run ? Cell::Real((*run).*field, 4) : Cell::Null();
  };
  cells.push_back(StatusCell(row));
  cells.push_back(row.run_id ? Cell::Bool(row.reused) : Cell::Null());
  cells.push_back(Cell::OptText(row.run_id));
  cells.push_back(run ? Cell::Int(run->epochs) : Cell::Null());
  cells.push_back(figure(&store::RunSummary::final_train_accuracy));
  cells.push_back(figure(&store::RunSummary::final_test_accuracy));
  cells.push_back(figure(&store::RunSummary::final_gap_accuracy));
  cells.push_back(figure(&store::RunSummary::final_train_loss));
  cells.push_back(figure(&store::RunSummary::final_test_loss));
  cells.push_back(run ? Cell::Duration(run->duration_seconds) : Cell::Null());
  return cells;
}

std::optional<double> AsNumber(const Cell::Value& value) {
  if (const int64_t* i = std::get_if<int64_t>(&value)) return static_cast<double>(*i);
  if (const double* d = std::get_if<double>(&value)) return *d;
  if (const bool* b = std::get_if<bool>(&value)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}

// Numbers by value, before text, which sorts by its bytes. -1, 0 or 1.
int CompareValues(const Cell::Value& a, const Cell::Value& b) {
  std::optional<double> x = AsNumber(a), y = AsNumber(b);
  if (x && y) return *x < *y ? -1 : (*y < *x ? 1 : 0);
  if (x || y) return x ? -1 : 1;
  const std::string* s = std::get_if<std::string>(&a);
  const std::string* t = std::get_if<std::string>(&b);
  if (s && t) return s->compare(*t) < 0 ? -1 : (*t < *s ? 1 : 0);
  return 0;
}

// Which column `sort` names, or an error listing the choices.
Result<size_t> SortColumnIndex(const Table& table, const SweepTable& sweep, const std::string& sort) {
  std::string wanted = sort;
  if (wanted.starts_with(kParamColumnPrefix)) wanted = wanted.substr(kParamColumnPrefix.size());
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c].key == wanted) return c;
  }
  std::string valid = "point";
  for (const std::string& key : sweep.keys) valid += ", " + key;
  for (const std::string& column : SweepComparisonColumns()) valid += ", " + column;
  return Status::InvalidArgument("cannot sort the points of sweep " + sweep.sweep.sweep_id + " by '" + sort +
                                 "'; use one of " + valid);
}

std::string PointWord(size_t n) { return std::to_string(n) + (n == 1 ? " point" : " points"); }

JsonValue ComparisonJson(const SweepTable& sweep, const Table& table) {
  const size_t first_key = 1, end_keys = 1 + sweep.keys.size();
  JsonValue points = JsonValue::EmptyArray();
  for (const std::vector<Cell>& cells : table.rows) {
    JsonValue point;
    point.Set(table.columns[0].key, CellToJson(cells[0]));
    JsonValue assignments = JsonValue::EmptyObject();
    for (size_t c = first_key; c < end_keys; ++c) assignments.Set(table.columns[c].key, CellToJson(cells[c]));
    point.Set("assignments", std::move(assignments));
    for (size_t c = end_keys; c < table.columns.size(); ++c) point.Set(table.columns[c].key, CellToJson(cells[c]));
    points.Append(std::move(point));
  }
  JsonValue keys = JsonValue::EmptyArray();
  for (const std::string& key : sweep.keys) keys.Append(key);
  std::optional<size_t> best = BestRow(sweep);
  JsonValue json;
  json.Set("sweep_id", sweep.sweep.sweep_id)
      .Set("experiment", sweep.sweep.experiment)
      .Set("mode", sweep.sweep.mode)
      .Set("created_at", sweep.sweep.created_at)
      .Set("keys", std::move(keys))
      .Set("points", std::move(points))
      .Set("best_point", best ? JsonValue(sweep.rows[*best].point) : JsonValue());
  return json;
}

}  // namespace

std::vector<std::string> SweepComparisonColumns() {
  std::vector<std::string> columns;
  for (const Column& column : ResultColumns()) columns.push_back(column.key);
  return columns;
}

Result<Table> SweepComparisonTable(const SweepTable& sweep, const SweepSort& sort) {
  Table table;
  table.columns.push_back({"point", "point", Align::kRight});
  for (const std::string& key : sweep.keys) table.columns.push_back({key, key, Align::kLeft, true});
  for (const Column& column : ResultColumns()) table.columns.push_back(column);
  for (const SweepRow& row : sweep.rows) table.rows.push_back(RowCells(row));

  Result<size_t> by = SortColumnIndex(table, sweep, sort.column);
  if (!by.ok()) return by.status();
  const bool descending = ResultColumnSortsDescending(table.columns[*by].key) != sort.reverse;
  // Stable, so equal values keep point order; missing values go last either way.
  std::stable_sort(table.rows.begin(), table.rows.end(),
                   [&](const std::vector<Cell>& a, const std::vector<Cell>& b) {
                     const Cell::Value &x = a[*by].value, &y = b[*by].value;
                     bool x_missing = std::holds_alternative<std::monostate>(x);
                     bool y_missing = std::holds_alternative<std::monostate>(y);
                     if (x_missing || y_missing) return !x_missing && y_missing;
                     int order = CompareValues(x, y);
                     return descending ? order > 0 : order < 0;
                   });
  return table;
}

std::string SweepHeadline(const SweepTable& sweep) {
  std::map<std::string, size_t> by_status;
  for (const SweepRow& row : sweep.rows) ++by_status[row.status];
  std::string counts;
  for (const char* status : {"completed", "running", "failed", "interrupted", kPendingStatus}) {
    auto found = by_status.find(status);
    if (found == by_status.end()) continue;
    counts += (counts.empty() ? ": " : ", ") + std::to_string(found->second) + " " + status;
  }
  size_t reused = std::count_if(sweep.rows.begin(), sweep.rows.end(), [](const SweepRow& r) { return r.reused; });
  if (reused > 0) counts += " (" + std::to_string(reused) + " reused from earlier runs)";
  const size_t keys = sweep.keys.size();
  return "sweep " + sweep.sweep.sweep_id + " of " + sweep.sweep.experiment + ", " + sweep.sweep.mode + " over " +
         std::to_string(keys) + (keys == 1 ? " key, " : " keys, ") + PointWord(sweep.rows.size()) + counts;
}

std::string BestPointLine(const SweepTable& sweep) {
  std::optional<size_t> best = BestRow(sweep);
  if (!best) return "best test accuracy: none yet (no completed point has a test accuracy)";
  const SweepRow& row = sweep.rows[*best];
  return "best test accuracy: point " + std::to_string(row.point) + " (" + DescribeAssignments(sweep, row) +
         "), run " + *row.run_id + ": " + FixedText(row.run->final_test_accuracy, 4) + ", gap " +
         FixedText(row.run->final_gap_accuracy, 4);
}

Result<std::string> RenderSweepComparison(const SweepTable& sweep, const SweepSort& sort, OutputFormat format,
                                          std::vector<std::string>* hidden_columns) {
  Result<Table> table = SweepComparisonTable(sweep, sort);
  if (!table.ok()) return table.status();
  switch (format) {
    case OutputFormat::kJson: return ComparisonJson(sweep, *table).Dump() + "\n";
    case OutputFormat::kCsv: return RenderCsv(*table);
    case OutputFormat::kTable: break;
  }
  std::string out = EscapeForTerminal(SweepHeadline(sweep)) + "\n";
  if (table->rows.empty()) out += "(the sweep has no points)\n";
  else out += RenderTable(*table, TerminalWidth(), hidden_columns);
  return out + EscapeForTerminal(BestPointLine(sweep)) + "\n";
}

}  // namespace runexp::cli
