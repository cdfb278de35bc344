// What `runexp eval` and `runexp predict` feed a checkpoint's model: the input
// scaling derived from the run's effective config (checkpoint_preprocessing.h)
// and raw IDX tensors turned into model rows and one-hot labels
// (checkpoint_data.h).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "checkpoint_data.h"
#include "checkpoint_preprocessing.h"

namespace runexp::cli {
namespace {

// A run's stages as the canonical effective TOML writes them.
std::string Config(const std::string& x_stage, const std::string& trainer_x = "x.output") {
  return "[experiment]\nname = \"t\"\nseed = 1\n\n"
         "[stages.images]\npath = \"/data/images\"\nplugin = \"idx_reader\"\n\n"
         "[stages.labels]\npath = \"/data/labels\"\nplugin = \"idx_reader\"\n\n"
         "[stages.model]\ninputs = { x = \"" + trainer_x + "\", y = \"y.output\" }\nplugin = \"mlp_trainer\"\n\n" +
         x_stage +
         "\n[stages.y]\nclasses = 3\ninputs = { input = \"labels.output\" }\nplugin = \"one_hot\"\n";
}

const std::string kDivideStage =
    "[stages.x]\ndivide_by = 255.0\ninputs = { input = \"images.output\" }\nmean = 0.0\n"
    "plugin = \"reshape_normalize\"\nscaling = \"divide\"\nshape = [4]\nstd = 1.0\n";

TEST(CheckpointPreprocessingTest, DividesAsTheRunsReshapeNormalizeStage) {
  Result<InputScaling> scaling = DeriveInputScaling(Config(kDivideStage), "model", "c.pb");
  ASSERT_TRUE(scaling.ok()) << scaling.status().ToString();
  EXPECT_EQ(scaling->scale, static_cast<float>(1.0 / 255.0));
  EXPECT_EQ(scaling->offset, 0.0f);
  EXPECT_EQ(scaling->description, "divide_by = 255 (stage x)");
}

TEST(CheckpointPreprocessingTest, StandardizesAsOneMultiplyAdd) {
  std::string stage =
      "[stages.x]\ninputs = { input = \"images.output\" }\nmean = 33.3\nplugin = \"reshape_normalize\"\n"
      "scaling = \"standardize\"\nshape = [4]\nstd = 78.5\n";
  Result<InputScaling> scaling = DeriveInputScaling(Config(stage), "model", "c.pb");
  ASSERT_TRUE(scaling.ok()) << scaling.status().ToString();
  EXPECT_EQ(scaling->scale, static_cast<float>(1.0 / 78.5));
  EXPECT_EQ(scaling->offset, static_cast<float>(-33.3 / 78.5));
  EXPECT_NE(scaling->description.find("mean = 33.3, std = 78.5"), std::string::npos) << scaling->description;
}

TEST(CheckpointPreprocessingTest, AcceptsTheShortInputFormsAndDefaults) {
  // A hand-written file: `input = "images"`, `x = "x"`, no scaling key (divide by 1).
  std::string stage = "[stages.x]\ninput = \"images\"\nplugin = \"reshape_normalize\"\nshape = [4]\n";
  Result<InputScaling> scaling = DeriveInputScaling(Config(stage, "x"), "model", "c.pb");
  ASSERT_TRUE(scaling.ok()) << scaling.status().ToString();
  EXPECT_EQ(scaling->scale, 1.0f);
  EXPECT_EQ(scaling->offset, 0.0f);
}

TEST(CheckpointPreprocessingTest, AnotherPluginBeforeTheModelCannotBeDerived) {
  std::string stage = "[stages.x]\ninputs = { input = \"images.output\" }\nplugin = \"feature_standardizer\"\n";
  Result<InputScaling> scaling = DeriveInputScaling(Config(stage), "model", "run/c.pb");
  ASSERT_FALSE(scaling.ok());
  EXPECT_EQ(scaling.status().code(), StatusCode::kNotSupported);
  const std::string& message = scaling.status().message();
  EXPECT_NE(message.find("run/c.pb"), std::string::npos) << message;
  EXPECT_NE(message.find("stage 'x' (plugin feature_standardizer)"), std::string::npos) << message;
  EXPECT_NE(message.find("--divide-by"), std::string::npos) << message;
}

TEST(CheckpointPreprocessingTest, ReshapeNormalizeNotReadingAnIdxFileCannotBeDerived) {
  std::string stage = kDivideStage;
  stage.replace(stage.find("images.output"), 13, "y.output");
  Result<InputScaling> scaling = DeriveInputScaling(Config(stage), "model", "c.pb");
  ASSERT_FALSE(scaling.ok());
  EXPECT_EQ(scaling.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(scaling.status().message().find("reads stage 'y' (plugin one_hot), not an idx_reader"),
            std::string::npos)
      << scaling.status().message();
}

TEST(CheckpointPreprocessingTest, AMissingTrainerStageIsCorruptionNamingTheFile) {
  Result<InputScaling> scaling = DeriveInputScaling(Config(kDivideStage), "trainer", "c.pb");
  ASSERT_FALSE(scaling.ok());
  EXPECT_EQ(scaling.status().code(), StatusCode::kCorruption);
  EXPECT_NE(scaling.status().message().find("c.pb: the run's effective config has no stage 'trainer'"),
            std::string::npos)
      << scaling.status().message();
}

TEST(CheckpointPreprocessingTest, InvalidTomlIsCorruptionNamingTheFile) {
  Result<InputScaling> scaling = DeriveInputScaling("[stages.x\nplugin = 1", "model", "c.pb");
  ASSERT_FALSE(scaling.ok());
  EXPECT_EQ(scaling.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(scaling.status().message().rfind("c.pb: the run's effective config is not valid TOML", 0), 0u)
      << scaling.status().message();
}

TEST(CheckpointPreprocessingTest, ANonPositiveDivisorInTheConfigIsCorruption) {
  std::string stage = kDivideStage;
  stage.replace(stage.find("255.0"), 5, "-2.0");
  Result<InputScaling> scaling = DeriveInputScaling(Config(stage), "model", "c.pb");
  ASSERT_FALSE(scaling.ok());
  EXPECT_EQ(scaling.status().code(), StatusCode::kCorruption);
  EXPECT_NE(scaling.status().message().find("divide_by = -2"), std::string::npos) << scaling.status().message();
}

TEST(CheckpointPreprocessingTest, DivideByFlagNeedsAPositiveFiniteNumber) {
  Result<InputScaling> scaling = ScalingFromDivideBy(10.0, "--divide-by");
  ASSERT_TRUE(scaling.ok());
  EXPECT_EQ(scaling->scale, 0.1f);
  EXPECT_EQ(scaling->description, "--divide-by 10");
  for (double bad : {0.0, -1.0, std::numeric_limits<double>::infinity(), std::nan("")}) {
    Result<InputScaling> refused = ScalingFromDivideBy(bad, "--divide-by");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(refused.status().message().find("--divide-by must be a number greater than 0"), std::string::npos);
  }
}

Tensor Bytes(Shape shape, const std::vector<uint8_t>& values) {
  Tensor t(DType::kUInt8, std::move(shape));
  std::copy(values.begin(), values.end(), t.values<uint8_t>().begin());
  return t;
}

TEST(CheckpointDataTest, ImagesAreFlattenedAndScaledElementByElement) {
  Tensor images = Bytes({2, 2, 2}, {0, 1, 2, 3, 128, 200, 254, 255});
  InputScaling scaling{static_cast<float>(1.0 / 255.0), 0.0f, ""};
  Result<Tensor> x = ImagesToModelInput(images, scaling, 4, "i.idx");
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  EXPECT_EQ(x->shape(), (Shape{2, 4}));
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(x->values<float>()[i], static_cast<float>(images.values<uint8_t>()[i]) * scaling.scale + 0.0f);
  }
  EXPECT_EQ(x->values<float>()[7], 1.0f);
}

TEST(CheckpointDataTest, SignedImagesGetTheOffset) {
  Tensor images(DType::kInt16, {1, 3});
  std::vector<int16_t> values = {-300, 0, 300};
  std::copy(values.begin(), values.end(), images.values<int16_t>().begin());
  Result<Tensor> x = ImagesToModelInput(images, InputScaling{0.5f, 1.0f, ""}, 3, "i.idx");
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  EXPECT_EQ(std::vector<float>(x->values<float>().begin(), x->values<float>().end()),
            (std::vector<float>{-149.0f, 1.0f, 151.0f}));
}

TEST(CheckpointDataTest, ImagesOfTheWrongWidthNameTheFileAndBothWidths) {
  Result<Tensor> x = ImagesToModelInput(Bytes({1, 3, 3}, std::vector<uint8_t>(9)), {}, 784, "data/i.idx");
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(x.status().message(), "data/i.idx: each image has 9 values (shape (1, 3, 3)), the model takes 784");
}

TEST(CheckpointDataTest, LabelsBecomeOneHotRows) {
  Result<Tensor> y = LabelsToOneHot(Bytes({3}, {2, 0, 1}), 3, "l.idx");
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(y->shape(), (Shape{3, 3}));
  EXPECT_EQ(std::vector<float>(y->values<float>().begin(), y->values<float>().end()),
            (std::vector<float>{0, 0, 1, 1, 0, 0, 0, 1, 0}));
}

TEST(CheckpointDataTest, TheFirstOutOfRangeLabelIsNamedWithItsIndex) {
  Result<Tensor> y = LabelsToOneHot(Bytes({4}, {1, 0, 12, 200}), 10, "l.idx");
  ASSERT_FALSE(y.ok());
  EXPECT_EQ(y.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(y.status().message(), "l.idx: label at index 2 is 12, outside [0, 10) (the model has 10 outputs)");

  Tensor negative(DType::kInt8, {2});
  negative.values<int8_t>()[1] = -1;
  Result<Tensor> refused = LabelsToOneHot(negative, 10, "n.idx");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("label at index 1 is -1"), std::string::npos)
      << refused.status().message();
}

TEST(CheckpointDataTest, FloatOrMatrixLabelsAreRefused) {
  Result<Tensor> floats = LabelsToOneHot(Tensor(DType::kFloat32, {2}), 10, "f.idx");
  ASSERT_FALSE(floats.ok());
  EXPECT_EQ(floats.status().message(), "f.idx: labels must be integers, not float32");
  Result<Tensor> matrix = LabelsToOneHot(Bytes({2, 2}, {0, 1, 1, 0}), 10, "m.idx");
  ASSERT_FALSE(matrix.ok());
  EXPECT_NE(matrix.status().message().find("m.idx: labels must be one value per sample"), std::string::npos);
}

TEST(CheckpointDataTest, ArgMaxTiesGoToTheLowestClass) {
  EXPECT_EQ(ArgMax(std::vector<float>{0.1f, 0.7f, 0.2f}), 1);
  EXPECT_EQ(ArgMax(std::vector<float>{0.4f, 0.2f, 0.4f}), 0);
  EXPECT_EQ(ArgMax(std::vector<float>{0.2f, 0.4f, 0.4f}), 1);
}

}  // namespace
}  // namespace runexp::cli
