// Checkpoint files: what is written is read back bit for bit, protoc can
// decode it without runexp, and every damaged or inconsistent file is
// refused with the file and the problem named.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "checkpoint/atomic_file.h"
#include "checkpoint/checkpoint_codec.h"
#include "run_command.h"
#include "runexp/checkpoint.h"

namespace runexp {
namespace {

namespace fs = std::filesystem;

TrainingCheckpoint SmallCheckpoint() {
  nn::MlpSpec spec{3, {{4, nn::Activation::kRelu}, {2, nn::Activation::kSoftmax}}, nn::Loss::kCategoricalCrossentropy};
  nn::Mlp model = nn::Mlp::Create(spec).value();
  model.InitGlorotUniform(7);
  TrainingCheckpoint c;
  c.optimizer_config = nn::OptimizerConfig::Rmsprop(0.001f, 0.9f, 1e-7f);
  nn::Optimizer optimizer = nn::Optimizer::Create(c.optimizer_config, model.parameters()).value();
  c.optimizer_state = optimizer.state();
  c.optimizer_state.iterations = 938;
  for (Tensor& slot : c.optimizer_state.slots) {
    float v = 0.5f;
    for (float& x : slot.values<float>()) x = (v *= 0.75f);
  }
  c.model = std::make_shared<const nn::Mlp>(std::move(model));
  nn::RandomStream shuffle(11, "shuffle");
  shuffle.NextU64();
  c.streams.push_back({"shuffle", shuffle});
  c.epochs_completed = 2;
  c.total_epochs = 5;
  c.step = 938;
  c.last_epoch_train = {123.25, 59000, 60000};
  c.last_epoch_seconds = 1.5;
  c.provenance.run_id = "20261130T003501-7f3a9c";
  c.provenance.experiment = "mnist_ch2";
  c.provenance.stage = "model";
  c.provenance.config_sha256 = std::string(64, 'a');
  c.provenance.inputs.push_back({"train_images", "/data/train-images-idx3-ubyte", std::string(64, 'b')});
  c.provenance.seed = 20261130;
  c.provenance.effective_config = "[experiment]\nname = \"mnist_ch2\"\n";
  return c;
}

fs::path TempDir() {
  fs::path dir = fs::temp_directory_path() / ("runexp_ckpt_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(CheckpointTest, RoundTripsEveryFieldBitForBit) {
  TrainingCheckpoint original = SmallCheckpoint();
  Result<TrainingCheckpoint> parsed = ParseCheckpoint(SerializeCheckpoint(original), "mem.pb");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(WeightsSha256(*parsed->model), WeightsSha256(*original.model));
  EXPECT_EQ(parsed->model->spec().layers.size(), 2u);
  EXPECT_EQ(parsed->optimizer_state.iterations, 938);
  ASSERT_EQ(parsed->optimizer_state.slots.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    ASSERT_EQ(0, std::memcmp(parsed->optimizer_state.slots[i].bytes().data(),
                             original.optimizer_state.slots[i].bytes().data(),
                             original.optimizer_state.slots[i].num_bytes()));
  }
  EXPECT_EQ(parsed->optimizer_config.learning_rate, 0.001f);
  EXPECT_EQ(parsed->optimizer_config.epsilon, 1e-7f);
  ASSERT_NE(parsed->FindStream("shuffle"), nullptr);
  EXPECT_EQ(*parsed->FindStream("shuffle"), *original.FindStream("shuffle"));
  EXPECT_EQ(parsed->epochs_completed, 2);
  EXPECT_EQ(parsed->total_epochs, 5);
  EXPECT_EQ(parsed->last_epoch_train.loss_sum, 123.25);
  EXPECT_EQ(parsed->last_epoch_train.correct, 59000);
  EXPECT_FALSE(parsed->last_epoch_validation.has_value());
  EXPECT_EQ(parsed->provenance.inputs.at(0).path, "/data/train-images-idx3-ubyte");
  EXPECT_EQ(parsed->provenance.effective_config, original.provenance.effective_config);
  EXPECT_EQ(parsed->provenance.seed, 20261130);
}

TEST(CheckpointTest, TheSameStateSerialisesToTheSameBytes) {
  EXPECT_EQ(SerializeCheckpoint(SmallCheckpoint()), SerializeCheckpoint(SmallCheckpoint()));
}

TEST(CheckpointTest, WeightsShaChangesWithAnyWeight) {
  TrainingCheckpoint c = SmallCheckpoint();
  nn::Mlp changed = *c.model;
  changed.mutable_parameters()[3].values<float>()[1] += 1e-6f;
  EXPECT_NE(WeightsSha256(changed), WeightsSha256(*c.model));
  EXPECT_EQ(WeightsSha256(*c.model).size(), 64u);
}

TEST(CheckpointTest, ProtocDecodesAWrittenFileWithoutRunexp) {
  fs::path file = TempDir() / "decode.pb";
  ASSERT_TRUE(WriteFileAtomically(file, SerializeCheckpoint(SmallCheckpoint())).ok());
  using testing::ShellQuote;
  auto result = testing::RunCommand(ShellQuote(RUNEXP_PROTOC) + " --decode=runexp.checkpoint.Checkpoint -I " +
                                    ShellQuote(RUNEXP_PROTO_DIR) + " runexp/checkpoint.proto < " +
                                    ShellQuote(file.string()));
  fs::remove_all(file.parent_path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("run_id: \"20261130T003501-7f3a9c\""), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("activation: \"relu\""), std::string::npos);
  EXPECT_NE(result.out.find("name: \"rmsprop\""), std::string::npos);
  EXPECT_NE(result.out.find("epochs_completed: 2"), std::string::npos);
  EXPECT_NE(result.out.find("schema_version: 1"), std::string::npos);
}

TEST(CheckpointTest, EveryTruncationIsRefused) {
  const std::string bytes = SerializeCheckpoint(SmallCheckpoint());
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    Result<TrainingCheckpoint> parsed = ParseCheckpoint(std::string_view(bytes).substr(0, length), "cut.pb");
    ASSERT_FALSE(parsed.ok()) << "a checkpoint cut to " << length << " of " << bytes.size() << " bytes was accepted";
    EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption);
    EXPECT_NE(parsed.status().message().find("cut.pb"), std::string::npos);
  }
}

TEST(CheckpointTest, EveryFlippedByteIsRefused) {
  const std::string bytes = SerializeCheckpoint(SmallCheckpoint());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x10);
    Result<TrainingCheckpoint> parsed = ParseCheckpoint(damaged, "flip.pb");
    ASSERT_FALSE(parsed.ok()) << "byte " << i << " flipped was accepted";
  }
}

