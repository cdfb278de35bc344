// The effective TOML, its hash and the flat parameters: canonical (layout,
// comments, key order and shorthand do not matter), complete, and loadable.
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace runexp::config::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

// kMnistExperiment written differently: keys and tables reordered, comments,
// whitespace, the long form of `input`, explicit defaults, dotted keys and
// [[array of tables]] syntax, integers where floats are declared.
constexpr const char* kSameExperimentRewritten = R"(
[stages.evaluate]   # the last stage first
inputs = { test_y = "train_y.output", test_x = "train_x", train_y = "train_y", train_x = "train_x.output", model = "model.snapshots" }
plugin = "evaluator"

[stages.model]
optimizer.learning_rate = 0.0010
optimizer.name = "rmsprop"
optimizer.rho = 0.9
batch_size   =   128
epochs = 5
plugin = "mlp_trainer"
inputs.y = "train_y"
inputs.x = "train_x.output"
shuffle = true   # the default, written out
validation_split = 0   # the default, as an integer

[[stages.model.layers]]
activation = "relu"
units = 512

[[stages.model.layers]]
units = 10
activation = "softmax"

[experiment]
seed = 7
dsl_version = 1
description = 'section 2.1'
name = "mnist_ch2"

[stages.train_y]
classes = 10
plugin = "one_hot"
inputs = { input = "train_labels" }

[stages.train_x]
divide_by = 255
shape = [ 784, ]
plugin = "reshape_normalize"
input = "train_images.output"

[stages.train_labels]
path = "data/../data/train-labels"
plugin = "idx_reader"

[stages.train_images]
plugin = "idx_reader"
path = "data/train-images"
)";

class CanonicalTest : public ConfigTest {};

TEST_F(CanonicalTest, SameExperimentWrittenDifferentlyGivesTheSameTextAndHash) {
  ExperimentConfig original = Valid(kMnistExperiment);
  ExperimentConfig rewritten = Valid(kSameExperimentRewritten);
  EXPECT_EQ(rewritten.effective_toml, original.effective_toml);
  EXPECT_EQ(rewritten.config_sha256, original.config_sha256);
  EXPECT_EQ(rewritten.flat_params, original.flat_params);
  EXPECT_EQ(original.config_sha256.size(), 64u);
}

TEST_F(CanonicalTest, AnyEffectiveChangeChangesTheHash) {
  std::string base = Valid(kMnistExperiment).config_sha256;
  EXPECT_NE(Valid(Replace(kMnistExperiment, "epochs = 5", "epochs = 6")).config_sha256, base);
  EXPECT_NE(Valid(Replace(kMnistExperiment, "seed = 7", "seed = 8")).config_sha256, base);
  EXPECT_NE(Valid(Replace(kMnistExperiment, "0.001", "0.0010000001")).config_sha256, base);
  EXPECT_NE(Valid(Replace(kMnistExperiment, "test_x = \"train_x\"", "test_x = \"train_y\""))
                .config_sha256,
            base);
  EXPECT_NE(Valid(Replace(kMnistExperiment, "section 2.1", "section 2.2")).config_sha256, base);
}

TEST_F(CanonicalTest, EffectiveTomlIsSortedCompleteAndAbsolute) {
  std::string d = dir().string();
  std::string expected =
      "[experiment]\n"
      "checkpoint_every = 1\n"
      "description = \"section 2.1\"\n"
      "dsl_version = 1\n"
      "keep_checkpoints = 0\n"
      "name = \"mnist_ch2\"\n"
      "plugin_dirs = []\n"
      "results = \"" +
      std::filesystem::current_path().string() +
      "/results/results.db\"\n"
      "seed = 7\n"
      "\n[stages.evaluate]\n"
      "batch_size = 1024\n"
      "inputs = { model = \"model.snapshots\", test_x = \"train_x.output\", "
      "test_y = \"train_y.output\", train_x = \"train_x.output\", "
      "train_y = \"train_y.output\" }\n"
      "plugin = \"evaluator\"\n"
      "score_train_set = false\n"
      "\n[stages.model]\n"
      "batch_size = 128\n"
      "epochs = 5\n"
      "inputs = { x = \"train_x.output\", y = \"train_y.output\" }\n"
      "layers = [{ activation = \"relu\", units = 512 }, "
      "{ activation = \"softmax\", units = 10 }]\n"
      "loss = \"categorical_crossentropy\"\n"
      "optimizer = { beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-07, "
      "learning_rate = 0.001, momentum = 0.0, name = \"rmsprop\", "
      "nesterov = false, rho = 0.9 }\n"
      "plugin = \"mlp_trainer\"\n"
      "shuffle = true\n"
      "validation_split = 0.0\n"
      "\n[stages.train_images]\n"
      "limit = 0\n"
      "path = \"" +
      d +
      "/data/train-images\"\n"
      "plugin = \"idx_reader\"\n"
      "\n[stages.train_labels]\n"
      "limit = 0\n"
      "path = \"" +
      d +
      "/data/train-labels\"\n"
      "plugin = \"idx_reader\"\n"
      "\n[stages.train_x]\n"
      "divide_by = 255.0\n"
      "inputs = { input = \"train_images.output\" }\n"
      "mean = 0.0\n"
      "plugin = \"reshape_normalize\"\n"
      "scaling = \"divide\"\n"
      "shape = [784]\n"
      "std = 1.0\n"
      "storage = \"float32\"\n"
      "\n[stages.train_y]\n"
      "classes = 10\n"
      "inputs = { input = \"train_labels.output\" }\n"
      "plugin = \"one_hot\"\n";
  EXPECT_EQ(Valid(kMnistExperiment).effective_toml, expected);
}

