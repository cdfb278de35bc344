// Checks made while opening results.db, before anything is written to it.
//
// The header check runs before SQLite sees the file at all: SQLite would
// happily treat an unrelated file as a database to be created or journalled,
// and a user who mistypes --db must never lose a file. quick_check catches a
// damaged database at open time rather than hours into a training run.
//
// Thread-safety: stateless functions; the Db rules apply to QuickCheck.
#pragma once

#include <string>

#include "runexp/status.h"
#include "store/sqlite_db.h"

namespace runexp::store {

// OK if path does not exist yet (its directory must), is empty, or starts
// with the 16-byte SQLite header "SQLite format 3\0". Otherwise
// kCorruption / kNotFound / kInvalidArgument naming the file; never writes.
Status CheckFileBeforeOpen(const std::string& path);

// True if path (which must exist) is on a file system mounted read-only.
bool IsOnReadOnlyFileSystem(const std::string& path);

// PRAGMA quick_check: O(size of the file), reads only.
Status QuickCheck(Db& db);

}  // namespace runexp::store
