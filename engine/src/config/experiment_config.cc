#include "config/experiment_config.h"

namespace runexp::config {

const StageConfig* ExperimentConfig::FindStage(std::string_view id) const {
  for (const StageConfig& stage : stages) {
    if (stage.id == id) return &stage;
  }
  return nullptr;
}

GraphPlan ToGraphPlan(const ExperimentConfig& config) {
  GraphPlan plan;
  for (const StageConfig& stage : config.stages) {
    plan.stages.push_back(PlannedStage{stage.id, stage.spec, stage.params, stage.inputs});
  }
  return plan;
}

}  // namespace runexp::config