void ExpectSameConfig(const ExperimentConfig& a, const ExperimentConfig& b) {
  EXPECT_EQ(a.file, b.file);
  EXPECT_EQ(a.dir, b.dir);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.dsl_version, b.dsl_version);
  EXPECT_EQ(a.results_path, b.results_path);
  EXPECT_EQ(a.plugin_dirs, b.plugin_dirs);
  ASSERT_EQ(a.stages.size(), b.stages.size());
  for (size_t i = 0; i < a.stages.size(); ++i) {
    SCOPED_TRACE(a.stages[i].id);
    EXPECT_EQ(a.stages[i].id, b.stages[i].id);
    EXPECT_EQ(a.stages[i].plugin, b.stages[i].plugin);
    EXPECT_EQ(a.stages[i].spec, b.stages[i].spec);
    EXPECT_EQ(a.stages[i].params, b.stages[i].params);
    ASSERT_EQ(a.stages[i].inputs.size(), b.stages[i].inputs.size());
    for (size_t k = 0; k < a.stages[i].inputs.size(); ++k) {
      EXPECT_EQ(a.stages[i].inputs[k].input_port, b.stages[i].inputs[k].input_port);
      EXPECT_EQ(a.stages[i].inputs[k].producer, b.stages[i].inputs[k].producer);
      EXPECT_EQ(a.stages[i].inputs[k].producer_port, b.stages[i].inputs[k].producer_port);
    }
  }
  EXPECT_EQ(a.effective_toml, b.effective_toml);
  EXPECT_EQ(a.config_sha256, b.config_sha256);
  EXPECT_EQ(a.flat_params, b.flat_params);
}

TEST_F(CanonicalTest, LoadingTheEffectiveTomlGivesTheSameConfig) {
  std::filesystem::create_directories(dir() / "plugins");
  std::string text = Replace(kMnistExperiment, "seed = 7",
                             "seed = 7\nplugin_dirs = [\"plugins\"]\nresults = \"r.db\"");
  ExperimentConfig first = Valid(text, {"model.optimizer.epsilon=1e-8", "model.epochs=3"});
  ExperimentConfig again = Valid(first.effective_toml);
  ExpectSameConfig(first, again);
  EXPECT_FALSE(again.seed_was_drawn);
}

TEST_F(CanonicalTest, ADrawnSeedIsFixedByTheEffectiveToml) {
  ExperimentConfig drawn = Valid(Replace(kMnistExperiment, "seed = 7\n", ""));
  ASSERT_TRUE(drawn.seed_was_drawn);
  ExperimentConfig again = Valid(drawn.effective_toml);
  ExpectSameConfig(drawn, again);
  EXPECT_FALSE(again.seed_was_drawn);  // the effective config states it
}

TEST_F(CanonicalTest, FloatsSurviveTheRoundTripExactly) {
  ExperimentConfig first = Valid(
      Replace(kMnistExperiment, "learning_rate = 0.001", "learning_rate = 0.1234567890123456789"));
  ExperimentConfig again = Valid(first.effective_toml);
  EXPECT_EQ(StageOf(again, "model").params.at("optimizer").as_table().at("learning_rate"),
            ParamValue(0.1234567890123456789));
}

TEST_F(CanonicalTest, FlatParamsUseDottedKeysWithIndexesAndTypes) {
  ExperimentConfig config = Valid(kMnistExperiment);
  std::vector<FlatParam> expected = {
      {"experiment.checkpoint_every", "1", "integer"},
      {"experiment.description", "section 2.1", "string"},
      {"experiment.dsl_version", "1", "integer"},
      {"experiment.keep_checkpoints", "0", "integer"},
      {"experiment.name", "mnist_ch2", "string"},
      {"experiment.plugin_dirs", "[]", "array"},
      {"experiment.results", (std::filesystem::current_path() / "results/results.db").string(), "string"},
      {"experiment.seed", "7", "integer"},
      {"evaluate.batch_size", "1024", "integer"},
      {"evaluate.score_train_set", "false", "boolean"},
      {"model.batch_size", "128", "integer"},
      {"model.epochs", "5", "integer"},
      {"model.layers[0].activation", "relu", "string"},
      {"model.layers[0].units", "512", "integer"},
      {"model.layers[1].activation", "softmax", "string"},
      {"model.layers[1].units", "10", "integer"},
      {"model.loss", "categorical_crossentropy", "string"},
      {"model.optimizer.beta_1", "0.9", "float"},
      {"model.optimizer.beta_2", "0.999", "float"},
      {"model.optimizer.epsilon", "1e-07", "float"},
      {"model.optimizer.learning_rate", "0.001", "float"},
      {"model.optimizer.momentum", "0.0", "float"},
      {"model.optimizer.name", "rmsprop", "string"},
      {"model.optimizer.nesterov", "false", "boolean"},
      {"model.optimizer.rho", "0.9", "float"},
      {"model.shuffle", "true", "boolean"},
      {"model.validation_split", "0.0", "float"},
      {"train_images.limit", "0", "integer"},
      {"train_images.path", (dir() / "data/train-images").string(), "string"},
      {"train_labels.limit", "0", "integer"},
      {"train_labels.path", (dir() / "data/train-labels").string(), "string"},
      {"train_x.divide_by", "255.0", "float"},
      {"train_x.mean", "0.0", "float"},
      {"train_x.scaling", "divide", "string"},
      {"train_x.shape[0]", "784", "integer"},
      {"train_x.std", "1.0", "float"},
      {"train_x.storage", "float32", "string"},
      {"train_y.classes", "10", "integer"},
  };
  EXPECT_EQ(config.flat_params, expected);
}

}  // namespace
}  // namespace runexp::config::testing
