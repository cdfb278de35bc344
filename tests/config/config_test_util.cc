#include "config_test_util.h"

#include <fstream>

#include "run_command.h"

namespace runexp::config {
void PrintTo(const FlatParam& param, std::ostream* out) {
  *out << "(\"" << param.key << "\", \"" << param.value << "\", " << param.type << ")";
}
}  // namespace runexp::config

namespace runexp::config::testing {

const char* const kMnistExperiment = R"(# MNIST, Dense(512, relu) -> Dense(10, softmax)
[experiment]
name = "mnist_ch2"
description = "section 2.1"
dsl_version = 1
seed = 7

[stages.train_images]
plugin = "idx_reader"
path = "data/train-images"

[stages.train_labels]
plugin = "idx_reader"
path = "data/train-labels"

[stages.train_x]
plugin = "reshape_normalize"
input = "train_images"
shape = [784]
divide_by = 255.0

[stages.train_y]
plugin = "one_hot"
input = "train_labels"
classes = 10

[stages.model]
plugin = "mlp_trainer"
inputs = { x = "train_x", y = "train_y" }
epochs = 5
batch_size = 128
layers = [
  { units = 512, activation = "relu" },
  { units = 10, activation = "softmax" },
]
optimizer = { name = "rmsprop", learning_rate = 0.001 }

[stages.evaluate]
plugin = "evaluator"
inputs = { model = "model.snapshots", train_x = "train_x", train_y = "train_y", test_x = "train_x", test_y = "train_y" }
)";

void ConfigTest::SetUp() { dir_ = runexp::testing::MakeTempDir("runexp-config-test"); }

void ConfigTest::TearDown() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void ConfigTest::WriteFile(const std::filesystem::path& path, std::string_view text) const {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

CheckResult ConfigTest::Check(std::string_view text, std::vector<std::string> overrides) const {
  LoadOptions options;
  options.overrides = std::move(overrides);
  return CheckExperimentText(text, File(), FakeCatalog(), options);
}

std::vector<std::string> ConfigTest::Lines(const CheckResult& result) const {
  std::vector<std::string> lines;
  for (ConfigError error : result.errors) {
    if (error.file == File().string()) error.file = "exp.toml";
    lines.push_back(FormatConfigError(error));
  }
  return lines;
}

std::vector<std::string> ConfigTest::Errors(std::string_view text,
                                            std::vector<std::string> overrides) const {
  return Lines(Check(text, std::move(overrides)));
}

ExperimentConfig ConfigTest::Valid(std::string_view text,
                                   std::vector<std::string> overrides) const {
  CheckResult result = Check(text, std::move(overrides));
  EXPECT_TRUE(result.ok()) << FormatConfigErrors(result.errors);
  return result.config;
}

const StageConfig& ConfigTest::StageOf(const ExperimentConfig& config, std::string_view id) {
  static const StageConfig kNone;
  const StageConfig* stage = config.FindStage(id);
  EXPECT_NE(stage, nullptr) << "no stage " << id;
  return stage != nullptr ? *stage : kNone;
}

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "'" << from << "' not in the text";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

}  // namespace runexp::config::testing
