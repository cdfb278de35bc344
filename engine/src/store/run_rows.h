// Row <-> struct mapping shared by the run store's writers and readers: the
// column lists, reading a RunRecord / RunSummary / ParamValue from a result
// row, binding a ParamValue, and the "does this run exist" check.
//
// Thread-safety: stateless; the Db rules apply to the statements passed in.
#pragma once

#include <string>
#include <string_view>

#include "runexp/status.h"
#include "store/records.h"
#include "store/sqlite_db.h"

namespace runexp::store {

// Column lists in the order the Read* functions expect.
extern const std::string_view kRunColumns;
extern const std::string_view kSummaryColumns;

RunRecord ReadRunRecord(const Statement& row);
RunSummary ReadRunSummary(const Statement& row);
ParamValue ReadParamValue(const Statement& row, int value_column, int type_column);
void BindParamValue(Statement& stmt, int index, const ParamValue& value);

// NotFound("results.db: no run 20261130T003501-7f3a9c") unless it exists.
Status RequireRun(Db& db, const std::string& run_id);

// The status column of an existing run (for error messages).
Result<std::string> RunStatusText(Db& db, const std::string& run_id);

}  // namespace runexp::store
