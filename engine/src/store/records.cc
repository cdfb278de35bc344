#include "store/records.h"

#include "number_text.h"

namespace runexp::store {

std::string_view RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning: return "running";
    case RunStatus::kCompleted: return "completed";
    case RunStatus::kFailed: return "failed";
    case RunStatus::kInterrupted: return "interrupted";
  }
  return "running";
}

Result<RunStatus> ParseRunStatus(std::string_view text) {
  for (RunStatus s : {RunStatus::kRunning, RunStatus::kCompleted, RunStatus::kFailed,
                      RunStatus::kInterrupted}) {
    if (RunStatusName(s) == text) return s;
  }
  return Status::InvalidArgument("unknown run status '" + std::string(text) +
                                 "' (expected running, completed, failed or interrupted)");
}

std::string_view ParamTypeName(const ParamValue& value) {
  switch (value.index()) {
    case 0: return "string";
    case 1: return "integer";
    case 2: return "float";
    default: return "boolean";
  }
}

std::string ParamValueToString(const ParamValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return ShortestText(std::get<double>(value));
}

}  // namespace runexp::store
