// evaluator: scores each model snapshot on the test set (and, on request, on
// the full training set), records the epoch's metrics with the overfitting
// gap, and prints the Keras-like line per epoch.
#include <cmath>
#include <cstdio>
#include <string>

#include "runexp/model_snapshot.h"
#include "runexp/nn/trainer.h"
#include "runexp/plugin.h"

namespace runexp {
namespace {

std::string EpochLine(const ModelSnapshot& snapshot, const nn::BatchStats& test) {
  char line[320];
  std::snprintf(line, sizeof(line),
                "epoch %lld/%lld - %.1fs - loss %.4f - accuracy %.4f - test_loss %.4f - "
                "test_accuracy %.4f - gap %.4f",
                static_cast<long long>(snapshot.epoch), static_cast<long long>(snapshot.total_epochs),
                snapshot.seconds, snapshot.train.mean_loss(), snapshot.train.accuracy(),
                test.mean_loss(), test.accuracy(), snapshot.train.accuracy() - test.accuracy());
  std::string text = line;
  if (snapshot.validation) {
    std::snprintf(line, sizeof(line), " - val_loss %.4f - val_accuracy %.4f",
                  snapshot.validation->mean_loss(), snapshot.validation->accuracy());
    text += line;
  }
  return text;
}

class EvaluatorStage : public Stage {
 public:
  Status Process(StageContext& ctx, std::string_view, const Packet& packet) override {
    const ModelSnapshot& snapshot = packet.Get<ModelSnapshot>();
    const int64_t batch = ctx.param("batch_size").as_integer();
    Result<nn::BatchStats> test =
        nn::Evaluate(*snapshot.model, ctx.Input("test_x").Get<Tensor>(), ctx.Input("test_y").Get<Tensor>(), batch,
                     &workspace_);
    if (!test.ok()) return test.status().WithContext("test set");

    EpochMetrics metrics;
    metrics.epoch = static_cast<int>(snapshot.epoch);
    metrics.train_loss = snapshot.train.mean_loss();
    metrics.train_accuracy = snapshot.train.accuracy();
    metrics.test_loss = test->mean_loss();
    metrics.test_accuracy = test->accuracy();
    metrics.seconds = snapshot.seconds;
    if (Status s = ctx.metrics().RecordEpoch(metrics); !s.ok()) return s;

    if (ctx.param("score_train_set").as_boolean()) {
      const Packet& train_x = ctx.Input("train_x");
      const Packet& train_y = ctx.Input("train_y");
      if (train_x.empty() || train_y.empty()) {
        return Status::InvalidArgument("score_train_set = true needs the train_x and train_y inputs");
      }
      Result<nn::BatchStats> train =
          nn::Evaluate(*snapshot.model, train_x.Get<Tensor>(), train_y.Get<Tensor>(), batch, &workspace_);
      if (!train.ok()) return train.status().WithContext("training set");
      // The unbiased gap: both sides scored with the same, final weights of the epoch.
      int epoch = metrics.epoch;
      MetricsSink& sink = ctx.metrics();
      if (Status s = sink.RecordMetric("train_full_loss", epoch, 0, train->mean_loss()); !s.ok()) return s;
      if (Status s = sink.RecordMetric("train_full_accuracy", epoch, 0, train->accuracy()); !s.ok()) return s;
      if (Status s = sink.RecordMetric("gap_full_accuracy", epoch, 0, train->accuracy() - test->accuracy()); !s.ok()) return s;
      if (Status s = sink.RecordMetric("gap_full_loss", epoch, 0, test->mean_loss() - train->mean_loss()); !s.ok()) return s;
    }
    ctx.log().Info(EpochLine(snapshot, *test));
    return Status::OK();
  }

 private:
  // Kept across epochs: a fresh one per evaluation meant ~12 MB of new pages
  // (activations and first-layer partials of a 1024-row batch) every epoch,
  // cleared by the kernel while training runs. Process calls never overlap
  // (a stage's node is serial), so one workspace serves them all.
  nn::MlpWorkspace workspace_;
};

PluginSpec EvaluatorSpec() {
  return {
      .name = "evaluator",
      .description = "Score each model snapshot on the test set; record loss, accuracy and the train/test gap",
      .inputs =
          {
              {"model", kModelPortType, PortKind::kStream, "Model snapshots, one per epoch", false},
              {"test_x", "tensor", PortKind::kValue, "Test inputs, float32 (N, features), or uint8 codes with a value table", false},
              {"test_y", "tensor", PortKind::kValue, "Test targets, float32 (N, outputs)", false},
              {"train_x", "tensor", PortKind::kValue, "Training inputs, for score_train_set", true},
              {"train_y", "tensor", PortKind::kValue, "Training targets, for score_train_set", true},
          },
      .outputs = {},
      .params =
          {
              ParamSpec::Integer("batch_size", "Rows scored at a time (does not change the results' meaning)")
                  .Default(1024)
                  .Min(1),
              ParamSpec::Boolean("score_train_set",
                                 "Also score the whole training set with each epoch's final weights (an "
                                 "unbiased gap, recorded as train_full_* and gap_full_* metrics)")
                  .Default(false),
          },
      .create = [] { return std::make_unique<EvaluatorStage>(); },
  };
}

}  // namespace
}  // namespace runexp

RUNEXP_PLUGIN(evaluator, runexp::EvaluatorSpec)
