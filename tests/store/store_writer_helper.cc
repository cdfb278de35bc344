// A separate process for the store tests that need one: it writes a whole
// run (concurrency test) or checks writability inside a read-only mount
// namespace (read-only test). Prints what it did on stdout.
//
//   store_writer_helper write DB LABEL EPOCHS   -> prints the run id
//   store_writer_helper check-writable DB       -> prints the Status
//   store_writer_helper count-read-only DB      -> prints the number of runs
//
// Exit codes: 0 success, 1 store error, 2 usage.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "store/run_store.h"

using runexp::Status;
using namespace runexp::store;

namespace {

int Fail(const Status& status) {
  std::printf("%s\n", status.ToString().c_str());
  return 1;
}

int WriteRun(const std::string& db_path, const std::string& label, int epochs) {
  auto store = RunStore::Open(db_path);
  if (!store.ok()) return Fail(store.status());
  RunStore& s = **store;
  RunRecord record;
  record.experiment = "concurrency";
  record.name = label;
  record.config_toml = "label = \"" + label + "\"\n";
  auto run_id = s.BeginRun(record);
  if (!run_id.ok()) return Fail(run_id.status());
  std::vector<Param> params = {{"label", label}, {"model.optimizer.learning_rate", 0.01},
                               {"train.batch_size", int64_t{32}}};
  if (Status st = s.RecordParams(*run_id, params); !st.ok()) return Fail(st);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    EpochMetrics e;
    e.epoch = epoch;
    e.train_loss = 1.0 / (epoch + 1);
    e.train_accuracy = 0.5 + 0.01 * epoch;
    e.test_loss = 1.1 / (epoch + 1);
    e.test_accuracy = 0.5 + 0.009 * epoch;
    std::vector<MetricPoint> extra;
    for (int step = 0; step < 3; ++step) {
      extra.push_back({"train", "batch_loss", std::nullopt, int64_t{step}, 0.1 * step});
    }
    if (Status st = s.RecordEpoch(*run_id, e, extra); !st.ok()) return Fail(st);
    if (Status st = s.Heartbeat(*run_id); !st.ok()) return Fail(st);
  }
  if (Status st = s.Tag(*run_id, "writer", label); !st.ok()) return Fail(st);
  if (Status st = s.FinishRun(*run_id, RunStatus::kCompleted); !st.ok()) return Fail(st);
  std::printf("%s\n", run_id->c_str());
  return 0;
}

int CheckWritable(const std::string& db_path) {
  auto store = RunStore::Open(db_path);
  if (!store.ok()) return Fail(store.status());
  if (Status st = (*store)->CheckWritable(); !st.ok()) return Fail(st);
  std::printf("OK\n");
  return 0;
}

int CountReadOnly(const std::string& db_path) {
  OpenOptions options;
  options.read_only = true;
  auto store = RunStore::Open(db_path, options);
  if (!store.ok()) return Fail(store.status());
  auto runs = (*store)->ListRuns();
  if (!runs.ok()) return Fail(runs.status());
  std::printf("%zu\n", runs->size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 4 && args[0] == "write") return WriteRun(args[1], args[2], std::atoi(args[3].c_str()));
  if (args.size() == 2 && args[0] == "check-writable") return CheckWritable(args[1]);
  if (args.size() == 2 && args[0] == "count-read-only") return CountReadOnly(args[1]);
  std::fprintf(stderr, "usage: store_writer_helper write DB LABEL EPOCHS | check-writable DB | "
                       "count-read-only DB\n");
  return 2;
}
