// RunStore::EnvironmentEntries: the recorded environment JSON as flat
// (key, value) pairs, read with SQLite's own JSON functions.
#include "store/run_rows.h"
#include "store/run_store.h"

namespace runexp::store {

Result<std::vector<std::pair<std::string, std::string>>> RunStore::EnvironmentEntries(const std::string& run_id) {
  std::lock_guard lock(mu_);
  Result<Transaction> snapshot = Transaction::BeginRead(db_, "reading run " + run_id);
  if (!snapshot.ok()) return snapshot.status();
  if (Status ok = RequireRun(db_, run_id); !ok.ok()) return ok;
  // json_tree visits every leaf; `fullkey` is its path ("$.cpu_flags[3]").
  Result<Statement> stmt = db_.Prepare(
      "SELECT substr(t.fullkey, 3), CAST(t.atom AS TEXT) FROM runs r, json_tree(r.environment) t "
      "WHERE r.run_id = ?1 AND r.environment IS NOT NULL AND t.atom IS NOT NULL ORDER BY t.id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, run_id);
  std::vector<std::pair<std::string, std::string>> out;
  for (;;) {
    Result<bool> row = stmt->Step("reading the environment of run " + run_id);
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.emplace_back(stmt->Text(0), stmt->OptText(1).value_or(""));
  }
}

}  // namespace runexp::store
