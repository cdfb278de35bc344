// `runexp sweep` on the real MNIST files: a 2 x 2 grid (epochs x learning
// rate) on 3,000 training images, so each point takes about a second.
// Points run with --jobs 2 equal --jobs 1 and the point run alone, bit for
// bit; running a sweep again runs nothing; an overlapping sweep reuses
// completed runs; a sweep whose points were killed, or that was stopped with
// Ctrl-C, is finished by running it again, with the numbers of a sweep that
// never stopped; an invalid sweep writes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "run_command.h"
#include "sql_reader.h"
#include "sweep_results.h"

namespace runexp {
namespace {

namespace fs = std::filesystem;
using testing::MakeTempDir;
using testing::PointEpochs;
using testing::PointWeights;
using testing::QueryRows;
using testing::QueryValue;
using testing::RunCommand;
using testing::ShellQuote;

const std::string& kExperiment = testing::kSweepExperiment;
using testing::Runexp;
using testing::SweepCommand;

class SweepTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    reference_dir_ = new std::string(MakeTempDir("runexp-sweep-reference"));
    reference_db_ = new std::string(*reference_dir_ + "/results.db");
    auto result = RunCommand(SweepCommand(*reference_db_, " --jobs 1 --threads 2"));
    ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*reference_dir_);
    delete reference_dir_;
    delete reference_db_;
  }
  void SetUp() override {
    dir_ = MakeTempDir("runexp-sweep");
    db_ = dir_ + "/results.db";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void ExpectSameAsReference() {
    EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM sweep_results WHERE status = 'completed'"), "4");
    EXPECT_EQ(PointEpochs(db_), PointEpochs(*reference_db_));
    EXPECT_EQ(PointWeights(db_), PointWeights(*reference_db_));
  }

  static std::string* reference_dir_;
  static std::string* reference_db_;
  std::string dir_, db_;
};

std::string* SweepTest::reference_dir_ = nullptr;
std::string* SweepTest::reference_db_ = nullptr;

TEST_F(SweepTest, ReferenceSweepRecordsFourLinkedRuns) {
  const std::string& db = *reference_db_;
  EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM sweeps"), "1");
  EXPECT_EQ(QueryValue(db, "SELECT mode || ' ' || keys FROM sweeps"),
            "grid [\"model.epochs\", \"model.optimizer.learning_rate\"]");
  // The first key varies slowest.
  EXPECT_EQ(QueryRows(db, "SELECT point, assignments FROM sweep_points ORDER BY point"),
            (std::vector<std::vector<std::string>>{
                {"0", "{\"model.epochs\": 1, \"model.optimizer.learning_rate\": 0.001}"},
                {"1", "{\"model.epochs\": 1, \"model.optimizer.learning_rate\": 3e-04}"},
                {"2", "{\"model.epochs\": 3, \"model.optimizer.learning_rate\": 0.001}"},
                {"3", "{\"model.epochs\": 3, \"model.optimizer.learning_rate\": 3e-04}"}}));
  EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM runs r JOIN sweep_points p ON p.run_id = r.run_id "
                           "AND p.sweep_id = r.sweep_id WHERE r.status = 'completed' AND p.reused = 0"), "4");
  // Each run has the point's values as its parameters, and its own config hash.
  EXPECT_EQ(QueryRows(db, "SELECT p.point, e.value, l.value FROM sweep_points p "
                          "JOIN params e ON e.run_id = p.run_id AND e.key = 'model.epochs' "
                          "JOIN params l ON l.run_id = p.run_id AND l.key = 'model.optimizer.learning_rate' "
                          "ORDER BY p.point"),
            (std::vector<std::vector<std::string>>{{"0", "1", "0.001"}, {"1", "1", "0.00029999999999999997"},
                                                   {"2", "3", "0.001"}, {"3", "3", "0.00029999999999999997"}}));
  EXPECT_EQ(QueryValue(db, "SELECT count(DISTINCT config_sha256) FROM runs"), "4");
  EXPECT_EQ(QueryValue(db, "SELECT count(*) FROM epoch_metrics"), "8");
}

TEST_F(SweepTest, JobsTwoEqualsJobsOneAndThePointRunAloneBitForBit) {
  auto result = RunCommand(SweepCommand(db_, " --jobs 2"));
  ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
  EXPECT_NE(result.out.find("2 at a time, 1 thread each"), std::string::npos) << result.out;
  ExpectSameAsReference();

  // Point 3 as a plain run, with the same --set values a user would type.
  const std::string alone_db = dir_ + "/alone.db";
  auto alone = RunCommand(Runexp(ShellQuote(kExperiment) +
                                 " --set train_images.limit=3000 --set train_labels.limit=3000"
                                 " --set model.epochs=3 --set model.optimizer.learning_rate=3e-4 -q --results " +
                                 ShellQuote(alone_db)));
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  const auto reference = PointEpochs(*reference_db_);
  ASSERT_EQ(reference.size(), 8u);
  EXPECT_EQ(QueryRows(alone_db, "SELECT '3', epoch, train_loss, train_accuracy, test_loss, test_accuracy "
                                "FROM epoch_metrics ORDER BY epoch"),
            std::vector<std::vector<std::string>>(reference.begin() + 5, reference.end()));
  EXPECT_EQ(QueryValue(alone_db, "SELECT config_sha256 FROM runs"),
            QueryValue(*reference_db_, "SELECT config_sha256 FROM sweep_points WHERE point = 3"));
}

