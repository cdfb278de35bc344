// mlp_trainer: trains a multilayer perceptron (layers as data) with
// minibatch gradient descent, emitting a model snapshot after every epoch
// and saving checkpoints as the experiment asks (trainer_checkpoint.h).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "mlp_trainer_params.h"
#include "trainer_checkpoint.h"
#include "runexp/fault_point.h"
#include "runexp/model_snapshot.h"
#include "runexp/nn/trainer.h"
#include "runexp/plugin.h"
#include "runexp/tensor.h"

namespace runexp {
namespace {

// After every step: stop on Ctrl-C or a diverged loss (naming epoch and
// step), and redraw the progress line a few times a second.
nn::StepObserver StepObserver(StageContext& ctx, int64_t epoch, int64_t epochs) {
  auto last_drawn = std::make_shared<std::chrono::steady_clock::time_point>();
  return [&ctx, epoch, epochs, last_drawn](int64_t step, int64_t steps, const nn::BatchStats& so_far) {
    std::string where = "epoch " + std::to_string(epoch) + ", step " + std::to_string(step);
    if (int error = FaultPoint("train.step")) {
      return Status::IOError("in " + where + ": " + std::strerror(error) + " (fault point train.step)");
    }
    if (ctx.cancelled()) return Status::Cancelled("stopped in " + where);
    if (!std::isfinite(so_far.loss_sum)) {
      return Status::InvalidArgument("the training loss became " + std::to_string(so_far.loss_sum) +
                                     " in " + where + " (learning rate too high?)");
    }
    auto now = std::chrono::steady_clock::now();
    if (now - *last_drawn > std::chrono::milliseconds(100) || step == steps) {
      *last_drawn = now;
      constexpr int kWidth = 30;
      int filled = static_cast<int>(kWidth * step / steps);
      char line[200];
      std::snprintf(line, sizeof(line), "epoch %lld/%lld [%s%s] %lld/%lld - loss %.4f - accuracy %.4f",
                    static_cast<long long>(epoch), static_cast<long long>(epochs),
                    std::string(static_cast<std::size_t>(filled), '=').c_str(),
                    std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(),
                    static_cast<long long>(step), static_cast<long long>(steps), so_far.mean_loss(),
                    so_far.accuracy());
      ctx.log().Progress(line);
    }
    return Status::OK();
  };
}

class MlpTrainerStage : public Stage {
 public:
  Status Open(StageContext& ctx) override {
    const Tensor& x = ctx.Input("x").Get<Tensor>();
    const Tensor& y = ctx.Input("y").Get<Tensor>();
    if (x.rank() != 2 || y.rank() != 2 || x.dim(0) != y.dim(0)) {
      return Status::InvalidArgument("x " + ShapeToString(x.shape()) + " and y " +
                                     ShapeToString(y.shape()) +
                                     " must be matrices with one row per sample");
    }
    Result<TrainerSetup> setup = ReadTrainerParams(ctx, x.dim(1), y.dim(1));
    if (!setup.ok()) return setup.status();
    Result<nn::Mlp> model = nn::Mlp::Create(setup->spec);
    if (!model.ok()) return model.status();
    model->InitGlorotUniform(ctx.StreamSeed("init"));
    if (const std::string& init_from = ctx.param("init_from").as_string(); !init_from.empty()) {
      if (Status s = WarmStartFrom(init_from, &*model); !s.ok()) return s;
      if (Status s = ctx.RecordInputFile(init_from); !s.ok()) return s;
    }
    Result<nn::Optimizer> optimizer = nn::Optimizer::Create(setup->optimizer, model->parameters());
    if (!optimizer.ok()) return optimizer.status();
    Result<nn::Trainer> trainer =
        nn::Trainer::Create(std::move(model).value(), std::move(optimizer).value(), setup->train,
                            nn::RandomStream(ctx.StreamSeed("shuffle"), "shuffle"));
    if (!trainer.ok()) return trainer.status();

    const int64_t epochs = ctx.param("epochs").as_integer();
    if (const TrainingCheckpoint* from = ctx.checkpoints().ResumeFrom()) {
      if (Status s = RestoreTrainer(*from, &*trainer); !s.ok()) return s;
      ctx.log().Info("resuming after epoch " + std::to_string(from->epochs_completed) + " of " +
                     std::to_string(epochs) + " from its checkpoint");
      // Downstream sees the same stream as in a run that never stopped:
      // the checkpointed epoch is reported again, from the checkpoint.
      nn::EpochMetrics restored{from->epochs_completed, 0, from->last_epoch_train, from->last_epoch_validation};
      restored.steps = (from->last_epoch_train.samples + setup->train.batch_size - 1) / setup->train.batch_size;
      if (Status s = RecordEpochMetrics(ctx, restored); !s.ok()) return s;
      if (Status s = EmitSnapshot(ctx, restored, epochs, from->model, from->last_epoch_seconds); !s.ok()) return s;
    }
    for (int64_t epoch = trainer->epochs_completed() + 1; epoch <= epochs; ++epoch) {
      if (ctx.cancelled()) return Status::Cancelled("stopped before epoch " + std::to_string(epoch));
      auto start = std::chrono::steady_clock::now();
      Result<nn::EpochMetrics> metrics = trainer->RunEpoch(x, y, StepObserver(ctx, epoch, epochs));
      if (!metrics.ok()) return metrics.status();
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (Status s = RecordEpochMetrics(ctx, *metrics); !s.ok()) return s;
      auto model_after_epoch = std::make_shared<const nn::Mlp>(trainer->model());
      // Saved before the snapshot goes downstream: once the evaluator has
      // recorded an epoch, its checkpoint exists.
      if (ctx.checkpoints().ShouldSave(epoch, epochs)) {
        TrainingCheckpoint checkpoint = CaptureCheckpoint(*trainer, model_after_epoch, *metrics, epochs, seconds);
        if (Status s = ctx.checkpoints().Save(checkpoint); !s.ok()) return s;
      }
      if (Status s = EmitSnapshot(ctx, *metrics, epochs, model_after_epoch, seconds); !s.ok()) return s;
    }
    return Status::OK();
  }

