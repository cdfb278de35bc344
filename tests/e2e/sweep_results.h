// What the sweep tests compare between two results databases: every epoch of
// every point, and every point's final weights (SHA-256), in point order.
#pragma once

#include <string>
#include <vector>

#include "sql_reader.h"

namespace runexp::testing {

inline std::vector<std::vector<std::string>> PointEpochs(const std::string& db) {
  return QueryRows(db, "SELECT p.point, e.epoch, e.train_loss, e.train_accuracy, e.test_loss, e.test_accuracy "
                       "FROM sweep_points p JOIN epoch_metrics e ON e.run_id = p.run_id ORDER BY p.point, e.epoch");
}

inline std::vector<std::vector<std::string>> PointWeights(const std::string& db) {
  return QueryRows(db, "SELECT p.point, (SELECT c.weights_sha256 FROM checkpoints c WHERE c.run_id = p.run_id "
                       "ORDER BY c.epoch DESC LIMIT 1) FROM sweep_points p ORDER BY p.point");
}

}  // namespace runexp::testing
