#include "sweep_fixture.h"

#include <optional>
#include <vector>

#include "status_check.h"
#include "store/run_store.h"

namespace runexp::cli::testing {

namespace {

using store::RunStatus;

// One run with three epochs (or `epochs`) ending at the given figures.
struct RunSpec {
  const char* id;
  std::string experiment;
  const char* started_at;
  std::optional<std::string> sweep_id;
  std::optional<int64_t> point;
  double final_train, final_test;
  RunStatus status = RunStatus::kCompleted;
  int epochs = 3;
};

void Write(store::RunStore& db, const RunSpec& spec) {
  store::RunRecord r;
  r.run_id = spec.id;
  r.experiment = spec.experiment;
  r.started_at = spec.started_at;
  r.seed = 1;
  r.config_toml = std::string("[experiment]\nname = \"") + spec.experiment + "\"\n# " + spec.id + "\n";
  r.command_line = "runexp sweep experiments/" + spec.experiment + ".toml";
  r.sweep_id = spec.sweep_id;
  r.sweep_point = spec.point;
  Result<std::string> id = db.BeginRun(r);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  for (int epoch = 1; epoch <= spec.epochs; ++epoch) {
    // Earlier epochs a little worse, so the final one is the last and best.
    double behind = 0.02 * (spec.epochs - epoch);
    store::EpochMetrics e;
    e.epoch = epoch;
    e.train_accuracy = spec.final_train - behind;
    e.test_accuracy = spec.final_test - behind;
    e.train_loss = 1.0 - spec.final_train + behind;
    e.test_loss = 1.0 - spec.final_test + behind;
    e.seconds = 2.0;
    Check(db.RecordEpoch(spec.id, e));
  }
  if (spec.status == RunStatus::kFailed) Check(db.FinishRun(spec.id, spec.status, std::string("loss diverged")));
  else if (spec.status != RunStatus::kRunning) Check(db.FinishRun(spec.id, spec.status));
}

store::SweepPoint Point(int64_t point, const std::string& assignments) {
  store::SweepPoint p;
  p.point = point;
  p.assignments_json = assignments;
  p.config_sha256 = std::string(64, static_cast<char>('a' + point));
  return p;
}

void CreateSweep(store::RunStore& db, const char* id, const std::string& experiment, const std::string& mode,
                 const std::string& keys, const std::vector<store::SweepPoint>& points) {
  store::SweepRecord s;
  s.sweep_id = id;
  s.experiment = experiment;
  s.spec_sha256 = std::string("spec of ") + id;
  s.mode = mode;
  s.keys_json = keys;
  s.experiment_file = "/home/user/experiments/" + experiment + ".toml";
  s.command_line = "runexp sweep experiments/" + experiment + ".toml";
  s.folder = std::string("/home/user/results/sweeps/") + id;
  Result<std::string> created = db.CreateSweep(s, points);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
}

}  // namespace

void SweepCliTest::SetUp() {
  dir_ = runexp::testing::MakeTempDir("runexp-sweep-cli");
  Result<std::unique_ptr<store::RunStore>> opened = store::RunStore::Open(db_path());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  store::RunStore& db = **opened;

  Write(db, {kEarlierRun, "grid", "2021-12-31T00:00:00.000Z", std::nullopt, std::nullopt, 0.80, 0.78});
  std::vector<store::SweepPoint> grid;
  int64_t point = 0;
  for (const char* units : {"32", "64", "128"}) {
    for (const char* lr : {"0.001", "0.1"}) {
      grid.push_back(Point(point++, std::string(R"({"model.layers[0].units": )") + units +
                                        R"(, "model.optimizer.learning_rate": )" + lr + "}"));
    }
  }
  CreateSweep(db, kGridSweepId, "grid", "grid", R"(["model.layers[0].units", "model.optimizer.learning_rate"])",
              grid);
  const std::string grid_id = kGridSweepId;
  Write(db, {kPoint0Run, "grid", "2022-01-01T00:01:00.000Z", grid_id, 0, 0.90, 0.88});
  Check(db.LinkSweepPoint(kGridSweepId, 1, kEarlierRun, true));
  Write(db, {kPoint2Run, "grid", "2022-01-01T00:02:00.000Z", grid_id, 2, 0.95, 0.90});
  Write(db, {kPoint3Run, "grid", "2022-01-01T00:03:00.000Z", grid_id, 3, 0.50, 0.45, RunStatus::kFailed, 1});
  Write(db, {kPoint4Run, "grid", "2022-01-01T00:04:00.000Z", grid_id, 4, 0.99, 0.93});

  // The markup value as a JSON string: its quotes escaped.
  const std::string markup = R"("<b>mnist</b> & \"co\"")";
  CreateSweep(db, kTextSweepId, "text", "list", R"(["data.name", "model.shuffle"])",
              {Point(0, R"({"data.name": )" + markup + R"(, "model.shuffle": true})"),
               Point(1, R"({"data.name": "fashion", "model.shuffle": false})"),
               Point(2, R"({"data.name": )" + markup + R"(, "model.shuffle": false})")});
  const std::string text_id = kTextSweepId;
  Write(db, {kTextRun0, "text", "2022-02-01T00:01:00.000Z", text_id, 0, 0.90, 0.85});
  Write(db, {kTextRun1, "text", "2022-02-01T00:02:00.000Z", text_id, 1, 0.80, 0.82});
  Write(db, {kTextRun2, "text", "2022-02-01T00:03:00.000Z", text_id, 2, 0.70, 0.69, RunStatus::kRunning, 1});

  Write(db, {kUnrelatedRun, "grid", "2022-03-01T00:00:00.000Z", std::nullopt, std::nullopt, 0.97, 0.96});
}

void SweepCliTest::AddSweepWithoutRuns() const {
  Result<std::unique_ptr<store::RunStore>> db = store::RunStore::Open(db_path());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  CreateSweep(**db, kNewSweepId, "new", "grid", R"(["model.epochs"])",
              {Point(0, R"({"model.epochs": 1})"), Point(1, R"({"model.epochs": 2})")});
}

void SweepCliTest::TearDown() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

runexp::testing::CommandResult SweepCliTest::Runexp(const std::string& args) const {
  return runexp::testing::RunCommand(std::string("COLUMNS= ") + RUNEXP_EXE + " " + args + " --results " +
                                     runexp::testing::ShellQuote(db_path()));
}

}  // namespace runexp::cli::testing
