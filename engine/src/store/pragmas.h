// Per-connection settings of a results.db connection: foreign keys on, WAL
// journal, synchronous=NORMAL. Applied by RunStore::Open after the checks
// that the file is ours, because switching to WAL writes to the file.
//
// Thread-safety: as Db (one thread at a time).
#pragma once

#include <chrono>

#include "runexp/status.h"
#include "store/sqlite_db.h"

namespace runexp::store {

// read_only: only foreign_keys (the journal mode is the writer's business).
// busy_timeout bounds the retries of the WAL switch, see pragmas.cc.
Status ApplyConnectionPragmas(Db& db, bool read_only, std::chrono::milliseconds busy_timeout);

}  // namespace runexp::store
