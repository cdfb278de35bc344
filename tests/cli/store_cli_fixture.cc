#include "store_cli_fixture.h"

#include <fstream>

#include "status_check.h"

namespace runexp::cli::testing {

namespace {

using store::EpochMetrics;
using store::Param;
using store::RunRecord;
using store::RunStatus;

RunRecord MakeRun(const std::string& id, const std::string& experiment, const std::string& started_at) {
  RunRecord r;
  r.run_id = id;
  r.experiment = experiment;
  r.started_at = started_at;
  r.seed = 42;
  r.config_toml = "[experiment]\nname = \"" + experiment + "\"\nseed = 42\n\n[model]\nplugin = \"mlp_trainer\"\n";
  r.git_commit = "0123456789abcdef0123456789abcdef01234567";
  r.git_dirty = true;
  r.runexp_version = "0.1.0";
  r.environment_json = R"({"OMP_NUM_THREADS":"4","cpu":{"model":"Test CPU","flags":["avx2","fma"]}})";
  r.command_line = "runexp run experiments/" + experiment + ".toml";
  r.working_dir = "/home/user/project";
  r.threads = 4;
  return r;
}

EpochMetrics Epoch(int64_t epoch, double train_loss, double train_acc, double test_loss, double test_acc) {
  EpochMetrics e;
  e.epoch = epoch;
  e.train_loss = train_loss;
  e.train_accuracy = train_acc;
  e.test_loss = test_loss;
  e.test_accuracy = test_acc;
  e.seconds = 1.5;
  return e;
}

std::string Begin(store::RunStore& db, const RunRecord& record) {
  Result<std::string> id = db.BeginRun(record);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : "";
}

void MakeRunFolder(const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder / "checkpoints");
  std::ofstream(folder / "run.log") << "log\n";
  std::ofstream(folder / "checkpoints" / "epoch-2.ckpt") << "weights\n";
}

}  // namespace

void StoreCliTest::SetUp() {
  dir_ = runexp::testing::MakeTempDir("runexp-store-cli");
  Result<std::unique_ptr<store::RunStore>> opened = store::RunStore::Open(db_path());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store::RunStore& db = **opened;

  RunRecord baseline = MakeRun(kBaselineId, "mnist", "2020-01-01T00:00:00.000Z");
  baseline.name = "baseline";
  Begin(db, baseline);
  std::vector<Param> params = {{"data.path", std::string("data/mnist")},
                               {"model.batch_size", int64_t{32}},
                               {"model.epochs", int64_t{3}},
                               {"model.optimizer.learning_rate", 0.01}};
  Check(db.RecordParams(kBaselineId, params));
  store::InputRecord input{"train_data", "data/mnist/train-images-idx3-ubyte.gz",
                           std::string(64, 'e'), int64_t{9912422}};
  Check(db.RecordInputs(kBaselineId, std::span<const store::InputRecord>(&input, 1)));
  Check(db.RecordEpoch(kBaselineId, Epoch(0, 0.60, 0.80, 0.65, 0.78)));
  Check(db.RecordEpoch(kBaselineId, Epoch(1, 0.30, 0.90, 0.45, 0.85)));
  Check(db.RecordEpoch(kBaselineId, Epoch(2, 0.15, 0.95, 0.40, 0.88)));
  store::CheckpointRecord checkpoint;
  checkpoint.epoch = 1;
  checkpoint.path = (dir_ / kBaselineId / "checkpoints" / "epoch-1.ckpt").string();
  checkpoint.sha256 = std::string(64, 'a');
  checkpoint.bytes = 1000;
  Check(db.RecordCheckpoint(kBaselineId, checkpoint));
  checkpoint.epoch = 2;
  checkpoint.path = (dir_ / kBaselineId / "checkpoints" / "epoch-2.ckpt").string();
  Check(db.RecordCheckpoint(kBaselineId, checkpoint));
  Check(db.MarkCheckpointPruned(kBaselineId, 1));
  Check(db.Tag(kBaselineId, "baseline", "yes"));
  Check(db.FinishRun(kBaselineId, RunStatus::kCompleted));
  MakeRunFolder(dir_ / kBaselineId);

  RunRecord high_lr = MakeRun(kHighLrId, "mnist", "2020-01-02T00:00:00.000Z");
  high_lr.name = "high lr";
  Begin(db, high_lr);
  params = {{"data.path", std::string("data/mnist")},
            {"model.batch_size", int64_t{32}},
            {"model.dropout", 0.5},
            {"model.epochs", int64_t{3}},
            {"model.optimizer.learning_rate", 0.1}};
  Check(db.RecordParams(kHighLrId, params));
  Check(db.RecordEpoch(kHighLrId, Epoch(0, 0.90, 0.70, 0.95, 0.69)));
  Check(db.RecordEpoch(kHighLrId, Epoch(1, 0.80, 0.75, 0.85, 0.74)));
  Check(db.FinishRun(kHighLrId, RunStatus::kCompleted));
  MakeRunFolder(dir_ / kHighLrId);

  Begin(db, MakeRun(kFashionId, "fashion", "2020-01-03T00:00:00.000Z"));
  params = {{"model.optimizer.learning_rate", 0.01}};
  Check(db.RecordParams(kFashionId, params));
  Check(db.RecordEpoch(kFashionId, Epoch(0, 2.0, 0.40, 2.1, 0.50)));
  Check(db.FinishRun(kFashionId, RunStatus::kFailed, "stage trainer: loss diverged"));
  MakeRunFolder(dir_ / kFashionId);

  RunRecord recent = MakeRun("", "mnist", "");
  recent.name = kWeirdName;
  recent.parent_run_id = kFashionId;
  recent.resume_count = 1;
  recent_id_ = Begin(db, recent);
  Check(db.FinishRun(recent_id_, RunStatus::kInterrupted, "interrupted by SIGINT"));
  MakeRunFolder(dir_ / recent_id_);
}

