#include "mlp_trainer_params.h"

#include <string>

namespace runexp {

std::vector<ParamSpec> TrainerParamSpecs() {
  return {
      ParamSpec::Integer("epochs", "Passes over the training data").Default(1).Min(1),
      ParamSpec::Integer("batch_size", "Samples per gradient step; the last batch of an epoch may be smaller")
          .Default(32)
          .Min(1),
      ParamSpec::Boolean("shuffle", "Visit the training samples in a new random order every epoch")
          .Default(true),
      ParamSpec::Float("validation_split",
                       "Fraction of the training data held out (the last rows, as Keras does) and scored each epoch")
          .Default(0.0)
          .Min(0.0)
          .Max(0.99),
      ParamSpec::String("loss", "Loss function")
          .Default("categorical_crossentropy")
          .Choices({"categorical_crossentropy", "mean_squared_error"}),
      ParamSpec::ArrayOfTables(
          "layers", "Dense layers, input to output; the last layer's units must match y's width",
          {
              ParamSpec::Integer("units", "Output width of the layer").Min(1),
              ParamSpec::String("activation", "Activation function")
                  .Default("linear")
                  .Choices({"relu", "sigmoid", "tanh", "softmax", "linear"}),
          })
          .MinItems(1),
      ParamSpec::TableOf(
          "optimizer", "The optimizer and its hyperparameters (Keras semantics and defaults)",
          {
              ParamSpec::String("name", "Optimizer").Default("rmsprop").Choices({"rmsprop", "sgd", "adam"}),
              ParamSpec::Float("learning_rate", "Step size").Default(0.001).Min(0.0),
              ParamSpec::Float("rho", "rmsprop: decay of the mean square").Default(0.9).Min(0.0).Max(1.0),
              ParamSpec::Float("momentum", "sgd: momentum").Default(0.0).Min(0.0).Max(1.0),
              ParamSpec::Boolean("nesterov", "sgd: Nesterov momentum").Default(false),
              ParamSpec::Float("beta_1", "adam: decay of the first moment").Default(0.9).Min(0.0).Max(1.0),
              ParamSpec::Float("beta_2", "adam: decay of the second moment").Default(0.999).Min(0.0).Max(1.0),
              ParamSpec::Float("epsilon", "rmsprop, adam: added to the denominator").Default(1e-7).Min(0.0),
          })
          .Default(ParamValue::Table{}),
      ParamSpec::Path("init_from",
                      "Warm start: a checkpoint file (.pb) whose weights replace the initial ones; the "
                      "architecture must match. The optimizer, shuffle order and epoch count start fresh")
          .Default(""),
  };
}

Result<TrainerSetup> ReadTrainerParams(const StageContext& ctx, int64_t input_dim, int64_t output_dim) {
  TrainerSetup setup;
  setup.spec.input_dim = input_dim;
  for (const ParamValue& layer : ctx.param("layers").as_array()) {
    Result<nn::Activation> activation = nn::ParseActivation(layer["activation"].as_string());
    if (!activation.ok()) return activation.status();
    setup.spec.layers.push_back({layer["units"].as_integer(), *activation});
  }
  if (setup.spec.layers.back().units != output_dim) {
    return Status::InvalidArgument("the last layer has " + std::to_string(setup.spec.layers.back().units) +
                                   " units but y has " + std::to_string(output_dim) + " columns");
  }
  Result<nn::Loss> loss = nn::ParseLoss(ctx.param("loss").as_string());
  if (!loss.ok()) return loss.status();
  setup.spec.loss = *loss;

  const ParamValue& optimizer = ctx.param("optimizer");
  auto number = [&](const char* key) { return static_cast<float>(optimizer[key].as_number()); };
  Result<nn::OptimizerKind> kind = nn::ParseOptimizer(optimizer["name"].as_string());
  if (!kind.ok()) return kind.status();
  setup.optimizer.kind = *kind;
  setup.optimizer.learning_rate = number("learning_rate");
  setup.optimizer.rho = number("rho");
  setup.optimizer.momentum = number("momentum");
  setup.optimizer.nesterov = optimizer["nesterov"].as_boolean();
  setup.optimizer.beta_1 = number("beta_1");
  setup.optimizer.beta_2 = number("beta_2");
  setup.optimizer.epsilon = number("epsilon");

  setup.train.batch_size = ctx.param("batch_size").as_integer();
  setup.train.shuffle = ctx.param("shuffle").as_boolean();
  setup.train.validation_split = ctx.param("validation_split").as_number();
  return setup;
}

}  // namespace runexp
