// Shared fixtures for the run store tests: a temporary directory that cleans
// up after itself, byte-level file access, raw SQL through a separate SQLite
// connection (to see exactly what another program would see), and a
// ready-made RunRecord.
//
// Thread-safety: test code; each helper touches only what it is given.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/records.h"
#include "store/run_store.h"

namespace runexp::store::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Whether `needle` occurs in `haystack` (an error message, a file).
bool Contains(const std::string& haystack, const std::string& needle);

std::string ReadBytes(const std::string& path);
void WriteBytes(const std::string& path, const std::string& bytes);

// Opens the file with plain sqlite3 (no runexp code), runs sql and returns
// the first column of every row as text ("NULL" for NULL). Fails the
// current test on any SQLite error.
std::vector<std::string> SqlColumn(const std::string& db_path, const std::string& sql);
std::string SqlScalar(const std::string& db_path, const std::string& sql);
void SqlExec(const std::string& db_path, const std::string& sql);

// Opens a store, failing the test (and returning nullptr) if that fails.
std::unique_ptr<RunStore> OpenOrFail(const std::string& path, const OpenOptions& options = {});

RunRecord MakeRun(const std::string& experiment, const std::string& name = "");

// Builds an epoch row with the four headline numbers.
EpochMetrics Epoch(int64_t epoch, std::optional<double> train_loss,
                   std::optional<double> train_acc, std::optional<double> test_loss,
                   std::optional<double> test_acc);

}  // namespace runexp::store::testing
