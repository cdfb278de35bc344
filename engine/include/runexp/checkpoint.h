// TrainingCheckpoint: everything a trainer needs to continue exactly where
// it stopped — the model, the optimizer with its state, the random streams
// and the position — plus the provenance that ties it to its run. On disk it
// is one protobuf message (proto/runexp/checkpoint.proto, documented in
// docs/checkpoint.md); this is its in-memory form.
//
// A trainer stage saves one through CheckpointSink (the engine writes the
// file atomically, records it in results.db and prunes old ones) and, when
// the run is being resumed, gets the one to continue from. Warm starts and
// `runexp eval` read a file with ReadCheckpointFile.
//
// Thread-safety: TrainingCheckpoint is a plain value; the functions are
// stateless; a CheckpointSink may be called from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runexp/nn/mlp.h"
#include "runexp/nn/optimizer.h"
#include "runexp/nn/random.h"
#include "runexp/status.h"

namespace runexp {

// The schema_version this build writes and the only one it reads.
inline constexpr uint32_t kCheckpointSchemaVersion = 1;

struct CheckpointInput {
  std::string stage;
  std::string path;
  std::string sha256;
};

// Who made the checkpoint; filled in by the engine when it is saved.
struct CheckpointProvenance {
  std::string run_id;
  std::string experiment;
  std::string stage;  // the trainer stage that saved it
  std::string config_sha256;
  std::vector<CheckpointInput> inputs;
  std::string runexp_version;
  std::string git_commit;
  std::string created_at;
  int64_t seed = 0;
  std::string effective_config;  // canonical TOML of the run
};

struct NamedStream {
  std::string name;  // e.g. "shuffle"
  nn::RandomStream stream;
};

struct TrainingCheckpoint {
  // Shared and immutable, like a ModelSnapshot's: saving one costs no copy.
  std::shared_ptr<const nn::Mlp> model;
  nn::OptimizerConfig optimizer_config;
  nn::OptimizerState optimizer_state;
  std::vector<NamedStream> streams;
  int64_t epochs_completed = 0;
  int64_t total_epochs = 0;
  int64_t step = 0;  // optimizer updates since the start of training
  // The last completed epoch's figures, so a resumed run re-reports it exactly.
  nn::BatchStats last_epoch_train;
  std::optional<nn::BatchStats> last_epoch_validation;
  double last_epoch_seconds = 0;
  CheckpointProvenance provenance;

  // The stream of that name, or nullptr.
  const nn::RandomStream* FindStream(std::string_view name) const;
};

// Reads and validates a checkpoint file: Corruption (naming the file and
// what is wrong) for a truncated or damaged file, a weight array whose size
// does not match its shape, or layers that do not chain; NotSupported for
// another schema_version; NotFound / IOError from the file system. Never
// allocates more than the file's own size implies.
Result<TrainingCheckpoint> ReadCheckpointFile(const std::filesystem::path& path);

// SHA-256 of the model's parameters alone, in parameter order (each layer's
// weights then bias), as raw little-endian float32 bytes: equal for equal
// weights whoever wrote them and whenever.
std::string WeightsSha256(const nn::Mlp& model);

// Where a trainer stage keeps its checkpoints. Thread-safe.
class CheckpointSink {
 public:
  virtual ~CheckpointSink() = default;

  // True if the experiment wants a checkpoint after this epoch (every N
  // epochs as configured, and always after the last one).
  virtual bool ShouldSave(int64_t epoch, int64_t total_epochs) const = 0;

  // Writes the checkpoint atomically (a crash never leaves a truncated file
  // under its final name), records it with its file and weight hashes, then
  // prunes older ones beyond keep_last. Fills in the provenance.
  virtual Status Save(const TrainingCheckpoint& checkpoint) = 0;

  // When the run is resuming: the checkpoint to continue from (already
  // validated against the run); nullptr when starting from scratch.
  virtual const TrainingCheckpoint* ResumeFrom() const = 0;
};

}  // namespace runexp
