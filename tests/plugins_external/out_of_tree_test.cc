// The tutorial's plugin (docs/examples/feature_standardizer) built out of
// tree the way docs/writing-a-plugin.md says: runexp installed into a prefix,
// the plugin configured with find_package(runexp) against that prefix, then
// loaded by the installed runexp to run the tutorial's experiment.
//
// OutOfTreeBuild.* installs and builds (a ctest fixture, see CMakeLists.txt);
// OutOfTreePlugin.* use what it built. Run directly, the binary runs them in
// that order.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "external_test_support.h"
#include "sql_reader.h"
#include "tutorial_blocks.h"

namespace runexp {
namespace {

using testing::CommandResult;
using testing::ExperimentText;
using testing::MakeTempDir;
using testing::QueryRows;
using testing::QueryValue;
using testing::Quote;
using testing::RunCommand;
using testing::TutorialOutput;
using testing::Runexp;
using testing::WriteTextFile;

const std::filesystem::path kWork = RUNEXP_EXTERNAL_WORK_DIR;
const std::filesystem::path kPrefix = kWork / "prefix";
const std::filesystem::path kPluginBuild = kWork / "build";
const std::filesystem::path kLibrary = kPluginBuild / "feature_standardizer.so";
const std::filesystem::path kExample =
    std::filesystem::path(RUNEXP_SOURCE_DIR) / "docs/examples/feature_standardizer";
const std::string kCmake = Quote(RUNEXP_CMAKE_COMMAND);

// The SHA-256 of `file` as coreutils computes it, independently of runexp.
std::string Sha256sum(const std::filesystem::path& file) {
  CommandResult result = RunCommand("sha256sum " + Quote(file));
  return result.out.substr(0, 64);
}

TEST(OutOfTreeBuild, InstallsRunexpAndBuildsTheTutorialPlugin) {
  std::filesystem::remove_all(kWork);
  std::filesystem::create_directories(kWork);

  CommandResult install =
      RunCommand(kCmake + " --install " + Quote(RUNEXP_BINARY_DIR) + " --prefix " + Quote(kPrefix));
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  for (const char* file : {"bin/runexp", "include/runexp/plugin.h", "include/runexp/tensor.h",
                           "include/runexp/nn/mlp.h", "include/runexp/testing/stage_harness.h",
                           "lib/librunexp_testing.a", "lib/cmake/runexp/runexpConfig.cmake",
                           "lib/cmake/runexp/runexpConfigVersion.cmake"}) {
    EXPECT_TRUE(std::filesystem::exists(kPrefix / file)) << file;
  }
  // The public API only: the engine's internals (engine/src) are not installed.
  std::vector<std::string> include_entries;
  for (const auto& entry : std::filesystem::directory_iterator(kPrefix / "include")) {
    include_entries.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(include_entries, std::vector<std::string>{"runexp"});

  // As the tutorial does it, with warnings as errors: the public headers and
  // the tutorial's code must compile cleanly in someone else's project.
  CommandResult configure = RunCommand(
      kCmake + " -S " + Quote(kExample) + " -B " + Quote(kPluginBuild) + " -G " + Quote(RUNEXP_CMAKE_GENERATOR) +
      " -DCMAKE_MAKE_PROGRAM=" + Quote(RUNEXP_CMAKE_MAKE_PROGRAM) + " -DCMAKE_CXX_COMPILER=" +
      Quote(RUNEXP_CXX_COMPILER) + " -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=" + Quote(kPrefix) +
      " '-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror'");
  ASSERT_EQ(configure.exit_code, 0) << configure.out << configure.err;
  CommandResult build = RunCommand(kCmake + " --build " + Quote(kPluginBuild));
  ASSERT_EQ(build.exit_code, 0) << build.out << build.err;
  ASSERT_TRUE(std::filesystem::exists(kLibrary));

  // The plugin's own unit test, linked against the installed runexp::testing.
  CommandResult unit = RunCommand(Quote(kPluginBuild / "feature_standardizer_test"));
  EXPECT_EQ(unit.exit_code, 0) << unit.out << unit.err;
  EXPECT_NE(unit.out.find("[  PASSED  ] 4 tests"), std::string::npos) << unit.out;
}

class OutOfTreePlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kLibrary))
        << kLibrary << " is missing: OutOfTreeBuild.InstallsRunexpAndBuildsTheTutorialPlugin builds it";
    dir_ = MakeTempDir("runexp-external");
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

TEST_F(OutOfTreePlugin, RunsTheTutorialExperimentAndRecordsTheLibrary) {
  const std::string db = (dir_ / "results.db").string();
  // As the tutorial runs it: from the plugin's folder, with a relative --plugin-dir.
  CommandResult run = RunCommand("cd " + Quote(kWork) + " && " + Quote(kPrefix / "bin/runexp") + " " +
                                 Quote(kExample / "mnist_standardized.toml") + " --plugin-dir build --results " +
                                 Quote(db) + " --threads 2");
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  // The stages' lines the tutorial shows (they come in either order).
  std::istringstream shown(TutorialOutput("run"));
  std::string line;
  int lines = 0;
  while (std::getline(shown, line)) {
    ++lines;
    EXPECT_NE(("\n" + run.out).find("\n" + line + "\n"), std::string::npos) << line << "\nnot in\n" << run.out;
  }
  EXPECT_EQ(lines, 2) << "docs/writing-a-plugin.md shows the standardisers' lines as <!-- output: run -->";

  EXPECT_EQ(QueryValue(db, "SELECT status FROM runs"), "completed");
  // Both stages use the one library: one row, its absolute path and its real hash.
  EXPECT_EQ(QueryRows(db, "SELECT stage, path, sha256, bytes FROM inputs WHERE stage LIKE 'plugin:%'"),
            (std::vector<std::vector<std::string>>{{"plugin:feature_standardizer", kLibrary.string(),
                                                    Sha256sum(kLibrary),
                                                    std::to_string(std::filesystem::file_size(kLibrary))}}));
  // Standardised pixels train: one epoch on 5,000 images is far above chance.
  EXPECT_GT(std::stod(QueryValue(db, "SELECT test_accuracy FROM epoch_metrics WHERE epoch = 1")), 0.8);
}

TEST_F(OutOfTreePlugin, LoadsFromRunexpPluginPath) {
  WriteTextFile(dir_ / "experiment.toml",
                ExperimentText("", "\n[stages.x]\nplugin = \"feature_standardizer\"\ninputs = { fit = \"pixels\" }\n"));
  // Empty entries and several folders: the path is read like $PATH.
  CommandResult check = RunCommand("RUNEXP_PLUGIN_PATH=" + Quote(dir_.string() + "::" + kPluginBuild.string()) + " " +
                                   Runexp("check " + Quote(dir_ / "experiment.toml")));
  EXPECT_EQ(check.exit_code, 0) << check.err;
  CommandResult without = RunCommand(Runexp("check " + Quote(dir_ / "experiment.toml")));
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_NE(without.err.find("unknown plugin 'feature_standardizer'"), std::string::npos) << without.err;
}

TEST_F(OutOfTreePlugin, ExperimentMayNameAPluginDirInsideItsFolder) {
  std::filesystem::create_directories(dir_ / "plugins");
  std::filesystem::copy_file(kLibrary, dir_ / "plugins/feature_standardizer.so");
  WriteTextFile(dir_ / "experiment.toml",
                ExperimentText("plugin_dirs = [\"plugins\"]\n",
                               "\n[stages.x]\nplugin = \"feature_standardizer\"\ninputs = { fit = \"pixels\" }\n"));
  CommandResult check = RunCommand(Runexp("check " + Quote(dir_ / "experiment.toml")));
  EXPECT_EQ(check.exit_code, 0) << check.err;
}

TEST_F(OutOfTreePlugin, PluginsCommandSaysWhereAPluginComesFrom) {
  CommandResult all = RunCommand(Runexp("plugins --plugin-dir " + Quote(kPluginBuild)));
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("\n  from: " + kLibrary.string() + "\n"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("one_hot: "), std::string::npos);

  // What the tutorial shows, run the same way; there the folder is /home/me/feature_standardizer.
  CommandResult one =
      RunCommand("cd " + Quote(kWork) + " && " + Runexp("plugins feature_standardizer --plugin-dir build"));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  std::string shown = TutorialOutput("plugins");
  std::string tutorial_build = "/home/me/feature_standardizer/build";
  ASSERT_NE(shown.find(tutorial_build), std::string::npos) << shown;
  shown.replace(shown.find(tutorial_build), tutorial_build.size(), kPluginBuild.string());
  EXPECT_EQ(one.out, shown);
}

TEST_F(OutOfTreePlugin, TwoPluginsOfOneNameAreRefused) {
  std::filesystem::create_directories(dir_ / "copy");
  std::filesystem::copy_file(kLibrary, dir_ / "copy/standardizer.so");
  CommandResult result = RunCommand(Runexp("plugins --plugin-dir " + Quote(kPluginBuild) + " --plugin-dir " +
                                           Quote(dir_ / "copy")));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "runexp: Invalid argument: plugin 'feature_standardizer' is defined twice: " +
                            kLibrary.string() + " and " + (dir_ / "copy/standardizer.so").string() + "\n");
}

TEST_F(OutOfTreePlugin, OneFolderNamedTwiceIsLoadedOnce) {
  CommandResult result = RunCommand("RUNEXP_PLUGIN_PATH=" + Quote(kPluginBuild) + " " +
                                    Runexp("plugins feature_standardizer --plugin-dir " +
                                           Quote(kPluginBuild.string() + "/./")));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("from: " + kLibrary.string()), std::string::npos) << result.out;
}

}  // namespace
}  // namespace runexp
