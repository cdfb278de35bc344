#include "checkpoint_command.h"

#include <charconv>
#include <cstdint>
#include <utility>

#include "checkpoint_data.h"

namespace runexp::cli {

std::string AtLeastOne(const std::string& text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && value < 1) {
    return "must be 1 or more, not " + text;
  }
  return {};
}

void AddCheckpointInputOptions(CLI::App* app, CheckpointInputOptions& options) {
  app->add_option("checkpoint", options.checkpoint, "Checkpoint file (.pb) written by a run")->required();
  app->add_option("--images", options.images, "IDX images file, plain or gzip-compressed")->required();
  app->add_option("--divide-by", options.divide_by,
                  "Scale inputs as x / X instead of as the checkpoint's run did");
  app->add_option("--batch-size", options.batch_size, "Rows computed at a time (default 1024)")
      ->check(AtLeastOne);
}

Result<CheckpointInputs> LoadCheckpointInputs(const CheckpointInputOptions& options,
                                              const idx::ReadOptions& read) {
  Result<TrainingCheckpoint> checkpoint = ReadCheckpointFile(options.checkpoint);
  if (!checkpoint.ok()) return checkpoint.status();
  const CheckpointProvenance& provenance = checkpoint->provenance;
  Result<InputScaling> scaling =
      options.divide_by ? ScalingFromDivideBy(*options.divide_by, "--divide-by")
                        : DeriveInputScaling(provenance.effective_config, provenance.stage, options.checkpoint);
  if (!scaling.ok()) return scaling.status();

  Result<Tensor> images = idx::ReadIdxFile(options.images, read);
  if (!images.ok()) return images.status();
  Result<Tensor> x = ImagesToModelInput(*images, *scaling, checkpoint->model->input_dim(), options.images);
  if (!x.ok()) return x.status();
  return CheckpointInputs{std::move(checkpoint).value(), std::move(scaling).value(), std::move(x).value()};
}

}  // namespace runexp::cli
