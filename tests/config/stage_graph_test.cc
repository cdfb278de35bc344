// Plugins, references between stages, port types, required inputs, cycles
// and the order of stages.
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace runexp::config::testing {
namespace {

using ::testing::ElementsAre;

// A tagger (outputs: output, a value; log, a stream) feeding a sink.
constexpr const char* kTaggerAndSink = R"([experiment]
name = "w"
dsl_version = 1
[stages.t]
plugin = "tagger"
[stages.s]
plugin = "sink"
input = "t"
)";

class StageGraphTest : public ConfigTest {
 protected:
  std::vector<std::string> ErrorsAfter(std::string_view from, std::string_view to) const {
    return Errors(Replace(kMnistExperiment, from, to));
  }
};

TEST_F(StageGraphTest, UnknownPluginSuggestsAndListsKnownOnes) {
  EXPECT_THAT(ErrorsAfter("\"mlp_trainer\"", "\"mlp_trainr\""),
              ElementsAre("exp.toml:28:10: unknown plugin 'mlp_trainr' (did you mean "
                          "'mlp_trainer'?); known plugins: evaluator, idx_reader, mlp_trainer, "
                          "one_hot, reshape_normalize, sink, tagger"));
  EXPECT_THAT(ErrorsAfter("\"mlp_trainer\"", "\"resnet\""),
              ElementsAre("exp.toml:28:10: unknown plugin 'resnet'; known plugins: evaluator, "
                          "idx_reader, mlp_trainer, one_hot, reshape_normalize, sink, tagger"));
}

TEST_F(StageGraphTest, MissingPluginKey) {
  EXPECT_THAT(ErrorsAfter("plugin = \"one_hot\"\n", ""),
              ElementsAre("exp.toml:22:1: stages.train_y: missing required key 'plugin'"));
}

TEST_F(StageGraphTest, ReferenceToMissingStageSuggests) {
  EXPECT_THAT(ErrorsAfter("input = \"train_images\"", "input = \"train_imagse\""),
              ElementsAre("exp.toml:18:9: stages.train_x: unknown stage 'train_imagse'; did "
                          "you mean 'train_images'?"));
  EXPECT_THAT(ErrorsAfter("input = \"train_images\"", "input = \"pixels\""),
              ElementsAre("exp.toml:18:9: stages.train_x: unknown stage 'pixels'; valid "
                          "stages: evaluate, model, train_images, train_labels, train_x, "
                          "train_y"));
}

TEST_F(StageGraphTest, ReferenceToMissingPortSuggests) {
  EXPECT_THAT(ErrorsAfter("\"model.snapshots\"", "\"model.snapshot\""),
              ElementsAre("exp.toml:40:20: stages.evaluate: stage 'model' (mlp_trainer) has no "
                          "output 'snapshot'; did you mean 'snapshots'?"));
  EXPECT_THAT(ErrorsAfter("\"model.snapshots\"", "\"model.weights\""),
              ElementsAre("exp.toml:40:20: stages.evaluate: stage 'model' (mlp_trainer) has no "
                          "output 'weights'; valid outputs: snapshots"));
  EXPECT_THAT(ErrorsAfter("\"model.snapshots\"", "\"model..x\""),
              ElementsAre("exp.toml:40:20: stages.evaluate: bad reference \"model..x\": "
                          "expected \"stage\" or \"stage.port\""));
}

TEST_F(StageGraphTest, StageAloneNeedsASingleOutput) {
  EXPECT_THAT(Errors(kTaggerAndSink),
              ElementsAre("exp.toml:8:9: stages.s: stage 't' (tagger) has several outputs "
                          "(output, log): name one, e.g. \"t.output\""));
  Valid(Replace(kTaggerAndSink, "\"t\"", "\"t.output\""));
  EXPECT_THAT(ErrorsAfter("input = \"train_images\"", "input = \"evaluate\""),
              ElementsAre("exp.toml:18:9: stages.train_x: stage 'evaluate' (evaluator) has no "
                          "outputs",
                          // The reference still makes evaluate feed train_x, which feeds evaluate.
                          "exp.toml:38:1: the stages form a cycle: evaluate \u2192 train_x "
                          "\u2192 evaluate"));
}

TEST_F(StageGraphTest, PortTypeMismatchNamesBothEndsAndTypes) {
  EXPECT_THAT(ErrorsAfter("\"model.snapshots\"", "\"train_x\""),
              ElementsAre("exp.toml:40:20: stages.evaluate input 'model' (model, stream) is "
                          "connected to train_x.output (tensor, value)"));
}

TEST_F(StageGraphTest, ValueVersusStreamIsATypeMismatch) {
  EXPECT_THAT(Errors(Replace(kTaggerAndSink, "\"t\"", "\"t.log\"")),
              ElementsAre("exp.toml:8:9: stages.s input 'input' (tensor, value) is connected to "
                          "t.log (tensor, stream)"));
}

TEST_F(StageGraphTest, RequiredInputLeftUnconnected) {
  EXPECT_THAT(ErrorsAfter(", test_y = \"train_y\" }", " }"),
              ElementsAre("exp.toml:38:1: stages.evaluate: required input 'test_y' (tensor, "
                          "value) is not connected"));
  EXPECT_THAT(ErrorsAfter("input = \"train_images\"\n", ""),
              ElementsAre("exp.toml:16:1: stages.train_x: required input 'input' (tensor, "
                          "value) is not connected"));
}

TEST_F(StageGraphTest, OptionalInputMayStayUnconnected) {
  Valid("[experiment]\nname = \"t\"\ndsl_version = 1\n[stages.t]\nplugin = \"tagger\"\n");
}

TEST_F(StageGraphTest, InputShorthandNeedsExactlyOneInputPort) {
  EXPECT_THAT(ErrorsAfter("inputs = { x = \"train_x\", y = \"train_y\" }", "input = \"train_x\""),
              ElementsAre("exp.toml:29:1: stages.model: 'input = ...' needs a plugin with exactly "
                          "one input, but mlp_trainer has 2 (x, y); use inputs = { port = "
                          "\"stage\", ... }"));
  EXPECT_THAT(ErrorsAfter("path = \"data/train-labels\"",
                          "path = \"data/train-labels\"\ninput = \"train_images\""),
              ElementsAre("exp.toml:15:1: stages.train_labels: 'input = ...' needs a plugin with "
                          "exactly one input, but idx_reader takes no inputs"));
}

TEST_F(StageGraphTest, InputAndInputsTogether) {
  EXPECT_THAT(ErrorsAfter("input = \"train_labels\"",
                          "input = \"train_labels\"\ninputs = { input = \"train_labels\" }"),
              ElementsAre("exp.toml:25:1: stages.train_y: use either 'input' or 'inputs', not "
                          "both"));
}

TEST_F(StageGraphTest, UnknownInputPortSuggests) {
  EXPECT_THAT(ErrorsAfter("y = \"train_y\" }", "why = \"train_y\" }"),
              ElementsAre("exp.toml:27:1: stages.model: required input 'y' (tensor, value) is "
                          "not connected",
                          "exp.toml:29:27: stages.model: stage 'model' (mlp_trainer) has no "
                          "input 'why'; valid inputs: x, y"));
  EXPECT_THAT(ErrorsAfter("model = \"model.snapshots\"", "modle = \"model.snapshots\""),
              ElementsAre("exp.toml:38:1: stages.evaluate: required input 'model' (model, "
                          "stream) is not connected",
                          "exp.toml:40:12: stages.evaluate: stage 'evaluate' (evaluator) has no "
                          "input 'modle'; did you mean 'model'?"));
}

TEST_F(StageGraphTest, CyclesAreNamed) {
  std::string text = R"([experiment]
name = "loop"
dsl_version = 1
[stages.c]
plugin = "one_hot"
input = "b"
classes = 2
[stages.a]
plugin = "one_hot"
input = "c"
classes = 2
[stages.b]
plugin = "one_hot"
input = "a"
classes = 2
[stages.solo]
plugin = "one_hot"
input = "solo"
classes = 2
)";
  EXPECT_THAT(Errors(text),
              ElementsAre("exp.toml:8:1: the stages form a cycle: a \u2192 b \u2192 c \u2192 a",
                          "exp.toml:16:1: the stages form a cycle: solo \u2192 solo"));
}

