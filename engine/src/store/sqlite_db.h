// A thin RAII layer over the SQLite C API, used only inside the run store.
//
// Db owns one connection, Statement one prepared statement, Transaction one
// BEGIN IMMEDIATE ... COMMIT span that rolls back unless committed. Every
// SQLite failure becomes a Status that names the database file, says what was
// being done and keeps SQLite's own message (see SqliteStatus).
//
// Thread-safety: none. A Db, its statements and transactions belong to one
// thread at a time; RunStore's mutex provides that. Connections are opened
// with SQLITE_OPEN_NOMUTEX for that reason.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runexp/status.h"

namespace runexp::store {

// Maps an SQLite result code to a runexp Status, e.g.
// IOError("runs/results.db: writing epoch 3: database is locked ...").
// Busy/locked, read-only and full-disk errors get wording a user can act on.
Status SqliteStatus(sqlite3* db, int rc, const std::string& path, std::string_view doing);

class Statement;

class Db {
 public:
  // flags as for sqlite3_open_v2; SQLITE_OPEN_NOMUTEX is added.
  static Result<Db> Open(const std::string& path, int flags);
  // Read-only, and promising SQLite that nobody changes the file while it is
  // open (URI parameter immutable=1): the only way to read a WAL database on
  // a read-only file system, where the -shm file cannot be created.
  static Result<Db> OpenImmutable(const std::string& path);

  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs constant SQL (possibly several statements) that takes no values.
  // Anything carrying user data goes through Prepare + Bind instead.
  Status Exec(const std::string& sql, std::string_view doing);

  Result<Statement> Prepare(std::string_view sql);

  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int64_t Changes() const;

  Status Error(int rc, std::string_view doing) const { return SqliteStatus(db_, rc, path_, doing); }

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are numbered from 1, as in SQLite. A failed bind is kept and
  // reported by the next Step or Run, so call sites stay linear.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, bool value) { return Bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  Statement& Bind(int index, double value);  // NaN is stored as NULL by SQLite
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& BindNull(int index);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // true while a row is available, false once the statement is done.
  Result<bool> Step(std::string_view doing);
  // Steps to completion; for statements that return no rows.
  Status Run(std::string_view doing);
  // Clears the result and bindings so the statement can run again.
  void Reset();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Real(int column) const;
  std::string Text(int column) const;
  std::optional<int64_t> OptInt(int column) const;
  std::optional<double> OptReal(int column) const;
  std::optional<std::string> OptText(int column) const;
  int ColumnType(int column) const;  // SQLITE_INTEGER, SQLITE_FLOAT, ...

 private:
  friend class Db;
  Statement(sqlite3_stmt* stmt, const Db* db) : stmt_(stmt), db_(db) {}
  void NoteBind(int rc);

  sqlite3_stmt* stmt_ = nullptr;
  const Db* db_ = nullptr;
  int bind_error_ = SQLITE_OK;
};

// BEGIN IMMEDIATE takes the write lock up front (waiting up to the busy
// timeout), so a write transaction never fails half-way with SQLITE_BUSY
// when it tries to upgrade a read lock.
//
// BeginRead opens a plain (deferred) transaction so that several SELECTs see
// one snapshot; it is never committed, the destructor just ends it.
class Transaction {
 public:
  static Result<Transaction> Begin(Db& db, std::string_view doing);
  static Result<Transaction> BeginRead(Db& db, std::string_view doing);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();  // rolls back unless Commit succeeded

  Status Commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_;
  bool open_ = true;
};

}  // namespace runexp::store
