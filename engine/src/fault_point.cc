#include "runexp/fault_point.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace runexp {
namespace {

// Every point placed in runexp; a name not listed here is reported once on
// stderr, so a misspelt RUNEXP_FAULT cannot make a test pass vacuously.
constexpr std::string_view kKnownPoints[] = {
    "idx.read", "train.step", "checkpoint.after_temp_write", "db.record_epoch", "db.finish_run",
};

struct ArmedPoint {
  std::string name;
  int error = 0;  // 0 = kill
  int64_t from_hit = 1;
  std::atomic<int64_t> hits{0};
};

using Plan = std::vector<std::unique_ptr<ArmedPoint>>;

// "name[:kill|enospc|eio][@N]"; nullptr (with a warning) if malformed.
std::unique_ptr<ArmedPoint> ParseSpec(const std::string& spec) {
  auto point = std::make_unique<ArmedPoint>();
  std::string rest = spec;
  if (auto at = rest.find('@'); at != std::string::npos) {
    char* end = nullptr;
    point->from_hit = std::strtoll(rest.c_str() + at + 1, &end, 10);
    if (*end != '\0' || point->from_hit < 1) return nullptr;
    rest.resize(at);
  }
  std::string action = "kill";
  if (auto colon = rest.find(':'); colon != std::string::npos) {
    action = rest.substr(colon + 1);
    rest.resize(colon);
  }
  if (action == "enospc") {
    point->error = ENOSPC;
  } else if (action == "eio") {
    point->error = EIO;
  } else if (action != "kill") {
    return nullptr;
  }
  point->name = rest;
  for (std::string_view known : kKnownPoints) {
    if (known == point->name) return point;
  }
  return nullptr;
}

Plan* ReadPlan() {
  const char* value = std::getenv("RUNEXP_FAULT");
  if (value == nullptr || *value == '\0') return nullptr;
  auto* plan = new Plan();  // lives as long as the process
  std::string text = value;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string spec = text.substr(start, comma - start);
    if (auto point = ParseSpec(spec)) {
      plan->push_back(std::move(point));
    } else {
      std::cerr << "runexp: RUNEXP_FAULT: ignoring '" << spec
                << "' (want NAME[:kill|enospc|eio][@N] with a NAME from docs/fault-points.md)\n";
    }
    start = comma + 1;
  }
  return plan;
}

}  // namespace

int FaultPoint(std::string_view name) {
  static Plan* const plan = ReadPlan();
  if (plan == nullptr) return 0;
  for (const auto& point : *plan) {
    if (point->name != name) continue;
    if (point->hits.fetch_add(1) + 1 < point->from_hit) continue;
    if (point->error == 0) std::raise(SIGKILL);
    return point->error;
  }
  return 0;
}

}  // namespace runexp
