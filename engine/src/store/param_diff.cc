// RunStore::DifferingParams: which configuration keys tell runs apart, for
// `runexp compare`. Done in C++ rather than SQL because the run list has any
// length and every value stays a bound parameter.
#include <algorithm>
#include <map>

#include "store/run_rows.h"
#include "store/run_store.h"

namespace runexp::store {

Result<std::vector<ParamDifference>> RunStore::DifferingParams(
    std::span<const std::string> run_ids) {
  std::lock_guard lock(mu_);
  Result<Transaction> snapshot = Transaction::BeginRead(db_, "comparing parameters");
  if (!snapshot.ok()) return snapshot.status();
  Result<Statement> stmt = db_.Prepare("SELECT key, value, type FROM params WHERE run_id = ?1");
  if (!stmt.ok()) return stmt.status();

  std::map<std::string, std::vector<std::optional<ParamValue>>> by_key;
  for (size_t i = 0; i < run_ids.size(); ++i) {
    if (Status ok = RequireRun(db_, run_ids[i]); !ok.ok()) return ok;
    stmt->Reset();
    stmt->Bind(1, run_ids[i]);
    for (;;) {
      Result<bool> row = stmt->Step("reading parameters of run " + run_ids[i]);
      if (!row.ok()) return row.status();
      if (!*row) break;
      auto& values = by_key[stmt->Text(0)];
      values.resize(run_ids.size());
      values[i] = ReadParamValue(*stmt, 1, 2);
    }
  }
  std::vector<ParamDifference> out;
  for (auto& [key, values] : by_key) {
    // A key missing from some runs differs too: nullopt != any value.
    bool differs = std::any_of(values.begin(), values.end(),
                               [&](const auto& v) { return v != values.front(); });
    if (differs) out.push_back({key, std::move(values)});
  }
  return out;
}

}  // namespace runexp::store
