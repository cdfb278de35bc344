#include "store/pragmas.h"

#include <thread>

namespace runexp::store {

namespace {

// Switching a new database to WAL needs an exclusive lock, and SQLite does
// not call the busy handler for it when another connection holds a lock
// (that could deadlock), so SQLITE_BUSY comes back at once. When eight
// processes create results.db together, all but one see that; they retry
// until the busy timeout, as for any other lock.
Status SwitchToWal(Db& db, std::chrono::milliseconds busy_timeout) {
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
  for (;;) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db.handle(), "PRAGMA journal_mode = WAL", -1, &raw, nullptr);
    std::string mode;
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(raw);
      if (rc == SQLITE_ROW) {
        mode = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
        rc = SQLITE_OK;
      }
    }
    sqlite3_finalize(raw);
    if (rc == SQLITE_OK && mode == "wal") return Status::OK();
    if (rc == SQLITE_OK) {
      return Status::NotSupported(db.path() + ": the file system does not support SQLite's WAL "
                                  "mode (journal_mode stayed '" + mode +
                                  "'); keep results.db on a local disk");
    }
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) {
      return db.Error(rc, "switching to WAL mode");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

Status ApplyConnectionPragmas(Db& db, bool read_only, std::chrono::milliseconds busy_timeout) {
  if (Status ok = db.Exec("PRAGMA foreign_keys = ON", "enabling foreign keys"); !ok.ok()) return ok;
  if (read_only) return Status::OK();
  // WAL lets readers (`runexp runs`) and one writer work at once, and lets
  // eight training processes append to one file without blocking readers.
  if (Status ok = SwitchToWal(db, busy_timeout); !ok.ok()) return ok;
  // NORMAL in WAL mode: a power cut may lose the last transactions but never
  // corrupts the file; FULL would fsync on every epoch for little gain.
  return db.Exec("PRAGMA synchronous = NORMAL", "setting synchronous mode");
}

}  // namespace runexp::store
