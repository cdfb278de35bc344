// `runexp sweep --executor slurm` against a real single-node Slurm cluster
// (Debian's slurm-wlm, started by scripts/slurm/local-cluster.sh in a
// temporary folder and stopped at the end): the same 2 x 2 grid as
// sweep_test.cc, run as a job array into shards, merged, equals a local
// sweep bit for bit; merging twice adds nothing; killed tasks are
// resubmitted by `runexp sweep resume`; without --wait the command returns
// and `resume --wait` follows the array.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

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
const std::string kCluster = std::string(RUNEXP_SOURCE_DIR) + "/scripts/slurm/local-cluster.sh";
using testing::Runexp;
using testing::SweepCommand;

class SlurmSweepTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDir("runexp-slurm"));
    // Ports of its own, so a cluster of another test run cannot answer.
    const std::string port = std::to_string(20000 + getpid() % 20000);
    auto started = RunCommand("RUNEXP_SLURM_PORT=" + port + " " + ShellQuote(kCluster) + " start " +
                              ShellQuote(*dir_ + "/cluster"));
    ASSERT_EQ(started.exit_code, 0) << started.err << started.out;
    ASSERT_EQ(started.out.rfind("export SLURM_CONF=", 0), 0u) << started.out;
    std::string conf = started.out.substr(std::string("export SLURM_CONF=").size());
    conf.erase(conf.find_last_not_of("\n") + 1);
    setenv("SLURM_CONF", conf.c_str(), 1);  // for sbatch/squeue under runexp
    cluster_up_ = true;

    reference_db_ = new std::string(*dir_ + "/reference.db");
    auto local = RunCommand(SweepCommand(*reference_db_, " -q"));
    ASSERT_EQ(local.exit_code, 0) << local.err;
  }
  static void TearDownTestSuite() {
    if (cluster_up_) RunCommand(ShellQuote(kCluster) + " stop " + ShellQuote(*dir_ + "/cluster"));
    // "[s]" keeps pgrep from matching the shell that runs it.
    EXPECT_NE(RunCommand("pgrep -f " + ShellQuote("[s]lurm(ctl)?d -f " + *dir_ + "/cluster/")).exit_code, 0)
        << "a Slurm daemon of the test is still running";
    fs::remove_all(*dir_);
    delete dir_;
    delete reference_db_;
  }
  void SetUp() override {
    ASSERT_TRUE(cluster_up_);
    db_ = MakeTempDir("runexp-slurm-results") + "/results.db";
  }
  void TearDown() override { fs::remove_all(fs::path(db_).parent_path()); }

  void ExpectSameAsLocal() {
    EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM sweep_results WHERE status = 'completed'"), "4");
    EXPECT_EQ(PointEpochs(db_), PointEpochs(*reference_db_));
    EXPECT_EQ(PointWeights(db_), PointWeights(*reference_db_));
  }
  std::string SweepId() { return QueryValue(db_, "SELECT sweep_id FROM sweeps"); }

  static std::string* dir_;
  static std::string* reference_db_;
  static bool cluster_up_;
  std::string db_;
};

std::string* SlurmSweepTest::dir_ = nullptr;
std::string* SlurmSweepTest::reference_db_ = nullptr;
bool SlurmSweepTest::cluster_up_ = false;

TEST_F(SlurmSweepTest, AJobArrayMergedEqualsTheLocalSweepAndMergingAgainAddsNothing) {
  auto result = RunCommand(SweepCommand(db_, " --executor slurm --cpus-per-task 1 --time 10 --wait"));
  ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
  EXPECT_NE(result.out.find("submitted job array"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("merged 4 runs into"), std::string::npos) << result.out;
  ExpectSameAsLocal();
  // Every task wrote its own shard; results.db only ever had this process.
  const std::string folder = QueryValue(db_, "SELECT folder FROM sweeps");
  for (int point = 0; point < 4; ++point) {
    EXPECT_TRUE(fs::exists(folder + "/shards/point-000" + std::to_string(point) + ".db"));
  }
  // Checkpoints are found from results.db after the merge.
  for (const auto& row : QueryRows(db_, "SELECT path, bytes FROM checkpoints")) {
    EXPECT_EQ(std::to_string(fs::file_size(fs::path(db_).parent_path() / row[0])), row[1]) << row[0];
  }

  const auto before = QueryRows(db_, "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM epoch_metrics), "
                                     "(SELECT count(*) FROM metrics), (SELECT count(*) FROM checkpoints)");
  auto again = RunCommand(Runexp("merge --sweep " + SweepId() + " --results " + ShellQuote(db_)));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("0 runs added or updated, 4 already here"), std::string::npos) << again.out;
  EXPECT_EQ(QueryRows(db_, "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM epoch_metrics), "
                           "(SELECT count(*) FROM metrics), (SELECT count(*) FROM checkpoints)"),
            before);

  auto status = RunCommand(Runexp("sweep status " + SweepId() + " --results " + ShellQuote(db_)));
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("4 completed"), std::string::npos) << status.out;
}

TEST_F(SlurmSweepTest, KilledTasksAreResubmittedByResumeAndFinishIdentical) {
  // As in sweep_test.cc: the three-epoch points die in their second epoch.
  auto killed = RunCommand("RUNEXP_FAULT=train.step:kill@40 " + SweepCommand(db_, " --executor slurm --wait"));
  EXPECT_EQ(killed.exit_code, 1) << killed.out << killed.err;
  auto status = RunCommand(Runexp("sweep status " + SweepId() + " --results " + ShellQuote(db_)));
  EXPECT_NE(status.out.find("2 completed, 2 interrupted"), std::string::npos) << status.out;

  auto resumed = RunCommand(Runexp("sweep resume " + SweepId() + " --wait --results " + ShellQuote(db_)));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_NE(resumed.out.find("2 points completed, 0 queued, 2 to resubmit"), std::string::npos) << resumed.out;
  EXPECT_NE(resumed.out.find("points 2-3"), std::string::npos) << resumed.out;
  EXPECT_EQ(QueryRows(db_, "SELECT p.point, r.resume_count FROM sweep_points p JOIN runs r USING (run_id) "
                           "ORDER BY p.point"),
            (std::vector<std::vector<std::string>>{{"0", "0"}, {"1", "0"}, {"2", "1"}, {"3", "1"}}));
  ExpectSameAsLocal();
}

TEST_F(SlurmSweepTest, WithoutWaitItReturnsAndResumeWaitFollowsTheArray) {
  auto submitted = RunCommand(SweepCommand(db_, " --executor slurm"));
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  EXPECT_NE(submitted.out.find("runexp sweep status " + SweepId()), std::string::npos) << submitted.out;
  auto followed = RunCommand(Runexp("sweep resume " + SweepId() + " --wait --results " + ShellQuote(db_)));
  ASSERT_EQ(followed.exit_code, 0) << followed.err << followed.out;
  ExpectSameAsLocal();
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM runs"), "4") << "nothing was submitted twice";
}

}  // namespace
}  // namespace runexp
