// A results.db holding two sweeps, written through RunStore as `runexp
// sweep` would, for the tests of `runs --sweep`, `compare --sweep` and
// `report --sweep`. Epochs are numbered from 1; "final" is epoch 3.
//
// kGridSweepId, experiment "grid", mode grid, keys
// model.layers[0].units x model.optimizer.learning_rate:
//   point  units  lr     run                         final train / test
//   0      32     0.001  completed (kPoint0Run)      0.90 / 0.88
//   1      32     0.1    reused: kEarlierRun         0.80 / 0.78   (a plain run from before the sweep)
//   2      64     0.001  completed (kPoint2Run)      0.95 / 0.90
//   3      64     0.1    failed after 1 epoch        0.50 / 0.45
//   4      128    0.001  completed (kPoint4Run)      0.99 / 0.93   the best
//   5      128    0.1    pending
//
// kTextSweepId, experiment "text", mode list, keys data.name x model.shuffle:
//   0      kMarkupValue  true   completed  0.90 / 0.85
//   1      "fashion"     false  completed  0.80 / 0.82   (a negative gap)
//   2      kMarkupValue  false  running (its process is this test: alive), 1 epoch
//
// kUnrelatedRun: a completed "grid" run that answers no point.
//
// AddSweepWithoutRuns() adds kNewSweepId, experiment "new", key model.epochs
// = 1 and 2, both points pending.
//
// Thread-safety: test code, one fixture per test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "run_command.h"

namespace runexp::cli::testing {

inline constexpr const char* kGridSweepId = "20220101T000000-5a5a5a";
inline constexpr const char* kTextSweepId = "20220201T000000-6b6b6b";
inline constexpr const char* kNewSweepId = "20220401T000000-7c7c7c";
inline constexpr const char* kEarlierRun = "20211231T000000-e00000";
inline constexpr const char* kPoint0Run = "20220101T000100-p00000";
inline constexpr const char* kPoint2Run = "20220101T000200-p00002";
inline constexpr const char* kPoint3Run = "20220101T000300-p00003";
inline constexpr const char* kPoint4Run = "20220101T000400-p00004";
inline constexpr const char* kTextRun0 = "20220201T000100-q00000";
inline constexpr const char* kTextRun1 = "20220201T000200-q00001";
inline constexpr const char* kTextRun2 = "20220201T000300-q00002";
inline constexpr const char* kUnrelatedRun = "20220301T000000-u00000";
inline constexpr const char* kMarkupValue = "<b>mnist</b> & \"co\"";
inline constexpr const char* kUnitsKey = "model.layers[0].units";
inline constexpr const char* kLearningRateKey = "model.optimizer.learning_rate";

class SweepCliTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  const std::filesystem::path& dir() const { return dir_; }
  std::string db_path() const { return (dir_ / "results.db").string(); }
  void AddSweepWithoutRuns() const;

  // `runexp ARGS --results <db>` with no terminal width limit; args go to
  // the shell as written.
  runexp::testing::CommandResult Runexp(const std::string& args) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace runexp::cli::testing
