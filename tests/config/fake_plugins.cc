#include "fake_plugins.h"

namespace runexp::config::testing {

namespace {

PortSpec Port(std::string name, std::string type, PortKind kind = PortKind::kValue,
              bool optional = false) {
  return PortSpec{std::move(name), std::move(type), kind, "", optional};
}

PluginSpec IdxReader() {
  PluginSpec spec;
  spec.name = "idx_reader";
  spec.outputs = {Port("output", "tensor")};
  spec.params = {ParamSpec::Path("path", "IDX file, plain or .gz"),
                 ParamSpec::Integer("limit", "First N records; 0 reads all").Default(0).Min(0)};
  return spec;
}

PluginSpec ReshapeNormalize() {
  PluginSpec spec;
  spec.name = "reshape_normalize";
  spec.inputs = {Port("input", "tensor")};
  spec.outputs = {Port("output", "tensor")};
  spec.params = {
      ParamSpec::ArrayOf(ParamType::kInteger, "shape", "Shape of one record").MinItems(1),
      ParamSpec::String("scaling", "divide or standardize")
          .Default("divide")
          .Choices({"divide", "standardize"}),
      ParamSpec::Float("divide_by", "Divisor").Default(1.0).Min(1e-30),
      ParamSpec::Float("mean", "Subtracted").Default(0.0),
      ParamSpec::Float("std", "Divided by").Default(1.0).Min(1e-30),
      ParamSpec::String("storage", "float32 or uint8_table").Default("float32").Choices({"float32", "uint8_table"}),
  };
  return spec;
}

PluginSpec OneHot() {
  PluginSpec spec;
  spec.name = "one_hot";
  spec.inputs = {Port("input", "tensor")};
  spec.outputs = {Port("output", "tensor")};
  spec.params = {ParamSpec::Integer("classes", "Number of classes").Min(1)};
  return spec;
}

PluginSpec MlpTrainer() {
  PluginSpec spec;
  spec.name = "mlp_trainer";
  spec.inputs = {Port("x", "tensor"), Port("y", "tensor")};
  spec.outputs = {Port("snapshots", "model", PortKind::kStream)};
  spec.params = {
      ParamSpec::Integer("epochs", "Passes over the data").Default(1).Min(1),
      ParamSpec::Integer("batch_size", "Samples per step").Default(32).Min(1),
      ParamSpec::Boolean("shuffle", "Shuffle every epoch").Default(true),
      ParamSpec::Float("validation_split", "Held-out fraction").Default(0.0).Min(0.0).Max(0.99),
      ParamSpec::String("loss", "Loss")
          .Default("categorical_crossentropy")
          .Choices({"categorical_crossentropy", "mean_squared_error"}),
      ParamSpec::ArrayOfTables("layers", "Dense layers",
                               {ParamSpec::Integer("units", "Width").Min(1),
                                ParamSpec::String("activation", "Activation")
                                    .Default("linear")
                                    .Choices({"relu", "sigmoid", "tanh", "softmax", "linear"})})
          .MinItems(1),
      ParamSpec::TableOf(
          "optimizer", "Optimizer",
          {ParamSpec::String("name", "Algorithm")
               .Default("rmsprop")
               .Choices({"rmsprop", "sgd", "adam"}),
           ParamSpec::Float("learning_rate", "Step size").Default(0.001).Min(0.0),
           ParamSpec::Float("rho", "rmsprop decay").Default(0.9).Min(0.0).Max(1.0),
           ParamSpec::Float("momentum", "sgd momentum").Default(0.0).Min(0.0).Max(1.0),
           ParamSpec::Boolean("nesterov", "sgd Nesterov").Default(false),
           ParamSpec::Float("beta_1", "adam first moment").Default(0.9).Min(0.0).Max(1.0),
           ParamSpec::Float("beta_2", "adam second moment").Default(0.999).Min(0.0).Max(1.0),
           ParamSpec::Float("epsilon", "Fuzz").Default(1e-7).Min(0.0)})
          .Default(ParamValue::Table{}),
  };
  return spec;
}

PluginSpec Evaluator() {
  PluginSpec spec;
  spec.name = "evaluator";
  spec.inputs = {Port("model", "model", PortKind::kStream), Port("test_x", "tensor"),
                 Port("test_y", "tensor"), Port("train_x", "tensor", PortKind::kValue, true),
                 Port("train_y", "tensor", PortKind::kValue, true)};
  spec.params = {ParamSpec::Integer("batch_size", "Rows at a time").Default(1024).Min(1),
                 ParamSpec::Boolean("score_train_set", "Score the training set").Default(false)};
  return spec;
}

PluginSpec Tagger() {
  PluginSpec spec;
  spec.name = "tagger";
  spec.inputs = {Port("input", "tensor", PortKind::kValue, true)};
  spec.outputs = {Port("output", "tensor"), Port("log", "tensor", PortKind::kStream)};
  spec.params = {
      ParamSpec::ArrayOf(ParamType::kString, "tags", "Labels")
          .Choices({"red", "green", "blue"})
          .Default(ParamValue::Array{}),
      ParamSpec::ArrayOf(ParamType::kPath, "files", "Extra files").Default(ParamValue::Array{}),
      ParamSpec::ArrayOf(ParamType::kFloat, "weights", "In [0, 1]")
          .Min(0)
          .Max(1)
          .Default(ParamValue::Array{}),
      ParamSpec::Path("report", "Where the tags go").Default("reports/tags.txt"),
      ParamSpec::TableOf("extra", "Anything", {}).Default(ParamValue::Table{}),
      ParamSpec::TableOf("window", "A window",
                         {ParamSpec::Integer("size", "Width").Min(1),
                          ParamSpec::Integer("stride", "Step").Default(1).Min(1)})
          .Default(ParamValue::Table{{"size", 3}}),
  };
  return spec;
}

PluginSpec Sink() {
  PluginSpec spec;
  spec.name = "sink";
  spec.inputs = {Port("input", "tensor")};
  return spec;
}

}  // namespace

const PluginCatalog& FakeCatalog() {
  static const PluginCatalog* catalog = [] {
    auto* built = new PluginCatalog();
    for (PluginSpec spec :
         {IdxReader(), ReshapeNormalize(), OneHot(), MlpTrainer(), Evaluator(), Tagger(), Sink()}) {
      built->Add(std::move(spec));
    }
    return built;
  }();
  return *catalog;
}

}  // namespace runexp::config::testing
