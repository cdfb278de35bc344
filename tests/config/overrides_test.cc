// --set KEY=VALUE: applied before validation, validated like the file, and
// every error names the override.
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace runexp::config::testing {
namespace {

using ::testing::ElementsAre;

class OverridesTest : public ConfigTest {
 protected:
  std::vector<std::string> OverrideErrors(std::vector<std::string> overrides) const {
    return Errors(kMnistExperiment, std::move(overrides));
  }
};

TEST_F(OverridesTest, ValidOverridesChangeTheEffectiveConfig) {
  ExperimentConfig config =
      Valid(kMnistExperiment,
            {"model.epochs=10", "model.optimizer.learning_rate=0.01", "model.layers[0].units=256",
             "experiment.seed=9", "model.optimizer = { name = \"sgd\", momentum = 0.9 }",
             "model.optimizer.rho=0.5", "train_x.shape=[28, 28]"});
  const ParamValue::Table& model = StageOf(config, "model").params;
  EXPECT_EQ(model.at("epochs"), ParamValue(10));
  EXPECT_EQ(model.at("layers").as_array()[0].as_table().at("units"), ParamValue(256));
  // A later override wins: the whole optimizer table was replaced, then rho set.
  EXPECT_EQ(model.at("optimizer"), ParamValue(ParamValue::Table{{"name", "sgd"},
                                                                {"learning_rate", 0.001},
                                                                {"rho", 0.5},
                                                                {"momentum", 0.9},
                                                                {"nesterov", false},
                                                                {"beta_1", 0.9},
                                                                {"beta_2", 0.999},
                                                                {"epsilon", 1e-7}}));
  EXPECT_EQ(StageOf(config, "train_x").params.at("shape"), ParamValue(ParamValue::Array{28, 28}));
  EXPECT_EQ(config.seed, 9);
  EXPECT_NE(config.effective_toml.find("epochs = 10\n"), std::string::npos);
  EXPECT_NE(config.config_sha256, Valid(kMnistExperiment).config_sha256);
}

TEST_F(OverridesTest, ReachingIntoAnOmittedParameterStartsFromItsDefault) {
  std::string text =
      Replace(kMnistExperiment, "optimizer = { name = \"rmsprop\", learning_rate = 0.001 }\n", "");
  ExperimentConfig config = Valid(text, {"model.optimizer.learning_rate=0.01"});
  EXPECT_EQ(StageOf(config, "model").params.at("optimizer"),
            ParamValue(ParamValue::Table{{"name", "rmsprop"},
                                         {"learning_rate", 0.01},
                                         {"rho", 0.9},
                                         {"momentum", 0.0},
                                         {"nesterov", false},
                                         {"beta_1", 0.9},
                                         {"beta_2", 0.999},
                                         {"epsilon", 1e-7}}));
}

TEST_F(OverridesTest, SeedOverrideReplacesADrawnSeed) {
  ExperimentConfig config =
      Valid(Replace(kMnistExperiment, "seed = 7\n", ""), {"experiment.seed=42"});
  EXPECT_EQ(config.seed, 42);
  EXPECT_FALSE(config.seed_was_drawn);
}

TEST_F(OverridesTest, UnknownParameterSuggestsAndNamesTheOverride) {
  EXPECT_THAT(OverrideErrors({"model.epoch=3"}),
              ElementsAre("--set model.epoch=3: unknown parameter 'epoch' of stage 'model' "
                          "(mlp_trainer); did you mean 'epochs'?"));
  EXPECT_THAT(OverrideErrors({"model.optimizer.learning_rat=3"}),
              ElementsAre("--set model.optimizer.learning_rat=3: unknown parameter "
                          "'optimizer.learning_rat' of stage 'model' (mlp_trainer); did you mean "
                          "'optimizer.learning_rate'?"));
  EXPECT_THAT(OverrideErrors({"modle.epochs=3"}),
              ElementsAre("--set modle.epochs=3: unknown stage 'modle'; did you mean 'model'?"));
  EXPECT_THAT(OverrideErrors({"experiment.sed=3"}),
              ElementsAre("--set experiment.sed=3: unknown key 'sed' in [experiment]; did you "
                          "mean 'seed'?"));
}

TEST_F(OverridesTest, OverriddenValuesAreValidatedLikeTheFile) {
  EXPECT_THAT(OverrideErrors({"model.epochs=\"ten\""}),
              ElementsAre("--set model.epochs=\"ten\": stage 'model' (mlp_trainer): parameter "
                          "'epochs' expects integer, got string \"ten\""));
  EXPECT_THAT(OverrideErrors({"model.layers[1].units=0"}),
              ElementsAre("--set model.layers[1].units=0: stage 'model' (mlp_trainer): "
                          "parameter 'layers[1].units' = 0 is out of range: must be >= 1"));
  EXPECT_THAT(OverrideErrors({"experiment.dsl_version=3"}),
              ElementsAre("--set experiment.dsl_version=3: unsupported DSL version 3 (this "
                          "runexp supports 1)"));
}

TEST_F(OverridesTest, BadLiteral) {
  EXPECT_THAT(OverrideErrors({"model.loss=mean_squared_error"}),
              ElementsAre("--set model.loss=mean_squared_error: 'mean_squared_error' is not a "
                          "TOML value: could not determine value type; strings need quotes, "
                          "e.g. '\"mean_squared_error\"'"));
  EXPECT_THAT(OverrideErrors({"model.epochs=[1,"}),
              ElementsAre("--set model.epochs=[1,: '[1,' is not a TOML value: encountered "
                          "end-of-file"));
  EXPECT_THAT(OverrideErrors({"model.epochs="}),
              ElementsAre("--set model.epochs=: missing value after '='"));
  EXPECT_THAT(OverrideErrors({"model.epochs=3\nx = 4"}),
              ElementsAre("--set model.epochs=3\\nx = 4: '3\\nx = 4' is not a single TOML value"));
}

TEST_F(OverridesTest, MalformedKey) {
  EXPECT_THAT(OverrideErrors({"model.epochs"}),
              ElementsAre("--set model.epochs: expected KEY=VALUE, e.g. model.epochs=10"));
  EXPECT_THAT(OverrideErrors({"model=3"}),
              ElementsAre("--set model=3: KEY must be a stage id or 'experiment' followed by a "
                          "parameter, e.g. model.epochs or experiment.seed"));
  EXPECT_THAT(OverrideErrors({"model..epochs=3"}),
              ElementsAre("--set model..epochs=3: unexpected '.' in KEY"));
  EXPECT_THAT(OverrideErrors({"model.layers[x].units=3"}),
              ElementsAre("--set model.layers[x].units=3: bad array index '[x]' (expected a "
                          "number from 0)"));
  EXPECT_THAT(OverrideErrors({"model.layers[-1].units=3"}),
              ElementsAre("--set model.layers[-1].units=3: bad array index '[-1]' (expected a "
                          "number from 0)"));
  EXPECT_THAT(OverrideErrors({"model.layers[0.units=3"}),
              ElementsAre("--set model.layers[0.units=3: missing ']' in KEY"));
}

TEST_F(OverridesTest, IndexOutOfRangeAndWrongShapes) {
  EXPECT_THAT(OverrideErrors({"model.layers[2].units=3"}),
              ElementsAre("--set model.layers[2].units=3: index 2 is out of range: 'layers' "
                          "has 2 items"));
  EXPECT_THAT(OverrideErrors({"model.epochs[0]=3"}),
              ElementsAre("--set model.epochs[0]=3: 'epochs' is an integer, not an array"));
  EXPECT_THAT(OverrideErrors({"model.epochs.x=3"}),
              ElementsAre("--set model.epochs.x=3: 'epochs' is an integer, not a table"));
  EXPECT_THAT(
      Errors(Replace(kMnistExperiment, "[stages.train_x]", "[stages.train_x]\nextra_list = [1]"),
             {"train_y.missing[0]=1"}),
      ElementsAre("--set train_y.missing[0]=1: 'missing' is not set, so it has no item 0",
                  "exp.toml:17:1: unknown parameter 'extra_list' of stage 'train_x' "
                  "(reshape_normalize); valid parameters: shape, scaling, divide_by, mean, std, storage"));
}

TEST_F(OverridesTest, AllOverrideErrorsComeTogetherInCommandLineOrder) {
  EXPECT_THAT(OverrideErrors({"model.epoch=3", "model.epochs", "experiment.seed=-2"}),
              ElementsAre("--set model.epoch=3: unknown parameter 'epoch' of stage 'model' "
                          "(mlp_trainer); did you mean 'epochs'?",
                          "--set model.epochs: expected KEY=VALUE, e.g. model.epochs=10",
                          "--set experiment.seed=-2: [experiment] key 'seed' = -2 is out of "
                          "range: must be >= 0"));
}

}  // namespace
}  // namespace runexp::config::testing
