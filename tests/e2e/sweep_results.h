// What the sweep tests (local and Slurm) share: the sweep they run — the
// book's experiment on 3,000 training images over epochs 1, 3 x learning
// rate 1e-3, 3e-4 — and what they compare between two results databases:
// every epoch of every point, and every point's final weights (SHA-256).
// Needs RUNEXP_EXE and RUNEXP_SOURCE_DIR defined.
#pragma once

#include <string>
#include <vector>

#include "run_command.h"
#include "sql_reader.h"

namespace runexp::testing {

inline const std::string kSweepExperiment = std::string(RUNEXP_SOURCE_DIR) + "/experiments/mnist_ch2.toml";
inline const std::string kSweepGrid =
    " --grid model.epochs=1,3 --grid model.optimizer.learning_rate=1e-3,3e-4"
    " --set train_images.limit=3000 --set train_labels.limit=3000";

inline std::string Runexp(const std::string& args) { return std::string(RUNEXP_EXE) + " " + args; }

// `runexp sweep` of that grid into `db`, with `extra` options.
inline std::string SweepCommand(const std::string& db, const std::string& extra = "") {
  return Runexp("sweep " + ShellQuote(kSweepExperiment) + kSweepGrid + " --results " + ShellQuote(db) + extra);
}

inline std::vector<std::vector<std::string>> PointEpochs(const std::string& db) {
  return QueryRows(db, "SELECT p.point, e.epoch, e.train_loss, e.train_accuracy, e.test_loss, e.test_accuracy "
                       "FROM sweep_points p JOIN epoch_metrics e ON e.run_id = p.run_id ORDER BY p.point, e.epoch");
}

inline std::vector<std::vector<std::string>> PointWeights(const std::string& db) {
  return QueryRows(db, "SELECT p.point, (SELECT c.weights_sha256 FROM checkpoints c WHERE c.run_id = p.run_id "
                       "ORDER BY c.epoch DESC LIMIT 1) FROM sweep_points p ORDER BY p.point");
}

}  // namespace runexp::testing