void StoreCliTest::TearDown() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

runexp::testing::CommandResult StoreCliTest::Runexp(const std::string& args) const {
  return RunexpRaw(args + " --results " + runexp::testing::ShellQuote(db_path()));
}

runexp::testing::CommandResult StoreCliTest::RunexpRaw(const std::string& args, const std::string& env) {
  // An empty COLUMNS unless the test sets one: a width inherited from the
  // caller's shell must not cut the tables the tests read.
  return runexp::testing::RunCommand("COLUMNS= " + env + " " + RUNEXP_EXE + " " + args);
}

std::unique_ptr<store::RunStore> StoreCliTest::OpenStore() const {
  Result<std::unique_ptr<store::RunStore>> opened = store::RunStore::Open(db_path());
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? std::move(opened).value() : nullptr;
}

std::vector<std::string> StoreCliTest::RunIds() const {
  std::vector<std::string> ids;
  std::unique_ptr<store::RunStore> db = OpenStore();
  if (!db) return ids;
  store::RunFilter by_id;
  by_id.sort_by = "run_id";
  by_id.descending = false;
  Result<std::vector<store::RunSummary>> runs = db->ListRuns(by_id);
  EXPECT_TRUE(runs.ok()) << runs.status().ToString();
  if (runs.ok()) {
    for (const store::RunSummary& run : *runs) ids.push_back(run.run_id);
  }
  return ids;
}

std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  bool row_open = false;
  while (i < text.size()) {
    row_open = true;
    if (text[i] == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) {
          ADD_FAILURE() << "unterminated quoted CSV field in:\n" << text;
          return rows;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        if (text[i] == '"') ADD_FAILURE() << "quote inside an unquoted CSV field";
        field += text[i++];
      }
    }
    row.push_back(std::move(field));
    field.clear();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (text.compare(i, 2, "\r\n") != 0) {
      ADD_FAILURE() << "CSV record not ended by CRLF at byte " << i;
      return rows;
    }
    i += 2;
    rows.push_back(std::move(row));
    row.clear();
    row_open = false;
  }
  if (row_open) rows.push_back(std::move(row));
  return rows;
}

std::vector<std::map<std::string, std::string>> CsvRecords(const std::string& text) {
  std::vector<std::vector<std::string>> rows = ParseCsv(text);
  std::vector<std::map<std::string, std::string>> records;
  if (rows.empty()) {
    ADD_FAILURE() << "CSV without a header";
    return records;
  }
  for (size_t r = 1; r < rows.size(); ++r) {
    EXPECT_EQ(rows[r].size(), rows[0].size()) << "CSV row " << r << " has the wrong number of fields";
    std::map<std::string, std::string> record;
    for (size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) record[rows[0][c]] = rows[r][c];
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

size_t CodePoints(const std::string& line) {
  size_t n = 0;
  for (unsigned char c : line) n += (c & 0xc0) != 0x80;
  return n;
}

}  // namespace runexp::cli::testing
