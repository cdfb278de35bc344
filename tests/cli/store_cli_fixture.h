// A results.db with known runs for the store command tests, written through
// RunStore as `runexp run` would, plus helpers to run the real `runexp`
// executable against it and to read its CSV and JSON output.
//
// The runs (all but `recent` started in January 2020, so their ids sort and
// prefixes are predictable):
//   baseline  20200101T000000-aaaaaa  mnist    completed  3 epochs, lr 0.01, tag baseline=yes,
//             an input, two checkpoints (epoch 1 pruned), a run folder
//   high_lr   20200102T000000-bbbbbb  mnist    completed  2 epochs, lr 0.1, dropout 0.5, a run folder
//   fashion   20200103T000000-cccccc  fashion  failed     1 epoch, error "stage trainer: loss diverged"
//   recent    generated (now)         mnist    interrupted, no epochs, resumed from `fashion`,
//             named with a newline, a comma and quotes
//
// Thread-safety: test code, one fixture per test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "run_command.h"
#include "store/run_store.h"

namespace runexp::cli::testing {

inline constexpr const char* kBaselineId = "20200101T000000-aaaaaa";
inline constexpr const char* kHighLrId = "20200102T000000-bbbbbb";
inline constexpr const char* kFashionId = "20200103T000000-cccccc";
inline constexpr const char* kWeirdName = "odd \"name\", with\na newline";

class StoreCliTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  const std::filesystem::path& dir() const { return dir_; }
  std::string db_path() const { return (dir_ / "results.db").string(); }
  const std::string& recent_id() const { return recent_id_; }

  // `runexp ARGS --results <db>`; args are passed to the shell as written.
  runexp::testing::CommandResult Runexp(const std::string& args) const;
  // The same without --results (for tests of the default location or a
  // different database); `env` is prepended, e.g. "COLUMNS=60". COLUMNS is
  // empty (no width limit) unless env sets it.
  static runexp::testing::CommandResult RunexpRaw(const std::string& args, const std::string& env = "");

  // A store on the fixture's database, for checking what a command did.
  std::unique_ptr<store::RunStore> OpenStore() const;
  std::vector<std::string> RunIds() const;

 private:
  std::filesystem::path dir_;
  std::string recent_id_;
};

// RFC 4180: rows of fields; quoted fields may hold commas, quotes ("") and
// line breaks. Fails the test on malformed input.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text);
// Rows as maps from header to field.
std::vector<std::map<std::string, std::string>> CsvRecords(const std::string& text);

// Lines of `text` (without their "\n").
std::vector<std::string> Lines(const std::string& text);

// Terminal columns of a UTF-8 line, counted independently of the code
// under test: one per code point (the fixture's data has no wide characters).
size_t CodePoints(const std::string& line);

}  // namespace runexp::cli::testing