TEST_F(StageGraphTest, StagesComeInADeterministicTopologicalOrder) {
  ExperimentConfig config = Valid(kMnistExperiment);
  std::vector<std::string> order;
  for (const StageConfig& stage : config.stages) order.push_back(stage.id);
  EXPECT_THAT(order, ElementsAre("train_images", "train_labels", "train_x", "train_y", "model",
                                 "evaluate"));
}

TEST_F(StageGraphTest, ConnectionsAreResolvedToProducerPorts) {
  ExperimentConfig config = Valid(kMnistExperiment);
  const StageConfig* evaluate = config.FindStage("evaluate");
  ASSERT_NE(evaluate, nullptr);
  EXPECT_EQ(evaluate->plugin, "evaluator");
  EXPECT_EQ(evaluate->spec, FakeCatalog().Find("evaluator"));
  EXPECT_EQ(evaluate->origin.line, 38);
  std::vector<std::string> wiring;
  for (const Connection& c : evaluate->inputs) {
    wiring.push_back(c.input_port + " <- " + c.producer + "." + c.producer_port);
  }
  EXPECT_THAT(wiring, ElementsAre("model <- model.snapshots", "test_x <- train_x.output",
                                  "test_y <- train_y.output", "train_x <- train_x.output",
                                  "train_y <- train_y.output"));
  GraphPlan plan = ToGraphPlan(config);
  ASSERT_EQ(plan.stages.size(), 6u);
  EXPECT_EQ(plan.stages.back().id, "evaluate");
  EXPECT_EQ(plan.stages.back().inputs.size(), 5u);
}

