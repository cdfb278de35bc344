// The reference model on real MNIST, when RUNEXP_DATA_DIR points at the
// raw IDX files (skipped otherwise). The IDX reading here is deliberately
// minimal and test-only; the product reads data through plugins/idx_reader.
//
// The five-epoch reference run (Deep Learning with Python §2.1: Keras gets
// ≈ 0.989 train / ≈ 0.978 test) is DISABLED_ so the suite stays fast; run it
// with --gtest_also_run_disabled_tests --gtest_filter='*FiveEpochs*'.
#include <gtest/gtest.h>
#include <tbb/tick_count.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "runexp/nn/trainer.h"

namespace runexp::nn {
namespace {

uint32_t BigEndian32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

std::vector<unsigned char> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Mnist {
  Tensor x;  // (n, 784) in [0, 1]
  Tensor y;  // (n, 10) one-hot
};

// The first `limit` samples of an images/labels pair; empty tensors if unreadable.
Mnist Load(const std::string& dir, const std::string& prefix, int64_t limit) {
  const std::vector<unsigned char> images = ReadFile(dir + "/" + prefix + "-images-idx3-ubyte");
  const std::vector<unsigned char> labels = ReadFile(dir + "/" + prefix + "-labels-idx1-ubyte");
  if (images.size() < 16 || labels.size() < 8 || BigEndian32(images.data()) != 0x803 ||
      BigEndian32(labels.data()) != 0x801) {
    return {};
  }
  const int64_t count = std::min<int64_t>(limit, BigEndian32(images.data() + 4));
  if (images.size() < 16 + static_cast<std::size_t>(count) * 784 || labels.size() < 8 + static_cast<std::size_t>(count)) {
    return {};
  }
  Mnist data{Tensor(DType::kFloat32, {count, 784}), Tensor(DType::kFloat32, {count, 10})};
  float* x = data.x.values<float>().data();
  float* y = data.y.values<float>().data();
  for (int64_t i = 0; i < count * 784; ++i) x[i] = static_cast<float>(images[16 + i]) / 255.0f;
  for (int64_t i = 0; i < count; ++i) y[i * 10 + labels[8 + i]] = 1.0f;
  return data;
}

Trainer ReferenceTrainer() {
  Mlp model = *Mlp::Create({784, {{512, Activation::kRelu}, {10, Activation::kSoftmax}},
                            Loss::kCategoricalCrossentropy});
  model.InitGlorotUniform(42);
  Optimizer optimizer = *Optimizer::Create(OptimizerConfig::Rmsprop(), model.parameters());
  return *Trainer::Create(std::move(model), std::move(optimizer), {.batch_size = 128},
                          RandomStream(42, "mlp_trainer/shuffle"));
}

class MnistTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* dir = std::getenv("RUNEXP_DATA_DIR");
    if (dir == nullptr) GTEST_SKIP() << "RUNEXP_DATA_DIR is not set";
    dir_ = std::string(dir) + "/mnist";
    test_ = Load(dir_, "t10k", 10000);
    if (test_.x.num_elements() == 0) GTEST_SKIP() << "no MNIST IDX files under " << dir_;
  }
  std::string dir_;
  Mnist test_;
};

// 12,800 samples = 100 full batches. (The first 10,000 would end on a
// 16-sample batch, whose one noisy RMSprop step moves the test accuracy
// anywhere between 0.83 and 0.91 depending on the seed; 100 full batches
// land at 0.916-0.924 for every seed tried.)
TEST_F(MnistTest, OneEpochOnTheFirstHundredBatchesReachesNinetyPercent) {
  const Mnist train = Load(dir_, "train", 12800);
  ASSERT_EQ(train.x.dim(0), 12800);
  Trainer trainer = ReferenceTrainer();
  EpochMetrics epoch = *trainer.RunEpoch(train.x, train.y);
  EXPECT_EQ(epoch.steps, 100);
  const BatchStats test = *Evaluate(trainer.model(), test_.x, test_.y);
  std::printf("1 epoch on 12.8k: train loss %.4f acc %.4f; test loss %.4f acc %.4f\n", epoch.train.mean_loss(),
              epoch.train.accuracy(), test.mean_loss(), test.accuracy());
  EXPECT_GE(test.accuracy(), 0.90);
}

TEST_F(MnistTest, DISABLED_FiveEpochsReferenceRun) {
  const Mnist train = Load(dir_, "train", 60000);
  ASSERT_EQ(train.x.dim(0), 60000);
  Trainer trainer = ReferenceTrainer();
  EpochMetrics epoch;
  for (int e = 0; e < 5; ++e) {
    const tbb::tick_count start = tbb::tick_count::now();
    epoch = *trainer.RunEpoch(train.x, train.y);
    std::printf("epoch %lld: loss %.4f accuracy %.4f (%.3f s)\n", static_cast<long long>(epoch.epoch),
                epoch.train.mean_loss(), epoch.train.accuracy(), (tbb::tick_count::now() - start).seconds());
  }
  const BatchStats test = *Evaluate(trainer.model(), test_.x, test_.y);
  std::printf("test: loss %.4f accuracy %.4f\n", test.mean_loss(), test.accuracy());
  EXPECT_GE(epoch.train.accuracy(), 0.985);
  EXPECT_GE(test.accuracy(), 0.975);
}

}  // namespace
}  // namespace runexp::nn
