#include "run/verify_comparison.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

namespace runexp {

namespace {

std::string Exact(const std::optional<double>& value) {
  if (!value) return "none";
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.17g", *value);
  return buffer;
}

bool SameBits(const std::optional<double>& a, const std::optional<double>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || std::memcmp(&*a, &*b, sizeof(double)) == 0;
}

// "cpu_flags[3]" -> "cpu_flags": lists compare as sets.
std::string ListName(const std::string& key) {
  std::size_t bracket = key.find('[');
  return bracket == std::string::npos ? std::string() : key.substr(0, bracket);
}

std::vector<std::string> EnvironmentDiff(const RunFigures& recorded, const RunFigures& again) {
  std::map<std::string, std::string> scalars[2];
  std::map<std::string, std::set<std::string>> lists[2];
  const RunFigures* runs[2] = {&recorded, &again};
  for (int i = 0; i < 2; ++i) {
    for (const auto& [key, value] : runs[i]->environment) {
      std::string list = ListName(key);
      if (list.empty()) scalars[i][key] = value;
      else lists[i][list].insert(value);
    }
  }
  std::vector<std::string> out;
  std::set<std::string> keys;
  for (int i = 0; i < 2; ++i) {
    for (const auto& [key, value] : scalars[i]) keys.insert(key);
  }
  for (const std::string& key : keys) {
    auto a = scalars[0].find(key), b = scalars[1].find(key);
    std::string va = a == scalars[0].end() ? "(absent)" : a->second;
    std::string vb = b == scalars[1].end() ? "(absent)" : b->second;
    if (va != vb) out.push_back(key + ": " + va + " (recorded) vs " + vb + " (now)");
  }
  std::set<std::string> list_names;
  for (int i = 0; i < 2; ++i) {
    for (const auto& [name, values] : lists[i]) list_names.insert(name);
  }
  for (const std::string& name : list_names) {
    std::string only_recorded, only_now;
    for (const std::string& v : lists[0][name]) {
      if (!lists[1][name].count(v)) only_recorded += " " + v;
    }
    for (const std::string& v : lists[1][name]) {
      if (!lists[0][name].count(v)) only_now += " " + v;
    }
    if (!only_recorded.empty()) out.push_back(name + " only when recorded:" + only_recorded);
    if (!only_now.empty()) out.push_back(name + " only now:" + only_now);
  }
  return out;
}

}  // namespace

VerifyVerdict CompareForVerify(const RunFigures& recorded, const RunFigures& again) {
  VerifyVerdict verdict;
  verdict.environment_diff = EnvironmentDiff(recorded, again);
  const std::size_t common = std::min(recorded.epochs.size(), again.epochs.size());
  for (std::size_t i = 0; i < common; ++i) {
    const store::EpochMetrics& a = recorded.epochs[i];
    const store::EpochMetrics& b = again.epochs[i];
    const std::pair<const char*, std::pair<const std::optional<double>*, const std::optional<double>*>> metrics[] = {
        {"train_loss", {&a.train_loss, &b.train_loss}},
        {"train_accuracy", {&a.train_accuracy, &b.train_accuracy}},
        {"test_loss", {&a.test_loss, &b.test_loss}},
        {"test_accuracy", {&a.test_accuracy, &b.test_accuracy}},
    };
    for (const auto& [name, values] : metrics) {
      if (SameBits(*values.first, *values.second)) continue;
      std::string delta;
      if (*values.first && *values.second) {
        char buffer[48];
        std::snprintf(buffer, sizeof(buffer), " (differs by %.3g)", **values.second - **values.first);
        delta = buffer;
      }
      verdict.summary = "not reproduced: epoch " + std::to_string(a.epoch) + " " + name + " is " +
                        Exact(*values.second) + ", recorded " + Exact(*values.first) + delta;
      return verdict;
    }
  }
  const std::size_t common_metrics = std::min(recorded.metrics.size(), again.metrics.size());
  for (std::size_t i = 0; i < common_metrics; ++i) {
    const store::MetricPoint& a = recorded.metrics[i];
    const store::MetricPoint& b = again.metrics[i];
    const std::string where = a.stage + "/" + a.name + (a.epoch ? " of epoch " + std::to_string(*a.epoch) : "");
    if (a.stage != b.stage || a.name != b.name || a.epoch != b.epoch || a.step != b.step) {
      verdict.summary = "not reproduced: the metrics recorded differ from " + where + " on (now " + b.stage + "/" +
                        b.name + ")";
      return verdict;
    }
    if (!SameBits(a.value, b.value)) {
      verdict.summary = "not reproduced: " + where + " is " + Exact(b.value) + ", recorded " + Exact(a.value);
      return verdict;
    }
  }
  if (recorded.metrics.size() != again.metrics.size()) {
    verdict.summary = "not reproduced: " + std::to_string(again.metrics.size()) + " metric values recorded now, " +
                      std::to_string(recorded.metrics.size()) + " originally";
    return verdict;
  }
  if (recorded.epochs.size() != again.epochs.size()) {
    verdict.summary = "not reproduced: " + std::to_string(again.epochs.size()) + " epochs recorded now, " +
                      std::to_string(recorded.epochs.size()) + " originally";
    return verdict;
  }
  if (recorded.final_weights_sha256 != again.final_weights_sha256) {
    verdict.summary = "not reproduced: every per-epoch metric is equal, but the final weights differ (SHA-256 " +
                      again.final_weights_sha256.value_or("none") + ", recorded " +
                      recorded.final_weights_sha256.value_or("none") + ")";
    return verdict;
  }
  verdict.reproduced = true;
  verdict.summary = "reproduced: " + std::to_string(recorded.epochs.size()) +
                    " epochs of train/test loss and accuracy, " + std::to_string(recorded.metrics.size()) +
                    " further metric values and the final weights (SHA-256 " +
                    recorded.final_weights_sha256.value_or("none").substr(0, 16) + "…) are bit-identical";
  return verdict;
}

}  // namespace runexp
