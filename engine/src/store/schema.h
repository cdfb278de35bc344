// Bringing an open database to the current schema, or refusing it.
//
// CheckSchema only reads: it refuses a database written by a newer runexp
// (kNotSupported, "upgrade runexp") and an SQLite file that belongs to some
// other program (kInvalidArgument), before anything is written to it.
// Migrate applies every missing step in ONE write transaction, so a failed
// upgrade leaves the file exactly at its old version, and two processes that
// open a new file at once cannot both create the tables.
//
// Thread-safety: as Db (one thread at a time).
#pragma once

#include <span>

#include "runexp/status.h"
#include "store/migrations.h"
#include "store/sqlite_db.h"

namespace runexp::store {

Result<int> ReadSchemaVersion(Db& db);

// OK when db is empty, or a runexp database at a version <= newest.
Status CheckSchema(Db& db, int newest);

// Applies steps[i] for every step whose version is above the database's.
// steps must be numbered 1, 2, 3... (tests pass their own lists).
Status Migrate(Db& db, std::span<const Migration> steps);

}  // namespace runexp::store
