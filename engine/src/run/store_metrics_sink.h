// StoreMetricsSink: a stage's MetricsSink that writes to results.db through
// the RunStore (one per stage, so every long-format metric names its stage).
// Thread-safe: RunStore serialises its calls.
#pragma once

#include <string>

#include "runexp/stage.h"
#include "store/run_store.h"

namespace runexp {

class StoreMetricsSink : public MetricsSink {
 public:
  StoreMetricsSink(store::RunStore& store, std::string run_id, std::string stage)
      : store_(store), run_id_(std::move(run_id)), stage_(std::move(stage)) {}

  Status RecordEpoch(const EpochMetrics& metrics) override {
    store::EpochMetrics row;
    row.epoch = metrics.epoch;
    row.train_loss = metrics.train_loss;
    row.train_accuracy = metrics.train_accuracy;
    row.test_loss = metrics.test_loss;
    row.test_accuracy = metrics.test_accuracy;
    row.seconds = metrics.seconds;
    return store_.RecordEpoch(run_id_, row);
  }

  Status RecordMetric(std::string_view name, int epoch, int64_t step, double value) override {
    store::MetricPoint point;
    point.stage = stage_;
    point.name = std::string(name);
    point.epoch = epoch;
    point.step = step;
    point.value = value;
    return store_.RecordMetric(run_id_, point);
  }

 private:
  store::RunStore& store_;
  std::string run_id_;
  std::string stage_;
};

}  // namespace runexp