TEST_F(StageGraphTest, DuplicateStageIsAClearParseError) {
  std::string text = std::string(kMnistExperiment) + "\n[stages.model]\nplugin = \"one_hot\"\n";
  EXPECT_THAT(Errors(text),
              ElementsAre("exp.toml:42:1: invalid TOML (table header): cannot redefine existing "
                          "table 'stages.model'; stage 'model' is defined twice (stage ids must "
                          "be unique)"));
}

TEST_F(StageGraphTest, StageIdsMustBeSimpleNames) {
  EXPECT_THAT(ErrorsAfter("[stages.train_labels]", "[stages.\"train labels\"]"),
              ElementsAre("exp.toml:12:9: stage id 'train labels' may use only letters, digits, "
                          "'_' and '-' (it is used in references like \"stage.port\" and in "
                          "--set keys)",
                          "exp.toml:24:9: stages.train_y: unknown stage 'train_labels'; did you "
                          "mean 'train labels'?"));
}

TEST_F(StageGraphTest, UnknownTopLevelKeysAndTables) {
  EXPECT_THAT(ErrorsAfter("[stages.evaluate]", "[stage.extra]\nx = 1\n[stages.evaluate]"),
              ElementsAre("exp.toml:38:2: unknown top-level key 'stage'; did you mean 'stages'? "
                          "(an experiment file has an [experiment] table and [stages.<id>] "
                          "tables)"));
  EXPECT_THAT(Errors(std::string("version = 2\n") + kMnistExperiment),
              ElementsAre("exp.toml:1:1: unknown top-level key 'version' (an experiment file "
                          "has an [experiment] table and [stages.<id>] tables)"));
}

TEST_F(StageGraphTest, NoStages) {
  EXPECT_THAT(Errors("[experiment]\nname = \"x\"\ndsl_version = 1\n"),
              ElementsAre("exp.toml:1:1: no stages: add at least one [stages.<id>] table"));
}

TEST_F(StageGraphTest, SeveralErrorsAreReportedTogetherInFileOrder) {
  std::string text = kMnistExperiment;
  text = Replace(text, "name = \"mnist_ch2\"\n", "");                            // line 3 gone
  text = Replace(text, "input = \"train_images\"", "input = \"train_imagse\"");  // line 17
  text = Replace(text, "classes = 10", "clases = 10");                           // line 24
  text = Replace(text, "\"mlp_trainer\"", "\"mlp\"");                            // line 27
  text = Replace(text, "\"model.snapshots\"", "\"model.snapshot\"");             // line 39
  std::vector<std::string> errors = Errors(text);
  EXPECT_THAT(errors,
              ElementsAre("exp.toml:2:1: [experiment] is missing required key 'name' (string)",
                          "exp.toml:17:9: stages.train_x: unknown stage 'train_imagse'; did you "
                          "mean 'train_images'?",
                          "exp.toml:21:1: stage 'train_y' (one_hot): missing required parameter "
                          "'classes' (integer)",
                          "exp.toml:24:1: unknown parameter 'clases' of stage 'train_y' "
                          "(one_hot); did you mean 'classes'?",
                          "exp.toml:27:10: unknown plugin 'mlp'; known plugins: evaluator, "
                          "idx_reader, mlp_trainer, one_hot, reshape_normalize, sink, tagger"));
  // The reference to model.snapshot is not checked: model's plugin is unknown.
}

}  // namespace
}  // namespace runexp::config::testing