TEST_F(SweepTest, RunningItAgainRunsNothingAndAnOverlappingSweepReusesRuns) {
  ASSERT_EQ(RunCommand(SweepCommand(db_, " -q")).exit_code, 0);
  const auto runs = QueryRows(db_, "SELECT run_id FROM runs ORDER BY run_id");

  auto again = RunCommand(SweepCommand(db_));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("4 done, 0 reused, 0 to resume, 0 to run"), std::string::npos) << again.out;
  EXPECT_EQ(QueryRows(db_, "SELECT run_id FROM runs ORDER BY run_id"), runs);
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM sweeps"), "1");

  // epochs 3, 5 at one rate: a new sweep whose first point is already on record.
  auto overlapping = RunCommand(Runexp("sweep " + ShellQuote(kExperiment) +
                                       " --grid model.epochs=3,2 --set model.optimizer.learning_rate=1e-3"
                                       " --set train_images.limit=3000 --set train_labels.limit=3000 --results " +
                                       ShellQuote(db_)));
  ASSERT_EQ(overlapping.exit_code, 0) << overlapping.err;
  EXPECT_NE(overlapping.out.find("1 reused, 0 to resume, 1 to run"), std::string::npos) << overlapping.out;
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM sweeps"), "2");
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM runs"), "5");
  const std::string second = QueryValue(db_, "SELECT sweep_id FROM sweeps ORDER BY created_at DESC, sweep_id DESC LIMIT 1");
  EXPECT_EQ(QueryValue(db_, "SELECT p.run_id = q.run_id AND p.reused FROM sweep_points p JOIN sweep_points q "
                            "ON q.point = 2 AND q.sweep_id <> p.sweep_id WHERE p.sweep_id = '" + second +
                            "' AND p.point = 0"),
            "1");
  // --force runs every point anew.
  auto forced = RunCommand(Runexp("sweep " + ShellQuote(kExperiment) +
                                  " --grid model.epochs=3,2 --set model.optimizer.learning_rate=1e-3"
                                  " --set train_images.limit=3000 --set train_labels.limit=3000 --force -q --results " +
                                  ShellQuote(db_)));
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM runs"), "7");
  EXPECT_EQ(QueryValue(db_, "SELECT sum(reused) FROM sweep_points WHERE sweep_id = '" + second + "'"), "0");
}

TEST_F(SweepTest, KilledPointsResumeFromCheckpointsWhenTheSweepRunsAgain) {
  // 3,000 images are 24 steps per epoch: the one-epoch points complete, the
  // three-epoch points die in their second epoch, after one checkpoint.
  auto killed = RunCommand("RUNEXP_FAULT=train.step:kill@40 " + SweepCommand(db_));
  EXPECT_EQ(killed.exit_code, 1) << killed.out << killed.err;
  EXPECT_EQ(QueryRows(db_, "SELECT point, status FROM sweep_results ORDER BY point"),
            (std::vector<std::vector<std::string>>{
                {"0", "completed"}, {"1", "completed"}, {"2", "interrupted"}, {"3", "interrupted"}}));
  const auto completed_runs = QueryRows(db_, "SELECT run_id FROM sweep_points WHERE point < 2 ORDER BY point");

  auto finished = RunCommand(SweepCommand(db_));
  ASSERT_EQ(finished.exit_code, 0) << finished.err << finished.out;
  EXPECT_NE(finished.out.find("2 done, 0 reused, 2 to resume, 0 to run"), std::string::npos) << finished.out;
  EXPECT_EQ(QueryRows(db_, "SELECT run_id FROM sweep_points WHERE point < 2 ORDER BY point"), completed_runs);
  EXPECT_EQ(QueryRows(db_, "SELECT p.point, r.resume_count FROM sweep_points p JOIN runs r USING (run_id) "
                           "ORDER BY p.point"),
            (std::vector<std::vector<std::string>>{{"0", "0"}, {"1", "0"}, {"2", "1"}, {"3", "1"}}));
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM runs"), "4");
  ExpectSameAsReference();
}

