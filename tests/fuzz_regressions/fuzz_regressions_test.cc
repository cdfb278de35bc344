// Every input a fuzz target once failed on (README.md beside this file),
// fed to the same entry point as its target: it must come back as the
// outcome in FILE.expected — "ok", or an error containing that text. In
// the sanitizer build the original fault (overflow, unreachable code) would
// be reported here too.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "checkpoint/checkpoint_codec.h"
#include "config/loader.h"
#include "idx_file.h"
#include "plugins/plugin_catalog.h"

namespace runexp {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = RUNEXP_FUZZ_REGRESSIONS_DIR;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const PluginCatalog& Catalog() {
  static const PluginCatalog catalog = [] {
    PluginCatalog built;
    RegisterBuiltinPlugins(built);
    return built;
  }();
  return catalog;
}

Status CheckText(std::string_view text, const fs::path& file, std::vector<std::string> overrides) {
  config::LoadOptions options;
  options.overrides = std::move(overrides);
  options.check_results_writable = false;
  return config::CheckExperimentText(text, file, Catalog(), options).status();
}

// The outcome of one input, as the fuzz target of its folder would see it.
Status Replay(const fs::path& input) {
  const std::string bytes = ReadAll(input);
  const std::string target = input.parent_path().filename();
  if (target == "idx") {
    std::span<const std::byte> data(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size());
    auto tensor = idx::ParseIdx(data, input.filename().string());
    return tensor.ok() ? Status::OK() : tensor.status();
  }
  if (target == "experiment") return CheckText(bytes, "/nonexistent/experiment.toml", {});
  if (target == "overrides") {
    std::vector<std::string> overrides;
    std::istringstream lines(bytes);
    for (std::string line; std::getline(lines, line);) overrides.push_back(line);
    const fs::path experiment = fs::path(RUNEXP_SOURCE_DIR) / "experiments/mnist_ch2.toml";
    return CheckText(ReadAll(experiment), experiment, std::move(overrides));
  }
  if (target == "checkpoint") {
    auto checkpoint = ParseCheckpoint(bytes, input.filename().string());
    return checkpoint.ok() ? Status::OK() : checkpoint.status();
  }
  return Status::Internal("no fuzz target named " + target);
}

std::vector<fs::path> Inputs() {
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::recursive_directory_iterator(kDir)) {
    const fs::path& path = entry.path();
    if (entry.is_regular_file() && path.parent_path() != kDir && path.extension() != ".expected") {
      inputs.push_back(path);
    }
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

class FuzzRegressionTest : public ::testing::TestWithParam<fs::path> {};

TEST_P(FuzzRegressionTest, GivesTheExpectedOutcome) {
  const fs::path& input = GetParam();
  fs::path expected_file = input;
  expected_file += ".expected";
  ASSERT_TRUE(fs::exists(expected_file)) << "write " << expected_file;
  std::string expected = ReadAll(expected_file);
  while (!expected.empty() && (expected.back() == '\n' || expected.back() == '\r')) expected.pop_back();

  Status status = Replay(input);
  if (expected == "ok") {
    EXPECT_TRUE(status.ok()) << status.ToString();
  } else {
    ASSERT_FALSE(status.ok()) << "expected an error containing: " << expected;
    EXPECT_NE(status.ToString().find(expected), std::string::npos)
        << status.ToString() << "\ndoes not contain: " << expected;
  }
}

TEST(FuzzRegressionsTest, EveryTargetFolderIsKnown) {
  for (const fs::path& input : Inputs()) {
    const std::string target = input.parent_path().filename();
    EXPECT_TRUE(target == "idx" || target == "experiment" || target == "overrides" || target == "checkpoint")
        << input;
  }
}

INSTANTIATE_TEST_SUITE_P(Inputs, FuzzRegressionTest, ::testing::ValuesIn(Inputs()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string name = info.param.parent_path().filename().string() + "_" +
                                              info.param.filename().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace runexp
