#include "report_fixture.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

#include "status_check.h"
#include "store/run_store.h"

namespace runexp::cli::testing {

namespace {

using store::EpochMetrics;
using store::RunRecord;
using store::RunStatus;

RunRecord MakeRun(const std::string& id, const std::string& started_at) {
  RunRecord r;
  r.run_id = id;
  r.experiment = "curves";
  r.started_at = started_at;
  r.seed = 7;
  r.config_toml = "[experiment]\nname = \"curves\"\nseed = 7\n";
  r.git_commit = "89abcdef0123456789abcdef0123456789abcdef";
  r.git_dirty = false;
  r.runexp_version = "0.1.0";
  r.environment_json = R"({"threads":2,"gemm":{"library":"oneDNN","version":"2.6"}})";
  r.command_line = "runexp run experiments/curves.toml";
  r.working_dir = "/home/user/project";
  r.threads = 2;
  return r;
}

// A plausible learning curve: train improves faster than test. Each run
// is shifted by `offset`, so no run's curve hides another's.
EpochMetrics Epoch(int64_t epoch, double offset) {
  EpochMetrics e;
  e.epoch = epoch;
  double t = static_cast<double>(epoch);
  e.train_loss = 0.5 / t + offset;
  e.train_accuracy = 1.0 - 0.1 / t - offset;
  e.test_loss = 0.4 / t + 0.05 * t + offset;
  e.test_accuracy = 0.95 - 0.05 / t - offset;
  e.seconds = 1.0;
  return e;
}

void Begin(store::RunStore& db, const RunRecord& record) {
  Result<std::string> id = db.BeginRun(record);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
}

void Params(store::RunStore& db, const std::string& id, double learning_rate, bool validation) {
  std::vector<store::Param> params = {{"model.epochs", int64_t{5}},
                                      {"model.optimizer.learning_rate", learning_rate}};
  if (validation) params.push_back({"model.validation_split", 0.1});
  Check(db.RecordParams(id, params));
}

}  // namespace

void ReportStoreTest::SetUp() {
  dir_ = runexp::testing::MakeTempDir("runexp-report");
  Result<std::unique_ptr<store::RunStore>> opened = store::RunStore::Open(db_path());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store::RunStore& db = **opened;

  RunRecord a = MakeRun(kRunA, "2021-01-01T00:00:00.000Z");
  a.name = "baseline";
  Begin(db, a);
  Params(db, kRunA, 0.001, true);
  store::InputRecord input{"train_images", "data/mnist/train-images-idx3-ubyte", std::string(64, 'f'),
                           int64_t{47040016}};
  Check(db.RecordInputs(kRunA, std::span<const store::InputRecord>(&input, 1)));
  for (int64_t epoch = 1; epoch <= 5; ++epoch) {
    std::vector<store::MetricPoint> validation = {{"model", "val_loss", epoch, 100, 0.45 / epoch},
                                                  {"model", "val_accuracy", epoch, 100, 0.96 - 0.06 / epoch}};
    Check(db.RecordEpoch(kRunA, Epoch(epoch, 0.0), validation));
  }
  Check(db.Tag(kRunA, "best", "yes"));
  Check(db.FinishRun(kRunA, RunStatus::kCompleted));

  RunRecord b = MakeRun(kRunB, "2021-01-02T00:00:00.000Z");
  b.name = kMarkupName;
  Begin(db, b);
  Params(db, kRunB, 0.01, false);
  for (int64_t epoch = 1; epoch <= 3; ++epoch) {
    EpochMetrics e = Epoch(epoch, 0.04);
    if (epoch == 2) e.test_loss = std::numeric_limits<double>::quiet_NaN();
    Check(db.RecordEpoch(kRunB, e));
  }
  Check(db.Tag(kRunB, "note", "<i>tuned</i>"));
  Check(db.FinishRun(kRunB, RunStatus::kCompleted));

  Begin(db, MakeRun(kRunC, "2021-01-03T00:00:00.000Z"));
  Params(db, kRunC, 0.001, false);
  Check(db.RecordEpoch(kRunC, Epoch(1, 0.08)));
  Check(db.RecordEpoch(kRunC, Epoch(2, 0.08)));

  Begin(db, MakeRun(kRunD, "2021-01-04T00:00:00.000Z"));
  Params(db, kRunD, 10.0, false);
  Check(db.RecordEpoch(kRunD, Epoch(1, 0.12)));
  Check(db.FinishRun(kRunD, RunStatus::kFailed, std::string(kFailure)));

  Begin(db, MakeRun(kRunE, "2021-01-05T00:00:00.000Z"));
  Params(db, kRunE, 0.001, false);
  Check(db.FinishRun(kRunE, RunStatus::kInterrupted, std::string("interrupted by SIGINT")));
}

void ReportStoreTest::TearDown() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

runexp::testing::CommandResult ReportStoreTest::Runexp(const std::string& args) const {
  return runexp::testing::RunCommand(std::string(RUNEXP_EXE) + " " + args + " --results " +
                                     runexp::testing::ShellQuote(db_path()));
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

std::string Element(const std::string& text, const std::string& open_tag_start, const std::string& close_tag) {
  size_t begin = text.find(open_tag_start);
  if (begin == std::string::npos) return "";
  size_t end = text.find(close_tag, begin);
  if (end == std::string::npos) return "";
  return text.substr(begin, end + close_tag.size() - begin);
}

}  // namespace runexp::cli::testing
