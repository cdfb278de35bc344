#include "store_test_util.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

namespace runexp::store::testing {

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "runexp_store_XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string> SqlColumn(const std::string& db_path, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return out;
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "bad SQL: " << sqlite3_errmsg(db) << "\n" << sql;
  } else {
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    if (rc != SQLITE_DONE) ADD_FAILURE() << "SQL failed: " << sqlite3_errmsg(db) << "\n" << sql;
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

std::string SqlScalar(const std::string& db_path, const std::string& sql) {
  std::vector<std::string> column = SqlColumn(db_path, sql);
  if (column.empty()) {
    ADD_FAILURE() << "no row from: " << sql;
    return "";
  }
  return column.front();
}

void SqlExec(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  sqlite3_busy_timeout(db, 10000);
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    ADD_FAILURE() << "SQL failed: " << (error ? error : "?") << "\n" << sql;
  }
  sqlite3_free(error);
  sqlite3_close(db);
}

std::unique_ptr<RunStore> OpenOrFail(const std::string& path, const OpenOptions& options) {
  Result<std::unique_ptr<RunStore>> store = RunStore::Open(path, options);
  if (!store.ok()) {
    ADD_FAILURE() << "Open(" << path << ") failed: " << store.status().ToString();
    return nullptr;
  }
  return std::move(store).value();
}

RunRecord MakeRun(const std::string& experiment, const std::string& name) {
  RunRecord r;
  r.experiment = experiment;
  if (!name.empty()) r.name = name;
  r.seed = 42;
  r.config_toml = "[experiment]\nname = \"" + experiment + "\"\n";
  r.git_commit = "0123456789abcdef0123456789abcdef01234567";
  r.git_dirty = false;
  r.runexp_version = "0.1.0";
  r.environment_json = R"({"OMP_NUM_THREADS":"4"})";
  r.command_line = "runexp run " + experiment + ".toml";
  r.threads = 4;
  return r;
}

EpochMetrics Epoch(int64_t epoch, std::optional<double> train_loss,
                   std::optional<double> train_acc, std::optional<double> test_loss,
                   std::optional<double> test_acc) {
  EpochMetrics e;
  e.epoch = epoch;
  e.train_loss = train_loss;
  e.train_accuracy = train_acc;
  e.test_loss = test_loss;
  e.test_accuracy = test_acc;
  e.seconds = 1.5;
  return e;
}

}  // namespace runexp::store::testing
