// Libraries on a plugin directory that are not right: each is refused before
// anything runs (exit 2, nothing written), with one line naming the file and
// what is wrong with it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "external_test_support.h"
#include "runexp/plugin.h"

namespace runexp {
namespace {

using testing::CommandResult;
using testing::ExperimentText;
using testing::MakeTempDir;
using testing::Quote;
using testing::RunCommand;
using testing::Runexp;
using testing::WriteTextFile;

class LoaderErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("runexp-loader");
    experiment_ = dir_ / "experiment.toml";
    WriteTextFile(experiment_, ExperimentText(""));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // `runexp run` with one plugin directory holding only `library`, saved as `name`.
  CommandResult RunWithLibrary(const std::filesystem::path& library, const std::string& name) {
    std::filesystem::create_directories(dir_ / "plugins");
    std::filesystem::copy_file(library, dir_ / "plugins" / name);
    return RunWithPluginDir(dir_ / "plugins");
  }
  CommandResult RunWithPluginDir(const std::filesystem::path& plugins) {
    return RunCommand(Runexp("run " + Quote(experiment_) + " --plugin-dir " + Quote(plugins) +
                             " --results " + Quote(dir_ / "results.db")));
  }
  // A refusal: exit 2, one line, nothing written.
  void ExpectRefused(const CommandResult& result) {
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "results.db"));
  }

  std::filesystem::path dir_, experiment_;
};

TEST_F(LoaderErrorsTest, WrongApiVersionNamesTheFileAndBothVersions) {
  CommandResult result = RunWithLibrary(RUNEXP_WRONG_API_VERSION_PLUGIN, "old_plugin.so");
  ExpectRefused(result);
  EXPECT_EQ(result.err, "runexp: Not supported: plugin library " + (dir_ / "plugins/old_plugin.so").string() +
                            ": built for plugin API version 999, this runexp has version " +
                            std::to_string(kPluginApiVersion) + "; rebuild the plugin\n");
}

TEST_F(LoaderErrorsTest, LibraryWithoutEntryPointsIsNotAPlugin) {
  CommandResult result = RunWithLibrary(RUNEXP_NOT_A_PLUGIN, "helper.so");
  ExpectRefused(result);
  EXPECT_NE(result.err.find("plugin library " + (dir_ / "plugins/helper.so").string() +
                            ": not a runexp plugin (no runexp_plugin_api_version"),
            std::string::npos)
      << result.err;
}

TEST_F(LoaderErrorsTest, CorruptLibraryCannotBeLoaded) {
  // Bytes that are not ELF, named like a library.
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 131 + 7) % 256);
  WriteTextFile(dir_ / "plugins/x.so", noise);
  CommandResult result = RunWithPluginDir(dir_ / "plugins");
  ExpectRefused(result);
  std::string file = (dir_ / "plugins/x.so").string();
  EXPECT_EQ(result.err.rfind("runexp: Invalid argument: plugin library " + file + ": cannot load: ", 0), 0u)
      << result.err;
}

TEST_F(LoaderErrorsTest, MissingPluginDirIsAnError) {
  CommandResult result = RunWithPluginDir(dir_ / "no-such-dir");
  ExpectRefused(result);
  EXPECT_EQ(result.err, "runexp: Not found: plugin directory " + (dir_ / "no-such-dir").string() +
                            " does not exist\n");
}

TEST_F(LoaderErrorsTest, BadLibraryOnRunexpPluginPathIsNamedToo) {
  std::filesystem::create_directories(dir_ / "env-plugins");
  std::filesystem::copy_file(RUNEXP_WRONG_API_VERSION_PLUGIN, dir_ / "env-plugins/old_plugin.so");
  CommandResult result = RunCommand("RUNEXP_PLUGIN_PATH=" + Quote(dir_ / "env-plugins") + " " +
                                    Runexp("check " + Quote(experiment_)));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find((dir_ / "env-plugins/old_plugin.so").string() + ": built for plugin API version 999"),
            std::string::npos)
      << result.err;
}

TEST_F(LoaderErrorsTest, OnlySharedLibrariesAreLoaded) {
  // A README, a library under another suffix and a sub-folder are left alone.
  WriteTextFile(dir_ / "plugins/README.md", "not a library\n");
  std::filesystem::copy_file(RUNEXP_WRONG_API_VERSION_PLUGIN, dir_ / "plugins/old_plugin.so.1");
  std::filesystem::create_directories(dir_ / "plugins/nested.so");
  CommandResult result = RunCommand(Runexp("check " + Quote(experiment_) + " --plugin-dir " + Quote(dir_ / "plugins")));
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

// An experiment file may name plugin folders only inside its own folder:
// loading a library runs its code. The folder outside is never opened, even
// though `check` itself reports the error.
TEST_F(LoaderErrorsTest, PluginDirOutsideTheExperimentFolderIsRejected) {
  std::filesystem::path outside = dir_ / "outside", project = dir_ / "project";
  std::filesystem::create_directories(outside);
  std::filesystem::copy_file(RUNEXP_WRONG_API_VERSION_PLUGIN, outside / "old_plugin.so");
  WriteTextFile(project / "experiment.toml", ExperimentText("plugin_dirs = [\"../outside\"]\n"));
  CommandResult result = RunCommand(Runexp("check " + Quote(project / "experiment.toml")));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, (project / "experiment.toml").string() +
                            ":6:16: [experiment] plugin_dirs[0] '../outside' resolves to " + outside.string() +
                            ", outside the experiment's folder " + project.string() +
                            "; loading a plugin library runs its code, so plugin folders must lie inside "
                            "the experiment's folder\n");
  EXPECT_EQ(result.err.find("999"), std::string::npos);
}

TEST_F(LoaderErrorsTest, PluginDirThroughASymlinkOutsideIsRejected) {
  std::filesystem::path outside = dir_ / "outside", project = dir_ / "project";
  std::filesystem::create_directories(outside);
  std::filesystem::copy_file(RUNEXP_WRONG_API_VERSION_PLUGIN, outside / "old_plugin.so");
  std::filesystem::create_directories(project);
  std::filesystem::create_directory_symlink(outside, project / "plugins");
  WriteTextFile(project / "experiment.toml", ExperimentText("plugin_dirs = [\"plugins\"]\n"));
  CommandResult result = RunCommand(Runexp("check " + Quote(project / "experiment.toml")));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("plugin_dirs[0] 'plugins' resolves to "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(", outside the experiment's folder "), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("999"), std::string::npos);
}

}  // namespace
}  // namespace runexp
