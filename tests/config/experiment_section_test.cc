// The [experiment] table: required keys, the DSL version, the seed, the
// results path and plugin folders.
#include <gtest/gtest.h>

#include <filesystem>

#include "config_test_util.h"

namespace runexp::config::testing {
namespace {

using ::testing::ElementsAre;

class ExperimentSectionTest : public ConfigTest {
 protected:
  std::vector<std::string> ErrorsAfter(std::string_view from, std::string_view to) const {
    return Errors(Replace(kMnistExperiment, from, to));
  }
};

TEST_F(ExperimentSectionTest, ReadsEveryField) {
  ExperimentConfig config = Valid(kMnistExperiment);
  EXPECT_EQ(config.name, "mnist_ch2");
  EXPECT_EQ(config.description, "section 2.1");
  EXPECT_EQ(config.dsl_version, 1);
  EXPECT_EQ(config.seed, 7);
  EXPECT_FALSE(config.seed_was_drawn);
  EXPECT_EQ(config.file, File());
  EXPECT_EQ(config.dir, dir());
  // The default: results/results.db in the current folder.
  EXPECT_EQ(config.results_path, std::filesystem::current_path() / "results/results.db");
  EXPECT_TRUE(config.plugin_dirs.empty());
}

TEST_F(ExperimentSectionTest, MissingRequiredKeys) {
  EXPECT_THAT(ErrorsAfter("name = \"mnist_ch2\"\n", ""),
              ElementsAre("exp.toml:2:1: [experiment] is missing required key 'name' (string)"));
  EXPECT_THAT(ErrorsAfter("dsl_version = 1\n", ""),
              ElementsAre("exp.toml:2:1: [experiment] is missing required key 'dsl_version' "
                          "(integer; this runexp supports 1)"));
  EXPECT_THAT(ErrorsAfter("[experiment]", "[experiments]"),
              ElementsAre("exp.toml:1:1: missing [experiment] table (it needs at least name and "
                          "dsl_version = 1)",
                          "exp.toml:2:2: unknown top-level key 'experiments'; did you mean "
                          "'experiment'? (an experiment file has an [experiment] table and "
                          "[stages.<id>] tables)"));
}

TEST_F(ExperimentSectionTest, WrongTypesAndEmptyName) {
  EXPECT_THAT(ErrorsAfter("name = \"mnist_ch2\"", "name = 5"),
              ElementsAre("exp.toml:3:8: [experiment] key 'name' expects string, got integer 5"));
  EXPECT_THAT(ErrorsAfter("name = \"mnist_ch2\"", "name = \"\""),
              ElementsAre("exp.toml:3:8: [experiment] key 'name' must not be empty"));
  EXPECT_THAT(ErrorsAfter("seed = 7", "seed = \"7\""),
              ElementsAre("exp.toml:6:8: [experiment] key 'seed' expects integer, got string "
                          "\"7\""));
}

TEST_F(ExperimentSectionTest, UnsupportedDslVersionStopsTheCheck) {
  // The stage errors are not reported: a file for another DSL version
  // would only produce noise.
  std::string text = Replace(kMnistExperiment, "dsl_version = 1", "dsl_version = 2");
  text = Replace(text, "epochs = 5", "epoch = 5");
  EXPECT_THAT(Errors(text),
              ElementsAre("exp.toml:5:15: unsupported DSL version 2 (this runexp supports 1)"));
  EXPECT_THAT(ErrorsAfter("dsl_version = 1", "dsl_version = \"1\""),
              ElementsAre("exp.toml:5:15: [experiment] key 'dsl_version' expects integer, got "
                          "string \"1\""));
}

TEST_F(ExperimentSectionTest, UnknownKeySuggests) {
  EXPECT_THAT(ErrorsAfter("seed = 7", "sed = 7"),
              ElementsAre("exp.toml:6:1: unknown key 'sed' in [experiment]; did you mean "
                          "'seed'?"));
  EXPECT_THAT(ErrorsAfter("seed = 7", "owner = \"me\""),
              ElementsAre("exp.toml:6:1: unknown key 'owner' in [experiment]; valid keys: "
                          "checkpoint_every, description, dsl_version, keep_checkpoints, name, "
                          "plugin_dirs, results, seed"));
}

TEST_F(ExperimentSectionTest, NegativeSeedIsOutOfRange) {
  EXPECT_THAT(ErrorsAfter("seed = 7", "seed = -1"),
              ElementsAre("exp.toml:6:8: [experiment] key 'seed' = -1 is out of range: must be "
                          ">= 0"));
}

TEST_F(ExperimentSectionTest, MissingSeedIsDrawnRecordedAndFlagged) {
  std::string text = Replace(kMnistExperiment, "seed = 7\n", "");
  ExperimentConfig first = Valid(text);
  ExperimentConfig second = Valid(text);
  EXPECT_TRUE(first.seed_was_drawn);
  EXPECT_GE(first.seed, 0);
  EXPECT_NE(first.seed, second.seed);  // 63 random bits: equal only by a bug
  EXPECT_NE(first.effective_toml.find("\nseed = " + std::to_string(first.seed) + "\n"),
            std::string::npos);
  EXPECT_NE(first.config_sha256, second.config_sha256);
  EXPECT_EQ(first.flat_params[7],
            (FlatParam{"experiment.seed", std::to_string(first.seed), "integer"}));
}

TEST_F(ExperimentSectionTest, CheckpointSettingsDefaultAndAreChecked) {
  ExperimentConfig defaults = Valid(kMnistExperiment);
  EXPECT_EQ(defaults.checkpoint_every, 1);
  EXPECT_EQ(defaults.keep_checkpoints, 0);
  ExperimentConfig set = Valid(Replace(kMnistExperiment, "seed = 7", "seed = 7\ncheckpoint_every = 2\nkeep_checkpoints = 3"));
  EXPECT_EQ(set.checkpoint_every, 2);
  EXPECT_EQ(set.keep_checkpoints, 3);
  EXPECT_THAT(ErrorsAfter("seed = 7", "seed = 7\nkeep_checkpoints = -1"),
              ElementsAre("exp.toml:7:20: [experiment] key 'keep_checkpoints' = -1 is out of range: must be >= 0"));
  EXPECT_THAT(ErrorsAfter("seed = 7", "seed = 7\ncheckpoint_every = true"),
              ElementsAre("exp.toml:7:20: [experiment] key 'checkpoint_every' expects integer, got boolean true"));
  EXPECT_THAT(ErrorsAfter("seed = 7", "seed = 7\nkeep_checkpoint = 2"),
              ElementsAre(::testing::HasSubstr("unknown key 'keep_checkpoint' in [experiment]; did you mean 'keep_checkpoints'?")));
}

TEST_F(ExperimentSectionTest, ResultsPathIsRelativeToTheExperimentFile) {
  std::filesystem::create_directories(dir() / "out");
  ExperimentConfig config =
      Valid(Replace(kMnistExperiment, "seed = 7", "seed = 7\nresults = \"out/../out/r.db\""));
  EXPECT_EQ(config.results_path, dir() / "out/r.db");
  EXPECT_THAT(ErrorsAfter("seed = 7", "seed = 7\nresults = \"\""),
              ElementsAre("exp.toml:7:11: [experiment] key 'results' must not be empty"));
}

TEST_F(ExperimentSectionTest, PluginDirsMustLieInsideTheExperimentFolder) {
  std::filesystem::create_directories(dir() / "plugins");
  std::filesystem::create_directories(dir().parent_path() / (dir().filename().string() + "-x"));
  std::filesystem::create_symlink(dir().parent_path(), dir() / "escape");
  ExperimentConfig config =
      Valid(Replace(kMnistExperiment, "seed = 7", "seed = 7\nplugin_dirs = [\"plugins/\", \".\"]"));
  EXPECT_THAT(config.plugin_dirs, ElementsAre(dir() / "plugins", dir()));

  std::string outside = "../" + dir().filename().string() + "-x";
  std::vector<std::string> errors = ErrorsAfter(
      "seed = 7", "seed = 7\nplugin_dirs = [\"" + outside + "\", \"escape\", \"missing\", 4]");
  std::filesystem::remove_all(dir().parent_path() / (dir().filename().string() + "-x"));
  EXPECT_THAT(
      errors,
      ElementsAre("exp.toml:7:16: [experiment] plugin_dirs[0] '" + outside + "' resolves to " +
                      (dir().parent_path() / (dir().filename().string() + "-x")).string() +
                      ", outside the experiment's folder " + dir().string() +
                      "; loading a plugin library runs its code, so plugin folders must lie "
                      "inside the experiment's folder",
                  "exp.toml:7:" + std::to_string(16 + outside.size() + 4) +
                      ": [experiment] plugin_dirs[1] 'escape' resolves to " +
                      (dir() / "escape").string() + ", outside the experiment's folder " +
                      dir().string() +
                      "; loading a plugin library runs its code, so plugin folders must lie "
                      "inside the experiment's folder",
                  "exp.toml:7:" + std::to_string(16 + outside.size() + 14) +
                      ": [experiment] plugin_dirs[2] 'missing': no such directory (" +
                      (dir() / "missing").string() + ")",
                  "exp.toml:7:" + std::to_string(16 + outside.size() + 25) +
                      ": [experiment] plugin_dirs[3] expects a non-empty string, got integer 4"));
}

TEST_F(ExperimentSectionTest, PeekPluginDirsReturnsTheValidOnes) {
  std::filesystem::create_directories(dir() / "plugins");
  WriteFile(File(), Replace(kMnistExperiment, "seed = 7",
                            "seed = 7\nplugin_dirs = [\"plugins\", \"..\", \"missing\"]"));
  EXPECT_THAT(PeekPluginDirs(File()), ElementsAre(dir() / "plugins"));
  EXPECT_TRUE(PeekPluginDirs(dir() / "no-such-file.toml").empty());
}

TEST_F(ExperimentSectionTest, LoadExperimentReadsTheFile) {
  WriteFile(File(), kMnistExperiment);
  Result<ExperimentConfig> loaded = LoadExperiment(File(), FakeCatalog());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->name, "mnist_ch2");

  Result<ExperimentConfig> missing = LoadExperiment(dir() / "nope.toml", FakeCatalog());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);

  WriteFile(File(), Replace(Replace(kMnistExperiment, "seed = 7", "seed = -7"), "epochs", "epoch"));
  Result<ExperimentConfig> invalid = LoadExperiment(File(), FakeCatalog());
  EXPECT_EQ(invalid.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(invalid.status().message(),
            File().string() + ":6:8: [experiment] key 'seed' = -7 is out of range: must be >= 0\n" +
                File().string() +
                ":30:1: unknown parameter 'epoch' of stage 'model' "
                "(mlp_trainer); did you mean 'epochs'?");
}

}  // namespace
}  // namespace runexp::config::testing