 private:
  static Status EmitSnapshot(StageContext& ctx, const nn::EpochMetrics& metrics, int64_t epochs,
                             std::shared_ptr<const nn::Mlp> model, double seconds) {
    ModelSnapshot snapshot{metrics.epoch, epochs, metrics.steps, std::move(model), metrics.train,
                           metrics.validation, seconds};
    return ctx.Emit("snapshots", Packet::Make<ModelSnapshot>(std::move(snapshot)));
  }

  static Status RecordEpochMetrics(StageContext& ctx, const nn::EpochMetrics& metrics) {
    int epoch = static_cast<int>(metrics.epoch);
    MetricsSink& sink = ctx.metrics();
    if (Status s = sink.RecordMetric("loss", epoch, metrics.steps, metrics.train.mean_loss()); !s.ok()) return s;
    if (Status s = sink.RecordMetric("accuracy", epoch, metrics.steps, metrics.train.accuracy()); !s.ok()) return s;
    if (metrics.validation) {
      if (Status s = sink.RecordMetric("val_loss", epoch, metrics.steps, metrics.validation->mean_loss()); !s.ok()) return s;
      if (Status s = sink.RecordMetric("val_accuracy", epoch, metrics.steps, metrics.validation->accuracy()); !s.ok()) return s;
    }
    return Status::OK();
  }
};

PluginSpec MlpTrainerSpec() {
  return {
      .name = "mlp_trainer",
      .description = "Train a multilayer perceptron; emit a model snapshot after every epoch",
      .inputs = {{"x", "tensor", PortKind::kValue, "Training inputs, float32 (N, features), or uint8 codes with a value table", false},
                 {"y", "tensor", PortKind::kValue, "Training targets, float32 (N, outputs), e.g. one-hot", false}},
      .outputs = {{"snapshots", kModelPortType, PortKind::kStream,
                   "The model after each epoch, with that epoch's training loss and accuracy", false}},
      .params = TrainerParamSpecs(),
      .create = [] { return std::make_unique<MlpTrainerStage>(); },
      .check_params = CheckInitFrom,
  };
}

}  // namespace
}  // namespace runexp

RUNEXP_PLUGIN(mlp_trainer, runexp::MlpTrainerSpec)
