// Stage parameters against the plugins' ParamSpecs: every kind of mistake is
// reported with its message and the exact line:column of the value or key.
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace runexp::config::testing {
namespace {

using ::testing::ElementsAre;

class ParamsTest : public ConfigTest {
 protected:
  std::vector<std::string> ErrorsAfter(std::string_view from, std::string_view to) const {
    return Errors(Replace(kMnistExperiment, from, to));
  }
};

TEST_F(ParamsTest, UnknownParameterSuggestsTheClosestName) {
  EXPECT_THAT(ErrorsAfter("epochs = 5", "epoch = 5"),
              ElementsAre("exp.toml:30:1: unknown parameter 'epoch' of stage 'model' "
                          "(mlp_trainer); did you mean 'epochs'?"));
}

TEST_F(ParamsTest, UnknownParameterWithoutCloseMatchListsValidOnes) {
  EXPECT_THAT(ErrorsAfter("epochs = 5", "dropout = 0.5"),
              ElementsAre("exp.toml:30:1: unknown parameter 'dropout' of stage 'model' "
                          "(mlp_trainer); valid parameters: epochs, batch_size, shuffle, "
                          "validation_split, loss, layers, optimizer"));
  EXPECT_THAT(Errors("[experiment]\nname = \"s\"\ndsl_version = 1\n[stages.in]\nplugin = "
                     "\"idx_reader\"\npath = \"x\"\n[stages.s]\nplugin = \"sink\"\ninput = \"in\"\n"
                     "limit = 3\n"),
              ElementsAre("exp.toml:10:1: unknown parameter 'limit' of stage 's' (sink); it "
                          "takes no parameters"));
}

TEST_F(ParamsTest, MissingRequiredParameterIsReportedAtTheStage) {
  EXPECT_THAT(ErrorsAfter("classes = 10", ""),
              ElementsAre("exp.toml:22:1: stage 'train_y' (one_hot): missing required "
                          "parameter 'classes' (integer)"));
}

TEST_F(ParamsTest, WrongTypeSaysExpectedAndGot) {
  EXPECT_THAT(ErrorsAfter("epochs = 5", "epochs = 2.5"),
              ElementsAre("exp.toml:30:10: stage 'model' (mlp_trainer): parameter 'epochs' "
                          "expects integer, got float 2.5"));
  EXPECT_THAT(ErrorsAfter("epochs = 5", "epochs = \"5\""),
              ElementsAre("exp.toml:30:10: stage 'model' (mlp_trainer): parameter 'epochs' "
                          "expects integer, got string \"5\""));
  EXPECT_THAT(ErrorsAfter("epochs = 5", "epochs = 1979-05-27"),
              ElementsAre("exp.toml:30:10: stage 'model' (mlp_trainer): parameter 'epochs' "
                          "expects integer, got date 1979-05-27"));
  EXPECT_THAT(ErrorsAfter("optimizer = { name = \"rmsprop\", learning_rate = 0.001 }",
                          "optimizer = \"adam\""),
              ElementsAre("exp.toml:36:13: stage 'model' (mlp_trainer): parameter 'optimizer' "
                          "expects table, got string \"adam\""));
  EXPECT_THAT(ErrorsAfter("shape = [784]", "shape = 784"),
              ElementsAre("exp.toml:19:9: stage 'train_x' (reshape_normalize): parameter "
                          "'shape' expects array of integer, got integer 784"));
  EXPECT_THAT(ErrorsAfter("path = \"data/train-images\"", "path = 3"),
              ElementsAre("exp.toml:10:8: stage 'train_images' (idx_reader): parameter 'path' "
                          "expects string (a path), got integer 3"));
}

TEST_F(ParamsTest, OutOfRangeNamesTheBounds) {
  EXPECT_THAT(ErrorsAfter("epochs = 5", "epochs = 0"),
              ElementsAre("exp.toml:30:10: stage 'model' (mlp_trainer): parameter 'epochs' = 0 "
                          "is out of range: must be >= 1"));
  EXPECT_THAT(ErrorsAfter("batch_size = 128", "validation_split = 1.5"),
              ElementsAre("exp.toml:31:20: stage 'model' (mlp_trainer): parameter "
                          "'validation_split' = 1.5 is out of range: must be between 0 and 0.99"));
  EXPECT_THAT(ErrorsAfter("learning_rate = 0.001", "learning_rate = -0.5"),
              ElementsAre("exp.toml:36:49: stage 'model' (mlp_trainer): parameter "
                          "'optimizer.learning_rate' = -0.5 is out of range: must be >= 0"));
  EXPECT_THAT(ErrorsAfter("learning_rate = 0.001", "learning_rate = nan"),
              ElementsAre("exp.toml:36:49: stage 'model' (mlp_trainer): parameter "
                          "'optimizer.learning_rate' = nan is out of range: must be >= 0"));
}

TEST_F(ParamsTest, ValueNotAmongChoicesSuggestsOne) {
  EXPECT_THAT(ErrorsAfter("\"relu\"", "\"relo\""),
              ElementsAre("exp.toml:33:31: stage 'model' (mlp_trainer): parameter "
                          "'layers[0].activation' = \"relo\" is not one of \"relu\", \"sigmoid\", "
                          "\"tanh\", \"softmax\", \"linear\"; did you mean \"relu\"?"));
  EXPECT_THAT(ErrorsAfter("epochs = 5", "loss = \"hinge\""),
              ElementsAre("exp.toml:30:8: stage 'model' (mlp_trainer): parameter 'loss' = "
                          "\"hinge\" is not one of \"categorical_crossentropy\", "
                          "\"mean_squared_error\""));
}

TEST_F(ParamsTest, NestedTableFieldsAreCheckedWithTheirOwnPositions) {
  EXPECT_THAT(ErrorsAfter("learning_rate = 0.001", "learning_rat = 0.001"),
              ElementsAre("exp.toml:36:33: unknown parameter 'optimizer.learning_rat' of stage "
                          "'model' (mlp_trainer); did you mean 'optimizer.learning_rate'?"));
  EXPECT_THAT(Errors("[experiment]\nname = \"w\"\ndsl_version = 1\n[stages.t]\nplugin = "
                     "\"tagger\"\nwindow = { stride = 2 }\n"),
              ElementsAre("exp.toml:6:10: stage 't' (tagger): missing required parameter "
                          "'window.size' (integer)"));
}

TEST_F(ParamsTest, ArraysOfTablesAreCheckedElementByElement) {
  EXPECT_THAT(ErrorsAfter("{ units = 10,", "{ units = 0,"),
              ElementsAre("exp.toml:34:13: stage 'model' (mlp_trainer): parameter "
                          "'layers[1].units' = 0 is out of range: must be >= 1"));
  EXPECT_THAT(ErrorsAfter("{ units = 512,", "{ unit = 512,"),
              ElementsAre("exp.toml:33:3: stage 'model' (mlp_trainer): missing required "
                          "parameter 'layers[0].units' (integer)",
                          "exp.toml:33:5: unknown parameter 'layers[0].unit' of stage 'model' "
                          "(mlp_trainer); did you mean 'layers[0].units'?"));
  EXPECT_THAT(ErrorsAfter("  { units = 10, activation = \"softmax\" },", "  5,"),
              ElementsAre("exp.toml:34:3: stage 'model' (mlp_trainer): parameter 'layers[1]' "
                          "expects table, got integer 5"));
}

TEST_F(ParamsTest, ArrayElementsAndLength) {
  EXPECT_THAT(ErrorsAfter("shape = [784]", "shape = [784, \"a\"]"),
              ElementsAre("exp.toml:19:15: stage 'train_x' (reshape_normalize): parameter "
                          "'shape[1]' expects integer, got string \"a\""));
  EXPECT_THAT(ErrorsAfter("shape = [784]", "shape = []"),
              ElementsAre("exp.toml:19:9: stage 'train_x' (reshape_normalize): parameter "
                          "'shape' has 0 items; it needs at least 1"));
}

TEST_F(ParamsTest, EffectiveParamsHaveDefaultsConversionsAndAbsolutePaths) {
  ExperimentConfig config =
      Valid(Replace(kMnistExperiment, "divide_by = 255.0", "divide_by = 255"));
  const ParamValue::Table& reshape = StageOf(config, "train_x").params;
  ASSERT_TRUE(reshape.at("divide_by").is_float());  // an integer where a float is declared
  EXPECT_EQ(reshape.at("divide_by").as_number(), 255.0);
  EXPECT_EQ(reshape.at("shape"), ParamValue(ParamValue::Array{784}));

  const ParamValue::Table& model = StageOf(config, "model").params;
  EXPECT_EQ(model.at("shuffle"), ParamValue(true));
  EXPECT_EQ(model.at("loss"), ParamValue("categorical_crossentropy"));
  EXPECT_EQ(model.at("validation_split"), ParamValue(0.0));
  EXPECT_EQ(model.at("optimizer"), ParamValue(ParamValue::Table{{"name", "rmsprop"},
                                                                {"learning_rate", 0.001},
                                                                {"rho", 0.9},
                                                                {"momentum", 0.0},
                                                                {"nesterov", false},
                                                                {"beta_1", 0.9},
                                                                {"beta_2", 0.999},
                                                                {"epsilon", 1e-7}}));
  EXPECT_EQ(model.at("layers").as_array()[1],
            ParamValue(ParamValue::Table{{"units", 10}, {"activation", "softmax"}}));
  EXPECT_EQ(StageOf(config, "train_images").params.at("path"),
            ParamValue((dir() / "data/train-images").string()));
}

TEST_F(ParamsTest, PathsAreNormalisedAndAbsolutePathsKept) {
  ExperimentConfig config =
      Valid(Replace(Replace(kMnistExperiment, "\"data/train-images\"", "\"./x/../data//images/\""),
                    "\"data/train-labels\"", "\"/srv/labels.gz\""));
  EXPECT_EQ(StageOf(config, "train_images").params.at("path"),
            ParamValue((dir() / "data/images").string()));
  EXPECT_EQ(StageOf(config, "train_labels").params.at("path"), ParamValue("/srv/labels.gz"));
}

TEST_F(ParamsTest, StringArraysPathArraysAndFreeFormTables) {
  std::string text = R"([experiment]
name = "tags"
dsl_version = 1
[stages.t]
plugin = "tagger"
tags = ["red", "blu"]
files = ["a.txt", 3]
extra = { anything = { goes = [1, "two"] } }
weights = [0, 0.5, 2]
)";
  EXPECT_THAT(Errors(text),
              ElementsAre("exp.toml:6:16: stage 't' (tagger): parameter 'tags[1]' = \"blu\" is "
                          "not one of \"red\", \"green\", \"blue\"; did you mean \"blue\"?",
                          "exp.toml:7:19: stage 't' (tagger): parameter 'files[1]' expects "
                          "string (a path), got integer 3",
                          "exp.toml:9:20: stage 't' (tagger): parameter 'weights[2]' = 2 is out "
                          "of range: must be between 0 and 1"));
  ExperimentConfig config = Valid(Replace(
      Replace(Replace(text, "\"blu\"", "\"blue\""), ", 3]", ", \"sub/b.txt\"]"), ", 2]", "]"));
  EXPECT_EQ(StageOf(config, "t").params.at("weights"),
            ParamValue(ParamValue::Array{0.0, 0.5}));  // integers widened in a float array
  const ParamValue::Table& params = StageOf(config, "t").params;
  EXPECT_EQ(params.at("files"), ParamValue(ParamValue::Array{(dir() / "a.txt").string(),
                                                             (dir() / "sub/b.txt").string()}));
  EXPECT_EQ(params.at("extra").ToToml(), "{ anything = { goes = [1, \"two\"] } }");
  EXPECT_EQ(params.at("report"), ParamValue((dir() / "reports/tags.txt").string()));  // a default
  EXPECT_EQ(params.at("window"), ParamValue(ParamValue::Table{{"size", 3}, {"stride", 1}}));
}

}  // namespace
}  // namespace runexp::config::testing
