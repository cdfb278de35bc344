#include "store/schema.h"

#include <cstdio>
#include <string>

namespace runexp::store {

namespace {

Result<int64_t> ReadPragmaInt(Db& db, const char* sql, std::string_view doing) {
  Result<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step(doing);
  if (!row.ok()) return row.status();
  if (!*row) return Status::Internal(db.path() + ": " + std::string(doing) + ": no result");
  return stmt->Int(0);
}

Result<bool> HasSchemaObjects(Db& db) {
  Result<int64_t> count = ReadPragmaInt(
      db, "SELECT COUNT(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
      "reading the schema");
  if (!count.ok()) return count.status();
  return *count > 0;
}

// Identity checks shared by CheckSchema (outside a transaction) and Migrate
// (inside it, because another process may have changed the file meanwhile).
Status CheckIdentity(Db& db, int version, int newest) {
  Result<int64_t> app = ReadPragmaInt(db, "PRAGMA application_id", "reading application_id");
  if (!app.ok()) return app.status();
  if (*app != 0 && *app != kApplicationId) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08llx", static_cast<unsigned long long>(*app & 0xffffffff));
    return Status::InvalidArgument(db.path() + ": an SQLite database of another program "
                                   "(application_id " + std::string(hex) +
                                   "), not a runexp results database; runexp will not touch it");
  }
  if (version > newest) {
    return Status::NotSupported(db.path() + ": results database has schema version " +
                                std::to_string(version) + ", newer than the " +
                                std::to_string(newest) +
                                " this runexp understands; upgrade runexp to use it");
  }
  if (version == 0) {
    Result<bool> has_objects = HasSchemaObjects(db);
    if (!has_objects.ok()) return has_objects.status();
    if (*has_objects) {
      return Status::InvalidArgument(db.path() + ": an SQLite database with tables but no runexp "
                                     "schema version, not a runexp results database; runexp "
                                     "will not touch it");
    }
  }
  return Status::OK();
}

}  // namespace

Result<int> ReadSchemaVersion(Db& db) {
  Result<int64_t> version = ReadPragmaInt(db, "PRAGMA user_version", "reading schema version");
  if (!version.ok()) return version.status();
  return static_cast<int>(*version);
}

Status CheckSchema(Db& db, int newest) {
  // One snapshot for all the reads: another process may create the tables
  // and stamp the version between two autocommit reads.
  Result<Transaction> snapshot = Transaction::BeginRead(db, "reading the schema");
  if (!snapshot.ok()) return snapshot.status();
  Result<int> version = ReadSchemaVersion(db);
  if (!version.ok()) return version.status();
  return CheckIdentity(db, *version, newest);
}

Status Migrate(Db& db, std::span<const Migration> steps) {
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].version != static_cast<int>(i + 1)) {
      return Status::Internal("migration list is not numbered 1, 2, 3...");
    }
  }
  const int newest = static_cast<int>(steps.size());
  Result<int> before = ReadSchemaVersion(db);
  if (!before.ok()) return before.status();
  if (*before == newest) return Status::OK();  // the common case takes no write lock

  Result<Transaction> txn = Transaction::Begin(db, "upgrading the schema");
  if (!txn.ok()) return txn.status();
  Result<int> version = ReadSchemaVersion(db);  // again, now under the write lock
  if (!version.ok()) return version.status();
  if (Status ok = CheckIdentity(db, *version, newest); !ok.ok()) return ok;
  if (*version == newest) return Status::OK();  // another process just did it

  for (const Migration& step : steps.subspan(static_cast<size_t>(*version))) {
    std::string doing = "applying schema migration " + std::to_string(step.version) + " (" +
                        std::string(step.description) + ")";
    if (Status ok = db.Exec(std::string(step.sql), doing); !ok.ok()) return ok;
  }
  // PRAGMA takes no bound parameters; both values are our own integers.
  std::string stamp = "PRAGMA user_version = " + std::to_string(newest) +
                      "; PRAGMA application_id = " + std::to_string(kApplicationId) + ";";
  if (Status ok = db.Exec(stamp, "recording the schema version"); !ok.ok()) return ok;
  return txn->Commit();
}

}  // namespace runexp::store
