// RunStore: opening the database, and the checks that must pass before work
// starts. Writes live in run_lifecycle.cc and run_records.cc, reads in
// run_queries.cc and param_diff.cc.
#include "store/run_store.h"

#include <filesystem>

#include "store/migrations.h"
#include "store/open_checks.h"
#include "store/pragmas.h"
#include "store/reaper.h"
#include "store/schema.h"

namespace runexp::store {

namespace {

Status RefuseOldSchemaReadOnly(Db& db) {
  Result<int> version = ReadSchemaVersion(db);
  if (!version.ok()) return version.status();
  if (*version < CurrentSchemaVersion()) {
    return Status::NotSupported(db.path() + ": schema version " + std::to_string(*version) +
                                " is older than " + std::to_string(CurrentSchemaVersion()) +
                                "; open it once for writing to upgrade it");
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<RunStore>> RunStore::Open(const std::string& path,
                                                 const OpenOptions& options) {
  if (path.empty()) return Status::InvalidArgument("results database path is empty");
  std::error_code ec;
  if (options.read_only && !std::filesystem::exists(path, ec)) {
    return Status::NotFound(path + ": no such results database");
  }
  if (Status ok = CheckFileBeforeOpen(path); !ok.ok()) return ok;

  int flags = options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  // On a read-only mount nobody can be writing through this mount, and
  // SQLite could not create the -shm file a WAL reader needs anyway.
  Result<Db> opened = options.read_only && IsOnReadOnlyFileSystem(path)
                          ? Db::OpenImmutable(path)
                          : Db::Open(path, flags);
  if (!opened.ok()) return opened.status();
  Db db = std::move(opened).value();
  sqlite3_busy_timeout(db.handle(), static_cast<int>(options.busy_timeout.count()));

  // SQLite silently falls back to read-only when it cannot open for writing;
  // say so now, not when the first epoch is written.
  if (!options.read_only && sqlite3_db_readonly(db.handle(), "main") == 1) {
    return Status::IOError(path + ": database is read-only (the file or its file system is "
                           "not writable); runexp must write results there");
  }
  // Read-only checks first: nothing may be written to a damaged file or to
  // another program's database, not even the WAL switch.
  if (options.verify_integrity) {
    if (Status ok = QuickCheck(db); !ok.ok()) return ok;
  }
  if (Status ok = CheckSchema(db, CurrentSchemaVersion()); !ok.ok()) return ok;
  if (Status ok = ApplyConnectionPragmas(db, options.read_only, options.busy_timeout); !ok.ok()) {
    return ok;
  }
  if (options.read_only) {
    if (Status ok = RefuseOldSchemaReadOnly(db); !ok.ok()) return ok;
  } else {
    if (Status ok = Migrate(db, Migrations()); !ok.ok()) return ok;
  }

  std::unique_ptr<RunStore> store(new RunStore(std::move(db), CurrentProcess(), options));
  if (!options.read_only && options.reap_dead_runs) {
    Result<std::vector<std::string>> reaped = store->ReapDeadRuns();
    if (!reaped.ok()) return reaped.status();
  }
  return store;
}

RunStore::RunStore(Db db, ProcessIdentity self, OpenOptions options)
    : db_(std::move(db)), path_(db_.path()), self_(std::move(self)), options_(options) {}

RunStore::~RunStore() = default;

Status RunStore::CheckWritable() {
  std::lock_guard lock(mu_);
  // SQLite lets a read-only connection BEGIN IMMEDIATE; only a write fails.
  if (sqlite3_db_readonly(db_.handle(), "main") != 0) {
    return Status::IOError(path_ + ": database is read-only (opened read-only, or the file or "
                           "its file system is not writable)");
  }
  // Taking the write lock proves both that the file is writable and that no
  // other process holds it beyond the busy timeout. Rolled back unused.
  Result<Transaction> txn = Transaction::Begin(db_, "checking that the database is writable");
  return txn.status();
}

Result<std::vector<std::string>> RunStore::ReapDeadRuns() {
  std::lock_guard lock(mu_);
  return store::ReapDeadRuns(db_, self_, options_.stale_heartbeat, ProbeLocalProcess);
}

}  // namespace runexp::store
