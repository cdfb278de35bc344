// Results must not depend on the number of threads: training with one
// oneTBB thread and with two gives bit-identical weights, optimizer state
// and metrics; and oneDNN must not start OpenMP threads of its own.
#include <dirent.h>
#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <cstring>
#include <vector>

#include "nn_test_util.h"
#include "runexp/nn/trainer.h"

namespace runexp::nn {
namespace {

struct Outcome {
  std::vector<Tensor> parameters;
  OptimizerState optimizer;
  std::vector<EpochMetrics> epochs;
  Tensor predictions;
  BatchStats evaluation;
};

bool SameBits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.bytes().data(), b.bytes().data(), a.num_bytes()) == 0;
}

// Two epochs of a 64-48-5 model on 1000 rows: batch 64 leaves a partial
// last batch (1000 = 15·64 + 40) and a 10% validation split. With
// split_first_layer, a 256-300-5 model instead, whose first layer is large
// enough to be split into input pieces (sharding.h), the path MNIST takes.
Outcome Train(const OptimizerConfig& config, bool split_first_layer = false) {
  static const testing::DataSet small = testing::MakeBlobs(1000, 64, 5, 0.6f, 21);
  // Its first 40 inputs are zero in every row and 40 more in most: the
  // first layer skips them, in some batches and not in others (zero_inputs.h).
  static const testing::DataSet wide = [] {
    testing::DataSet data = testing::MakeBlobs(1000, 256, 5, 0.6f, 22);
    float* x = data.x.values<float>().data();
    for (int64_t r = 0; r < 1000; ++r) {
      for (int64_t c = 0; c < 80; ++c) {
        if (c < 40 || r % 97 != 0) x[r * 256 + c] = 0.0f;
      }
    }
    return data;
  }();
  const testing::DataSet& data = split_first_layer ? wide : small;
  const MlpSpec spec{split_first_layer ? 256 : 64,
                     {{split_first_layer ? 300 : 48, Activation::kRelu}, {5, Activation::kSoftmax}},
                     Loss::kCategoricalCrossentropy};
  Mlp model = *Mlp::Create(spec);
  model.InitGlorotUniform(21);
  Optimizer optimizer = *Optimizer::Create(config, model.parameters());
  Trainer trainer = *Trainer::Create(std::move(model), std::move(optimizer),
                                     {.batch_size = 64, .validation_split = 0.1}, RandomStream(21, "shuffle"));
  Outcome outcome;
  for (int epoch = 0; epoch < 2; ++epoch) outcome.epochs.push_back(*trainer.RunEpoch(data.x, data.y));
  outcome.parameters = trainer.model().parameters();
  outcome.optimizer = trainer.optimizer().state();
  outcome.predictions = *trainer.model().Predict(data.x, 100);
  outcome.evaluation = *Evaluate(trainer.model(), data.x, data.y, 100);
  return outcome;
}

Outcome TrainWithThreads(int threads, const OptimizerConfig& config, bool split_first_layer = false) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  EXPECT_EQ(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism),
            static_cast<std::size_t>(threads));
  return Train(config, split_first_layer);
}

void ExpectIdentical(const Outcome& a, const Outcome& b) {
  ASSERT_EQ(a.parameters.size(), b.parameters.size());
  for (std::size_t p = 0; p < a.parameters.size(); ++p) {
    EXPECT_TRUE(SameBits(a.parameters[p], b.parameters[p])) << Mlp::ParameterName(p);
  }
  EXPECT_EQ(a.optimizer.iterations, b.optimizer.iterations);
  ASSERT_EQ(a.optimizer.slots.size(), b.optimizer.slots.size());
  for (std::size_t s = 0; s < a.optimizer.slots.size(); ++s) {
    EXPECT_TRUE(SameBits(a.optimizer.slots[s], b.optimizer.slots[s])) << "slot " << s;
  }
  for (std::size_t e = 0; e < a.epochs.size(); ++e) {
    EXPECT_EQ(a.epochs[e].train.loss_sum, b.epochs[e].train.loss_sum) << "epoch " << e;
    EXPECT_EQ(a.epochs[e].train.correct, b.epochs[e].train.correct) << "epoch " << e;
    EXPECT_EQ(a.epochs[e].validation->loss_sum, b.epochs[e].validation->loss_sum) << "epoch " << e;
    EXPECT_EQ(a.epochs[e].validation->correct, b.epochs[e].validation->correct) << "epoch " << e;
  }
  EXPECT_TRUE(SameBits(a.predictions, b.predictions));
  EXPECT_EQ(a.evaluation.loss_sum, b.evaluation.loss_sum);
}

class DeterminismTest : public ::testing::TestWithParam<OptimizerConfig> {};

TEST_P(DeterminismTest, OneAndTwoThreadsGiveIdenticalBits) {
  const Outcome one = TrainWithThreads(1, GetParam());
  const Outcome two = TrainWithThreads(2, GetParam());
  ExpectIdentical(one, two);
  // And it actually learned something, so the comparison is not of zeros.
  EXPECT_GT(two.epochs.back().train.accuracy(), 0.5);  // chance is 0.2
}

TEST_P(DeterminismTest, SplitFirstLayerGivesIdenticalBitsToo) {
  const Outcome one = TrainWithThreads(1, GetParam(), /*split_first_layer=*/true);
  const Outcome two = TrainWithThreads(2, GetParam(), /*split_first_layer=*/true);
  ExpectIdentical(one, two);
  EXPECT_GT(two.epochs.back().train.accuracy(), 0.5);
  Outcome in_arena;
  tbb::task_arena(2).execute([&] { in_arena = Train(GetParam(), /*split_first_layer=*/true); });
  ExpectIdentical(one, in_arena);
}

TEST_P(DeterminismTest, ArenaConcurrencyDoesNotMatterEither) {
  Outcome in_one, in_two;
  tbb::task_arena(1).execute([&] { in_one = Train(GetParam()); });
  tbb::task_arena(2).execute([&] { in_two = Train(GetParam()); });
  ExpectIdentical(in_one, in_two);
}

INSTANTIATE_TEST_SUITE_P(Optimizers, DeterminismTest,
                         ::testing::Values(OptimizerConfig::Rmsprop(), OptimizerConfig::Adam(),
                                           OptimizerConfig::Sgd(0.05f, 0.9f)),
                         [](const ::testing::TestParamInfo<OptimizerConfig>& info) {
                           return std::string(OptimizerName(info.param.kind));
                         });

int ThreadCount() {
  int n = 0;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  while (const dirent* entry = readdir(dir)) n += entry->d_name[0] != '.';
  closedir(dir);
  return n;
}

// With two oneTBB threads the process may gain one oneTBB worker, nothing
// more: an OpenMP team inside oneDNN would add threads per calling thread.
TEST(ThreadingTest, NoOpenMpThreadsBesideOneTbbWorkers) {
  const int before = ThreadCount();
  TrainWithThreads(2, OptimizerConfig::Rmsprop());
  EXPECT_LE(ThreadCount(), before + 1);
}

}  // namespace
}  // namespace runexp::nn
