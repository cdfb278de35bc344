// Shared by the config tests: a fixture with a fresh folder for the
// experiment file (so relative paths and the default results.db resolve
// somewhere writable), and a valid experiment to start from.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.h"
#include "fake_plugins.h"

namespace runexp::config {
// Prints a FlatParam in test failures: ("key", "value", type). (Beside
// FlatParam's namespace, where GoogleTest looks for it.)
void PrintTo(const FlatParam& param, std::ostream* out);
}  // namespace runexp::config

namespace runexp::config::testing {

// The reference experiment (experiments/mnist_ch2.toml in spirit) against
// FakeCatalog(). Line numbers matter to tests that edit it: see the .cc.
extern const char* const kMnistExperiment;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // dir()/exp.toml; the file itself is only written by WriteFile.
  std::filesystem::path File() const { return dir_ / "exp.toml"; }
  const std::filesystem::path& dir() const { return dir_; }
  void WriteFile(const std::filesystem::path& path, std::string_view text) const;

  CheckResult Check(std::string_view text, std::vector<std::string> overrides = {}) const;
  // The errors of Check() as printed, with this test's folder left out of
  // the file name ("exp.toml:3:1: ...").
  std::vector<std::string> Errors(std::string_view text,
                                  std::vector<std::string> overrides = {}) const;
  std::vector<std::string> Lines(const CheckResult& result) const;
  // The stage `id` of `config` (a test failure and an empty stage if absent).
  static const StageConfig& StageOf(const ExperimentConfig& config, std::string_view id);
  // Check() that must succeed.
  ExperimentConfig Valid(std::string_view text, std::vector<std::string> overrides = {}) const;

 private:
  std::filesystem::path dir_;
};

// `text` with its first occurrence of `from` replaced (the test fails if absent).
std::string Replace(std::string text, std::string_view from, std::string_view to);

}  // namespace runexp::config::testing