// Builds the message, breaks it, and serialises it with a valid trailer, as
// a buggy or foreign writer would: the decoder's own checks must catch it.
Result<TrainingCheckpoint> ParseBroken(void (*breaks)(checkpoint::Checkpoint&)) {
  checkpoint::Checkpoint message = EncodeCheckpoint(SmallCheckpoint());
  breaks(message);
  return DecodeCheckpoint(message, "broken.pb");
}

TEST(CheckpointTest, InconsistentContentsAreNamed) {
  struct Case {
    const char* what;
    void (*breaks)(checkpoint::Checkpoint&);
    const char* expected;
  };
  const Case cases[] = {
      {"schema", [](checkpoint::Checkpoint& m) { m.set_schema_version(2); }, "schema_version 2"},
      {"no layers", [](checkpoint::Checkpoint& m) { m.mutable_model()->clear_layers(); }, "no layers"},
      {"values", [](checkpoint::Checkpoint& m) { m.mutable_model()->mutable_layers(0)->mutable_weights()->add_values(1); },
       "layer 0 weights holds 13 values, its shape (3, 4) needs 12"},
      {"chain", [](checkpoint::Checkpoint& m) { m.mutable_model()->mutable_layers(1)->set_input_units(5); },
       "layer 1 takes 5 inputs but the layer before gives 4"},
      {"activation", [](checkpoint::Checkpoint& m) { m.mutable_model()->mutable_layers(0)->set_activation("gelu"); },
       "gelu"},
      {"loss", [](checkpoint::Checkpoint& m) { m.mutable_model()->set_loss("hinge"); }, "hinge"},
      {"slots", [](checkpoint::Checkpoint& m) { m.mutable_optimizer()->mutable_slots()->RemoveLast(); },
       "3 state slots, the model needs 4"},
      {"hyper", [](checkpoint::Checkpoint& m) { m.mutable_optimizer()->mutable_hyperparameters()->RemoveLast(); },
       "hyperparameter epsilon is missing"},
      {"stream", [](checkpoint::Checkpoint& m) { m.mutable_position()->mutable_streams(0)->set_state("short"); },
       "random stream \"shuffle\""},
      // Claims a 2^31-1 x 2^31-1 layer with 12 values: refused before
      // anything of that size is allocated (this aborted with bad_alloc once).
      {"huge", [](checkpoint::Checkpoint& m) {
         m.mutable_model()->mutable_layers(0)->set_input_units(2147483647);
         m.mutable_model()->mutable_layers(0)->set_units(2147483647);
         m.mutable_model()->mutable_layers(1)->set_input_units(2147483647);
         m.mutable_model()->mutable_layers(0)->mutable_weights()->set_shape(0, 2147483647);
         m.mutable_model()->mutable_layers(0)->mutable_weights()->set_shape(1, 2147483647);
       }, "layer 0 weights holds 12 values, its shape (2147483647, 2147483647) needs 4611686014132420609"},
  };
  for (const Case& c : cases) {
    Result<TrainingCheckpoint> parsed = ParseBroken(c.breaks);
    ASSERT_FALSE(parsed.ok()) << c.what;
    EXPECT_NE(parsed.status().message().find("broken.pb"), std::string::npos) << parsed.status().message();
    EXPECT_NE(parsed.status().message().find(c.expected), std::string::npos)
        << c.what << ": " << parsed.status().message();
  }
}