TEST_F(SweepTest, CtrlCStopsTheSweepAndRunningItAgainFinishesIt) {
  const std::string out = ShellQuote(dir_ + "/out");
  // SIGINT once two points are done and a three-epoch point's run is on
  // record as running (so its child handles signals and has a run to mark).
  const std::string running = "sqlite3 " + ShellQuote(db_) + " \"SELECT count(*) FROM runs WHERE status = 'running'\"";
  const std::string command = "( " + SweepCommand(db_) + " & pid=$!; for i in $(seq 600); do grep -q '^\\[2/4\\]' " + out +
                              " 2>/dev/null && [ \"$(" + running + " 2>/dev/null)\" = 1 ] && break; sleep 0.02; done; "
                              "kill -INT $pid; wait $pid ) > " + out;
  ASSERT_EQ(RunCommand(command).exit_code, 130);
  EXPECT_LT(std::stoi(QueryValue(db_, "SELECT count(*) FROM sweep_results WHERE status = 'completed'")), 4);
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM runs WHERE status = 'running'"), "0");
  // The point running at the Ctrl-C got it passed on and recorded itself as stopped.
  const std::string stopped = QueryValue(db_, "SELECT run_id FROM runs WHERE status = 'interrupted'");
  EXPECT_NE(QueryValue(db_, "SELECT error FROM runs WHERE run_id = '" + stopped + "'"), "NULL");

  auto finished = RunCommand(SweepCommand(db_));
  ASSERT_EQ(finished.exit_code, 0) << finished.err << finished.out;
  EXPECT_NE(finished.out.find("continuing sweep"), std::string::npos) << finished.out;
  EXPECT_EQ(QueryValue(db_, "SELECT resume_count FROM runs WHERE run_id = '" + stopped + "'"), "1");
  ExpectSameAsReference();
}

// An experiment file with a [sweep] table, its data paths made absolute.
std::string WriteSweepFile(const std::string& dir, const std::string& sweep_table) {
  std::ifstream in(kExperiment);
  std::stringstream text;
  text << in.rdbuf();
  std::string toml = text.str();
  for (size_t at; (at = toml.find("\"../data/")) != std::string::npos;) {
    toml.replace(at, 9, std::string("\"") + RUNEXP_SOURCE_DIR + "/data/");
  }
  const std::string path = dir + "/sweep.toml";
  std::ofstream(path) << toml << "\n" << sweep_table;
  return path;
}

TEST_F(SweepTest, AnInvalidSweepNamesFileLineAndColumnAndWritesNothing) {
  const std::string file = WriteSweepFile(dir_,
                                          "[sweep]\n"
                                          "\"model.layers[0].units\" = [64, 0]\n"
                                          "model.optimizer.learning_rat = [1e-3]\n"
                                          "sampels = 2\n");
  const int sweep_line = std::stoi(RunCommand("grep -n '^\\[sweep\\]' " + ShellQuote(file) + " | cut -d: -f1").out);
  auto result = RunCommand(Runexp("sweep " + ShellQuote(file) + " --grid model.batch_size=64,x --results " +
                                  ShellQuote(db_)));
  EXPECT_EQ(result.exit_code, 2);
  const std::string at = file + ":";
  EXPECT_NE(result.err.find(at + std::to_string(sweep_line + 1) + ":32: stage 'model' (mlp_trainer): parameter "
                            "'layers[0].units' = 0 is out of range"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(at + std::to_string(sweep_line + 2) + ":17: unknown parameter 'optimizer.learning_rat'"),
            std::string::npos) << result.err;
  EXPECT_NE(result.err.find("did you mean 'optimizer.learning_rate'?"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(at + std::to_string(sweep_line + 3) + ":1: 'sampels' is not a sweep setting"),
            std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--grid model.batch_size=64,x: the values must be TOML literals"), std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(db_));
  // `runexp run` on a sweep file says what to do instead.
  auto run = RunCommand(Runexp("run " + ShellQuote(file) + " --results " + ShellQuote(db_)));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("declares a [sweep] of several runs: run it with `runexp sweep"), std::string::npos)
      << run.err;
  EXPECT_FALSE(fs::exists(db_));
}

TEST_F(SweepTest, AFileChangedAfterPlanningIsRefusedByThePointsRun) {
  const std::string file = WriteSweepFile(dir_, "[sweep]\n\"model.epochs\" = [1]\n");
  auto planned = RunCommand(Runexp("sweep " + ShellQuote(file) + " --set train_images.limit=3000 "
                                   "--set train_labels.limit=3000 --results " + ShellQuote(db_) + " -q"));
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  const std::string sweep_id = QueryValue(db_, "SELECT sweep_id FROM sweeps");
  // The point rerun by hand as the sweep runs it, but with the batch size edited.
  auto changed = RunCommand(Runexp("run " + ShellQuote(file) + " --set train_images.limit=3000 "
                                   "--set train_labels.limit=3000 --set model.epochs=1 --set model.batch_size=64 "
                                   "--sweep " + sweep_id + " --sweep-point 0 --results " + ShellQuote(db_)));
  EXPECT_EQ(changed.exit_code, 2);
  EXPECT_NE(changed.err.find("has changed since sweep " + sweep_id + " was planned"), std::string::npos) << changed.err;
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM runs"), "1");
}

}  // namespace
}  // namespace runexp
