// CompareForVerify: the verdict of `runexp verify` — is a re-execution
// bit-identical to the recorded run? Every per-epoch headline metric and
// every other recorded metric (validation, full-training-set scores) must be
// equal as a double, bit for bit, and so must the final weights' SHA-256.
// When not, it names the first epoch and metric that differ and by how much.
// Either way it lists what differs in the recorded environments (CPU and
// its instruction sets, GEMM library, compiler, ...), the usual suspects
// when bits move.
//
// Thread-safety: a pure function.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/records.h"

namespace runexp {

struct RunFigures {
  std::string run_id;
  std::vector<store::EpochMetrics> epochs;
  std::vector<store::MetricPoint> metrics;  // every other metric (val_loss, ...), in RunStore order
  std::optional<std::string> final_weights_sha256;  // of the last checkpoint
  std::vector<std::pair<std::string, std::string>> environment;  // RunStore::EnvironmentEntries
};

struct VerifyVerdict {
  bool reproduced = false;
  std::string summary;                        // one line
  std::vector<std::string> environment_diff;  // "gemm_library: A (recorded) vs B (now)"
};

VerifyVerdict CompareForVerify(const RunFigures& recorded, const RunFigures& again);

}  // namespace runexp
