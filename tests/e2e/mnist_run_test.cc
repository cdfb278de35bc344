// The book's experiment, end to end on the real MNIST files: the runexp
// executable, the real graph, a real results.db read back with plain SQL.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "run_command.h"
#include "sql_reader.h"

namespace runexp {
namespace {

using testing::MakeTempDir;
using testing::QueryRows;
using testing::QueryValue;
using testing::RunCommand;
using testing::ShellQuote;

const std::string kExperiment = std::string(RUNEXP_SOURCE_DIR) + "/experiments/mnist_ch2.toml";

std::string Runexp(const std::string& args) { return std::string(RUNEXP_EXE) + " " + args; }

// The per-epoch rows of the only run in `db`, every number to the last bit.
std::vector<std::vector<std::string>> EpochRows(const std::string& db) {
  return QueryRows(db, "SELECT epoch, train_loss, train_accuracy, test_loss, test_accuracy "
                       "FROM epoch_metrics ORDER BY epoch");
}

class MnistRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("runexp-e2e");
    db_ = dir_ + "/results.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_, db_;
};

TEST_F(MnistRunTest, ReproducesTheBookAndRecordsEverything) {
  auto result = RunCommand(Runexp(ShellQuote(kExperiment) + " --results " + ShellQuote(db_) + " --threads 2"));
  ASSERT_EQ(result.exit_code, 0) << result.err << result.out;
  EXPECT_NE(result.out.find("epoch 5/5 - "), std::string::npos) << result.out;

  EXPECT_EQ(QueryValue(db_, "SELECT status FROM runs"), "completed");
  auto rows = EpochRows(db_);
  ASSERT_EQ(rows.size(), 5u);
  double train_accuracy = std::stod(rows[4][2]), test_accuracy = std::stod(rows[4][4]);
  EXPECT_GE(train_accuracy, 0.985);  // the book: 0.989
  EXPECT_GE(test_accuracy, 0.975);   // the book: 0.978
  EXPECT_DOUBLE_EQ(std::stod(QueryValue(db_, "SELECT gap_accuracy FROM epoch_metrics WHERE epoch = 5")),
                   train_accuracy - test_accuracy);

  // Provenance: the four data files with their published hashes, the parameters, the seed.
  EXPECT_EQ(QueryValue(db_, "SELECT sha256 FROM inputs WHERE path LIKE '%train-labels-idx1-ubyte'"),
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM inputs"), "4");
  EXPECT_EQ(QueryValue(db_, "SELECT value FROM params WHERE key = 'model.optimizer.learning_rate'"), "0.001");
  EXPECT_EQ(QueryValue(db_, "SELECT value FROM params WHERE key = 'model.layers[0].units'"), "512");
  EXPECT_EQ(QueryValue(db_, "SELECT seed FROM runs"), "20261130");
  EXPECT_EQ(QueryValue(db_, "SELECT length(config_sha256) FROM runs"), "64");
  std::string command_line = QueryValue(db_, "SELECT command_line FROM runs");
  EXPECT_NE(command_line.find("mnist_ch2.toml --results "), std::string::npos) << command_line;
  EXPECT_NE(command_line.find(" --threads 2"), std::string::npos) << command_line;
  std::string run_id = QueryValue(db_, "SELECT run_id FROM runs");
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/" + run_id + "/run.log"));
}

TEST_F(MnistRunTest, OneAndTwoThreadsGiveIdenticalBits) {
  // One epoch on 10,000 images keeps this quick; determinism does not depend on size.
  std::string common = ShellQuote(kExperiment) + " -q --set model.epochs=2 --set train_images.limit=10000" +
                       " --set train_labels.limit=10000";
  std::string one = dir_ + "/one.db", two = dir_ + "/two.db";
  auto first = RunCommand(Runexp(common + " --threads 1 --results " + ShellQuote(one)));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto second = RunCommand(Runexp(common + " --threads 2 --results " + ShellQuote(two)));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(first.out, "");
  auto rows = EpochRows(one);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows, EpochRows(two));
  EXPECT_EQ(QueryValue(one, "SELECT config_sha256 FROM runs"), QueryValue(two, "SELECT config_sha256 FROM runs"));
}

TEST_F(MnistRunTest, AStageErrorFailsTheRunWithItsMessage) {
  // Five classes cannot encode MNIST's labels: one_hot fails at run time.
  auto result = RunCommand(Runexp(ShellQuote(kExperiment) + " -q --set train_y.classes=5 --set model.layers[1].units=5" +
                                  " --results " + ShellQuote(db_)));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("stage 'train_y' (one_hot): label at index 0 is 5, outside [0, 5)"), std::string::npos)
      << result.err;
  EXPECT_EQ(QueryValue(db_, "SELECT status FROM runs"), "failed");
  EXPECT_NE(QueryValue(db_, "SELECT error FROM runs").find("outside [0, 5)"), std::string::npos);
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM epoch_metrics"), "0");
}

TEST_F(MnistRunTest, AnInvalidFileWritesNothing) {
  auto result = RunCommand(Runexp(ShellQuote(kExperiment) + " --set model.epoch=3 --results " + ShellQuote(db_)));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("did you mean 'epochs'"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(db_));
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(MnistRunTest, SigintStopsTheRunAndRecordsItInterrupted) {
  // The run is stopped after its first epoch line appears.
  std::string command = "( " + Runexp(ShellQuote(kExperiment) + " --set model.epochs=50 --results " + ShellQuote(db_)) +
                        " & pid=$!; for i in $(seq 600); do grep -q 'epoch 1/50' " + ShellQuote(dir_ + "/out") +
                        " 2>/dev/null && break; sleep 0.1; done; kill -INT $pid; wait $pid ) > " +
                        ShellQuote(dir_ + "/out");
  auto result = RunCommand(command);
  EXPECT_EQ(result.exit_code, 130) << result.err;
  EXPECT_EQ(QueryValue(db_, "SELECT status FROM runs"), "interrupted");
  int epochs = std::stoi(QueryValue(db_, "SELECT count(*) FROM epoch_metrics"));
  EXPECT_GE(epochs, 1);
  EXPECT_LT(epochs, 50);
}

TEST_F(MnistRunTest, EightProcessesShareOneResultsDatabase) {
  // Small runs (500 images, one epoch), all started at once against one file.
  std::string run = Runexp(ShellQuote(kExperiment) + " -q --set model.epochs=1" +
                           " --set train_images.limit=500 --set train_labels.limit=500" +
                           " --set test_images.limit=500 --set test_labels.limit=500 --threads 1" +
                           " --results " + ShellQuote(db_));
  std::string all;
  for (int i = 0; i < 8; ++i) all += run + " --name p" + std::to_string(i) + " & pids=\"$pids $!\"; ";
  auto result = RunCommand("fail=0; pids=; " + all + "for pid in $pids; do wait $pid || fail=1; done; exit $fail");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM runs WHERE status = 'completed'"), "8");
  EXPECT_EQ(QueryValue(db_, "SELECT count(DISTINCT name) FROM runs"), "8");
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM epoch_metrics"), "8");
  EXPECT_EQ(QueryValue(db_, "SELECT count(*) FROM inputs"), "32");
  // Same seed, same data: eight identical results.
  EXPECT_EQ(QueryValue(db_, "SELECT count(DISTINCT test_accuracy) FROM epoch_metrics"), "1");
}

}  // namespace
}  // namespace runexp
