#include "store/open_checks.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace runexp::store {

namespace {

constexpr char kSqliteHeader[16] = "SQLite format 3";  // the 16th byte is the NUL
constexpr std::uintmax_t kSqliteHeaderBytes = 100;

std::string Printable(const char* bytes, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
  }
  return out;
}

}  // namespace

Status CheckFileBeforeOpen(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) {
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
      return Status::NotFound(path + ": directory " + parent.string() +
                              " does not exist (runexp does not create it)");
    }
    return Status::OK();  // SQLite creates it
  }
  if (fs::is_directory(st)) return Status::InvalidArgument(path + ": is a directory, not a file");
  std::uintmax_t size = fs::file_size(path, ec);
  if (ec) return Status::IOError(path + ": cannot read file size: " + ec.message());
  if (size == 0) return Status::OK();  // SQLite treats an empty file as an empty database

  std::ifstream in(path, std::ios::binary);
  char header[16] = {};
  if (!in.read(header, sizeof header) && size >= sizeof header) {
    return Status::IOError(path + ": cannot read: " + std::strerror(errno));
  }
  if (size < sizeof header || std::memcmp(header, kSqliteHeader, sizeof header) != 0) {
    size_t shown = static_cast<size_t>(std::min<std::uintmax_t>(size, sizeof header));
    return Status::Corruption(path + ": not an SQLite database (it starts with \"" +
                              Printable(header, shown) +
                              "\"); refusing to open it as results.db, the file is left as is");
  }
  if (size < kSqliteHeaderBytes) {
    return Status::Corruption(path + ": truncated SQLite database (" + std::to_string(size) +
                              " bytes, the header alone is 100)");
  }
  return Status::OK();
}

bool IsOnReadOnlyFileSystem(const std::string& path) {
  struct statvfs fs {};
  return statvfs(path.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0;
}

Status QuickCheck(Db& db) {
  Result<Statement> stmt = db.Prepare("PRAGMA quick_check");
  if (!stmt.ok()) return stmt.status();
  std::string problems;
  int shown = 0;
  for (;;) {
    Result<bool> row = stmt->Step("checking database integrity");
    if (!row.ok()) return row.status();
    if (!*row) break;
    std::string line = stmt->Text(0);
    if (line == "ok") return Status::OK();
    if (shown++ < 3) problems += (problems.empty() ? "" : "; ") + line;
  }
  return Status::Corruption(db.path() + ": database is damaged (quick_check: " + problems +
                            "); restore it from a backup or move it aside");
}

}  // namespace runexp::store
