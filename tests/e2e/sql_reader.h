// Reads results.db with plain SQL, as a user would with the sqlite3 shell:
// the end-to-end tests check what landed there without going through runexp.
#pragma once

#include <sqlite3.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace runexp::testing {

// Every row of `sql`, each column as text (NULL as "NULL"; doubles with 17
// significant digits, so equal text means equal bits).
inline std::vector<std::vector<std::string>> QueryRows(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + db_path);
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    std::string why = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(why + " in: " + sql);
  }
  std::vector<std::vector<std::string>> rows;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(statement); ++i) {
      switch (sqlite3_column_type(statement, i)) {
        case SQLITE_NULL: row.push_back("NULL"); break;
        case SQLITE_FLOAT: {
          char buffer[40];
          std::snprintf(buffer, sizeof(buffer), "%.17g", sqlite3_column_double(statement, i));
          row.push_back(buffer);
          break;
        }
        default: row.push_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, i)));
      }
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

inline std::string QueryValue(const std::string& db_path, const std::string& sql) {
  auto rows = QueryRows(db_path, sql);
  if (rows.empty() || rows[0].empty()) throw std::runtime_error("no value from: " + sql);
  return rows[0][0];
}

}  // namespace runexp::testing
