// docs/dsl.md is tested: every ```toml block marked <!-- check: valid -->
// must load, and every one marked <!-- check: invalid --> must fail with
// exactly the lines of the ```text block that follows it. Optional
// "--set KEY=VALUE" words in the marker are passed as overrides. The
// shipped experiments/ files must load too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config_test_util.h"
#include "doc_examples.h"

namespace runexp::config::testing {
namespace {

const std::filesystem::path kSourceDir = RUNEXP_SOURCE_DIR;

class DocsExamplesTest : public ConfigTest {};

TEST_F(DocsExamplesTest, EveryMarkedExampleBehavesAsDocumented) {
  std::vector<DocExample> examples = ReadDocExamples(kSourceDir / "docs/dsl.md");
  int valid = 0, invalid = 0;
  for (const DocExample& example : examples) {
    SCOPED_TRACE("docs/dsl.md:" + std::to_string(example.line));
    // Examples are written as experiment.toml in a folder holding plugins/.
    std::filesystem::create_directories(dir() / "plugins");
    std::filesystem::path file = dir() / "experiment.toml";
    LoadOptions options;
    options.overrides = example.overrides;
    CheckResult result = CheckExperimentText(example.toml, file, FakeCatalog(), options);
    std::vector<std::string> lines;
    for (ConfigError error : result.errors) {
      if (error.file == file.string()) error.file = "experiment.toml";
      lines.push_back(FormatConfigError(error));
    }
    if (example.valid) {
      ++valid;
      EXPECT_TRUE(result.ok()) << FormatConfigErrors(result.errors);
    } else {
      ++invalid;
      EXPECT_EQ(lines, example.expected_errors);
    }
  }
  // The page promises complete examples and documented errors: keep them tested.
  EXPECT_GE(valid, 4);
  EXPECT_GE(invalid, 4);
}

TEST(ExperimentFilesTest, ShippedExperimentsLoad) {
  for (const char* name : {"mnist_ch2.toml", "fashion_mnist_ch2.toml"}) {
    SCOPED_TRACE(name);
    std::filesystem::path file = kSourceDir / "experiments" / name;
    CheckResult result = CheckExperimentFile(file, FakeCatalog());
    ASSERT_TRUE(result.ok()) << FormatConfigErrors(result.errors);
    EXPECT_EQ(result.config.results_path, (kSourceDir / "results/results.db").lexically_normal());
    EXPECT_EQ(result.config.stages.back().id, "evaluate");
  }
}

TEST(ExperimentFilesTest, TheTwoExperimentsDifferOnlyInNameAndData) {
  auto load = [](const char* name) {
    return CheckExperimentFile(kSourceDir / "experiments" / name, FakeCatalog()).config;
  };
  ExperimentConfig mnist = load("mnist_ch2.toml");
  ExperimentConfig fashion = load("fashion_mnist_ch2.toml");
  ASSERT_EQ(mnist.flat_params.size(), fashion.flat_params.size());
  std::vector<std::string> differing;
  for (size_t i = 0; i < mnist.flat_params.size(); ++i) {
    EXPECT_EQ(mnist.flat_params[i].key, fashion.flat_params[i].key);
    if (mnist.flat_params[i].value != fashion.flat_params[i].value) {
      differing.push_back(mnist.flat_params[i].key);
    }
  }
  EXPECT_THAT(differing, ::testing::ElementsAre("experiment.description", "experiment.name",
                                                "test_images.path", "test_labels.path",
                                                "train_images.path", "train_labels.path"));
  for (const StageConfig& stage : fashion.stages) {
    if (stage.plugin == "idx_reader") {
      EXPECT_THAT(stage.params.at("path").as_string(), ::testing::EndsWith(".gz"));
      EXPECT_THAT(stage.params.at("path").as_string(),
                  ::testing::HasSubstr("/data/fashion-mnist/"));
    }
  }
}

}  // namespace
}  // namespace runexp::config::testing
