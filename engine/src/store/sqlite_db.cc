#include "store/sqlite_db.h"

#include <utility>

namespace runexp::store {

Status SqliteStatus(sqlite3* db, int rc, const std::string& path, std::string_view doing) {
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string where = path + ": " + std::string(doing) + ": ";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::IOError(where + "database is locked by another process and stayed locked "
                             "for the whole busy timeout (" + detail + ")");
    case SQLITE_READONLY:
      return Status::IOError(where + "database is read-only: the file, its directory or the "
                             "file system is not writable (" + detail + ")");
    case SQLITE_FULL:
      return Status::IOError(where + "disk full (" + detail + ")");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Status::Corruption(where + detail);
    case SQLITE_CONSTRAINT:
      return Status::InvalidArgument(where + detail);
    case SQLITE_ERROR:
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      // Our SQL is constant and tested, so these mean a bug (or a schema
      // edited by hand outside runexp).
      return Status::Internal(where + detail);
    default:
      return Status::IOError(where + detail);
  }
}

// ---- Db ---------------------------------------------------------------------

Result<Db> Db::Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status status = SqliteStatus(raw, rc, path, "opening database");
    sqlite3_close_v2(raw);  // a handle is returned even on failure
    return status;
  }
  sqlite3_extended_result_codes(raw, 1);
  return Db(raw, path);
}

Result<Db> Db::OpenImmutable(const std::string& path) {
  // A URI path must escape the characters URIs give meaning to.
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static const char* kHex = "0123456789ABCDEF";
      uri += '%';
      uri += kHex[(c >> 4) & 0xf];
      uri += kHex[c & 0xf];
    } else {
      uri += c;
    }
  }
  uri += "?immutable=1";
  Result<Db> db = Open(uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
  if (db.ok()) db->path_ = path;  // messages name the file, not the URI
  return db;
}

Db::Db(Db&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

Db::~Db() { sqlite3_close_v2(db_); }

Status Db::Exec(const std::string& sql, std::string_view doing) {
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::OK() : Error(rc, doing);
}

Result<Statement> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc, "preparing SQL");
  }
  return Statement(stmt, this);
}

int64_t Db::Changes() const { return sqlite3_changes64(db_); }

// ---- Statement --------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      db_(other.db_),
      bind_error_(other.bind_error_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
    bind_error_ = other.bind_error_;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

Statement& Statement::Bind(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  NoteBind(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  NoteBind(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Result<bool> Statement::Step(std::string_view doing) {
  if (bind_error_ != SQLITE_OK) return db_->Error(bind_error_, doing);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error(rc, doing);
}

Status Statement::Run(std::string_view doing) {
  for (;;) {
    Result<bool> row = Step(doing);
    if (!row.ok()) return row.status();
    if (!*row) return Status::OK();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::Real(int column) const { return sqlite3_column_double(stmt_, column); }
std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int bytes = sqlite3_column_bytes(stmt_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(bytes))
              : std::string();
}
std::optional<int64_t> Statement::OptInt(int column) const {
  return IsNull(column) ? std::nullopt : std::optional<int64_t>(Int(column));
}
std::optional<double> Statement::OptReal(int column) const {
  return IsNull(column) ? std::nullopt : std::optional<double>(Real(column));
}
std::optional<std::string> Statement::OptText(int column) const {
  return IsNull(column) ? std::nullopt : std::optional<std::string>(Text(column));
}
int Statement::ColumnType(int column) const { return sqlite3_column_type(stmt_, column); }

// ---- Transaction ------------------------------------------------------------

Result<Transaction> Transaction::Begin(Db& db, std::string_view doing) {
  Status status = db.Exec("BEGIN IMMEDIATE", doing);
  if (!status.ok()) return status;
  return Transaction(&db);
}

Result<Transaction> Transaction::BeginRead(Db& db, std::string_view doing) {
  Status status = db.Exec("BEGIN", doing);
  if (!status.ok()) return status;
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(other.db_), open_(std::exchange(other.open_, false)) {}

Transaction::~Transaction() {
  // ROLLBACK can only fail if there is no transaction, which is fine here.
  if (open_) sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::Commit() {
  Status status = db_->Exec("COMMIT", "committing");
  // On failure (e.g. SQLITE_BUSY at commit) the destructor still rolls back.
  if (status.ok()) open_ = false;
  return status;
}

}  // namespace runexp::store