TEST(CheckpointTest, ReadCheckpointFileNamesMissingAndEmptyFiles) {
  fs::path dir = TempDir();
  EXPECT_EQ(ReadCheckpointFile(dir / "absent.pb").status().code(), StatusCode::kNotFound);
  std::ofstream(dir / "empty.pb").close();
  Result<TrainingCheckpoint> empty = ReadCheckpointFile(dir / "empty.pb");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty.pb: empty file"), std::string::npos);
  std::ofstream(dir / "text.pb") << "[experiment]\nname = \"not a checkpoint\"\n";
  EXPECT_EQ(ReadCheckpointFile(dir / "text.pb").status().code(), StatusCode::kCorruption);
  fs::remove_all(dir);
}

TEST(AtomicFileTest, WritesTheWholeFileAndLeavesNoTemporary) {
  fs::path dir = TempDir();
  ASSERT_TRUE(WriteFileAtomically(dir / "a.pb", "first").ok());
  ASSERT_TRUE(WriteFileAtomically(dir / "a.pb", "second version").ok());
  EXPECT_EQ(ReadAll(dir / "a.pb"), "second version");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

TEST(AtomicFileTest, AFailedWriteLeavesTheOldFileAndNoTemporary) {
  fs::path dir = TempDir();
  ASSERT_TRUE(WriteFileAtomically(dir / "a.pb", "old").ok());
  // A file-size limit makes write() fail part-way (EFBIG), as a full disk would.
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  ::signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 16;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  Status status = WriteFileAtomically(dir / "a.pb", std::string(4096, 'n'));
  ::setrlimit(RLIMIT_FSIZE, &saved);
  EXPECT_EQ(status.code(), StatusCode::kIOError);
  EXPECT_NE(status.message().find("a.pb: cannot write"), std::string::npos) << status.message();
  EXPECT_EQ(ReadAll(dir / "a.pb"), "old");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1) << "the temporary is gone";
  EXPECT_EQ(WriteFileAtomically(dir / "missing" / "c.pb", "x").code(), StatusCode::kIOError);
  fs::remove_all(dir);
}

TEST(AtomicFileTest, ALeftoverTemporaryOfAKilledWriterIsNeitherReusedNorRemoved) {
  fs::path dir = TempDir();
  // What a writer killed between its write and its rename leaves behind.
  std::ofstream(dir / (".a.pb.tmp-" + std::to_string(::getpid()))) << "half";
  ASSERT_TRUE(WriteFileAtomically(dir / "a.pb", "complete").ok());
  EXPECT_EQ(ReadAll(dir / "a.pb"), "complete");
  EXPECT_EQ(ReadAll(dir / (".a.pb.tmp-" + std::to_string(::getpid()))), "half");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace runexp
