// The results.db schema as an ordered list of migrations. Migration N takes a
// database from schema version N-1 to N; version 0 is an empty file. The
// version lives in PRAGMA user_version, so it is part of each transaction.
//
// Policy (docs/results-db.md says the same to users, who write SQL against
// these names): append migrations, never edit a released one. Add tables and
// columns freely; never rename or drop a column or change its meaning. Views
// hold no data, so a migration may DROP and re-CREATE a view.
//
// Thread-safety: immutable data.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace runexp::store {

struct Migration {
  int version;                   // the schema version after this step
  std::string_view description;  // for error messages
  std::string_view sql;          // constant SQL, may hold several statements
};

// All migrations, in order; the last one's version is the current schema.
std::span<const Migration> Migrations();
int CurrentSchemaVersion();

// PRAGMA application_id of a runexp results database ("RXDB"), so `file`
// and runexp itself can tell it from other SQLite files.
constexpr int32_t kApplicationId = 0x52584442;

}  // namespace runexp::store
