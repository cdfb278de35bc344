// A results.db with the runs a report must draw sensibly, written through
// RunStore as `runexp run` would, for the report command and browser tests.
// All are of experiment "curves":
//
//   A  20210101T000000-a00001  completed  5 epochs + validation split, lr 0.001, tag best=yes
//   B  20210102T000000-b00002  completed  3 epochs, lr 0.01; test loss NaN at epoch 2;
//                                          named with markup: kMarkupName
//   C  20210103T000000-c00003  running    2 of 5 epochs (its process is this test: alive)
//   D  20210104T000000-d00004  failed     1 epoch, error with markup
//   E  20210105T000000-e00005  interrupted, no epochs
//
// Epochs are numbered from 1, as the trainer records them.
//
// Thread-safety: test code, one fixture per test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "run_command.h"

namespace runexp::cli::testing {

inline constexpr const char* kRunA = "20210101T000000-a00001";
inline constexpr const char* kRunB = "20210102T000000-b00002";
inline constexpr const char* kRunC = "20210103T000000-c00003";
inline constexpr const char* kRunD = "20210104T000000-d00004";
inline constexpr const char* kRunE = "20210105T000000-e00005";
inline constexpr const char* kMarkupName = "<script>alert(\"pwned\")</script> & <b>bold</b>";
inline constexpr const char* kFailure = "stage model: loss diverged <at> step 7";

// Point markers each chart must hold for runs A-E (see the table above):
// accuracy: A 5 train + 5 test + 5 validation, B 3 + 3, C 2 + 2, D 1 + 1;
// loss: the same except B's missing test loss at epoch 2.
inline constexpr int kAccuracyPoints = 15 + 6 + 4 + 2;
inline constexpr int kLossPoints = 15 + 5 + 4 + 2;

class ReportStoreTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  const std::filesystem::path& dir() const { return dir_; }
  std::string db_path() const { return (dir_ / "results.db").string(); }

  // `runexp ARGS --results <db>`; args go to the shell as written.
  runexp::testing::CommandResult Runexp(const std::string& args) const;

 private:
  std::filesystem::path dir_;
};

std::string ReadFile(const std::filesystem::path& path);

// Occurrences of `needle` in `text`.
size_t Count(const std::string& text, const std::string& needle);

// The text of the element that starts with `open_tag_start` (e.g.
// `<svg xmlns=... data-chart="loss"`) up to its `close_tag`; empty if absent.
std::string Element(const std::string& text, const std::string& open_tag_start, const std::string& close_tag);

}  // namespace runexp::cli::testing
