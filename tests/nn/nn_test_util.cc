#include "nn_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "runexp/nn/random.h"

namespace runexp::nn {

void PrintTo(const OptimizerConfig& config, std::ostream* os) {
  *os << OptimizerName(config.kind) << "(";
  const char* separator = "";
  for (const auto& [name, value] : Hyperparameters(config)) {
    *os << separator << name << "=" << value;
    separator = ", ";
  }
  *os << ")";
}

}  // namespace runexp::nn

namespace runexp::nn::testing {

Tensor MakeTensor(const Shape& shape, const std::vector<float>& values) {
  Tensor t(DType::kFloat32, shape);
  std::memcpy(t.values<float>().data(), values.data(), values.size() * sizeof(float));
  return t;
}

DataSet MakeBlobs(int64_t rows, int64_t dims, int64_t classes, float spread, uint64_t seed) {
  RandomStream stream(seed, "blobs");
  std::vector<float> centres(static_cast<std::size_t>(classes * dims));
  for (float& c : centres) c = stream.Uniform(-1.0f, 1.0f);
  DataSet data{Tensor(DType::kFloat32, {rows, dims}), Tensor(DType::kFloat32, {rows, classes})};
  float* x = data.x.values<float>().data();
  float* y = data.y.values<float>().data();
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t label = r % classes;
    y[r * classes + label] = 1.0f;
    for (int64_t d = 0; d < dims; ++d) {
      // Box–Muller; test data only, so libm's exact bits do not matter.
      const double u1 = 1.0 - stream.NextFloat();
      const double u2 = stream.NextFloat();
      const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
      x[r * dims + d] = centres[static_cast<std::size_t>(label * dims + d)] +
                        spread * static_cast<float>(normal);
    }
  }
  return data;
}

DataSet MakeXor() {
  return {MakeTensor({4, 2}, {0, 0, 0, 1, 1, 0, 1, 1}),
          MakeTensor({4, 2}, {1, 0, 0, 1, 0, 1, 1, 0})};
}

std::vector<std::vector<double>> ToDouble(const std::vector<Tensor>& params) {
  std::vector<std::vector<double>> out;
  for (const Tensor& p : params) {
    std::span<const float> v = p.values<float>();
    out.emplace_back(v.begin(), v.end());
  }
  return out;
}

namespace {

void Activate(Activation a, std::vector<double>& row) {
  switch (a) {
    case Activation::kLinear: return;
    case Activation::kRelu:
      for (double& v : row) v = v > 0 ? v : 0;
      return;
    case Activation::kSigmoid:
      for (double& v : row) v = 1.0 / (1.0 + std::exp(-v));
      return;
    case Activation::kTanh:
      for (double& v : row) v = std::tanh(v);
      return;
    case Activation::kSoftmax: {
      double max = row[0];
      for (double v : row) max = v > max ? v : max;
      double sum = 0;
      for (double& v : row) sum += (v = std::exp(v - max));
      for (double& v : row) v /= sum;
      return;
    }
  }
}

}  // namespace

double ReferenceLoss(const MlpSpec& spec, const std::vector<std::vector<double>>& params,
                     const Tensor& x, const Tensor& y) {
  const int64_t rows = x.dim(0);
  const int64_t classes = y.dim(1);
  std::span<const float> xs = x.values<float>();
  std::span<const float> ys = y.values<float>();
  double total = 0;
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<double> act(xs.begin() + r * spec.input_dim, xs.begin() + (r + 1) * spec.input_dim);
    for (std::size_t l = 0; l < spec.layers.size(); ++l) {
      const std::vector<double>& kernel = params[2 * l];
      const std::vector<double>& bias = params[2 * l + 1];
      const int64_t units = spec.layers[l].units;
      std::vector<double> next(static_cast<std::size_t>(units));
      for (int64_t j = 0; j < units; ++j) {
        double z = 0;
        for (std::size_t i = 0; i < act.size(); ++i) z += act[i] * kernel[i * units + j];
        next[j] = z + bias[j];
      }
      Activate(spec.layers[l].activation, next);
      act = std::move(next);
    }
    const float* t = ys.data() + r * classes;
    double row_loss = 0;
    if (spec.loss == Loss::kCategoricalCrossentropy) {
      double sum = 0;
      for (double p : act) sum += p;
      for (int64_t j = 0; j < classes; ++j) {
        const double q = std::min(std::max(act[j] / sum, 1e-7), 1.0 - 1e-7);
        row_loss -= t[j] * std::log(q);
      }
    } else {
      for (int64_t j = 0; j < classes; ++j) row_loss += (act[j] - t[j]) * (act[j] - t[j]);
      row_loss /= static_cast<double>(classes);
    }
    total += row_loss;
  }
  return total / static_cast<double>(rows);
}

void ExpectGatheredBatchIsTheCopiedBatch(const Mlp& model, MatrixView x, MatrixView y,
                                         const std::vector<int64_t>& rows) {
  const int64_t n = static_cast<int64_t>(rows.size());
  Tensor gx(DType::kFloat32, {n, x.cols}), gy(DType::kFloat32, {n, y.cols});
  for (int64_t i = 0; i < n; ++i) {
    std::copy_n(x.row(rows[static_cast<std::size_t>(i)]), x.cols, gx.values<float>().data() + i * x.cols);
    std::copy_n(y.row(rows[static_cast<std::size_t>(i)]), y.cols, gy.values<float>().data() + i * y.cols);
  }
  MlpWorkspace copy_ws, gather_ws;
  std::vector<Tensor> copied, gathered;
  const BatchStats a = *model.ComputeGradients(*AsMatrix(gx, "x"), *AsMatrix(gy, "y"), &copy_ws, &copied);
  const BatchStats b = *model.ComputeGradients(x, y, rows, &gather_ws, &gathered);
  EXPECT_EQ(a.loss_sum, b.loss_sum);
  EXPECT_EQ(a.correct, b.correct);
  EXPECT_EQ(b.samples, n);
  for (std::size_t p = 0; p < copied.size(); ++p) {
    EXPECT_TRUE(std::equal(copied[p].values<float>().begin(), copied[p].values<float>().end(),
                           gathered[p].values<float>().begin()))
        << Mlp::ParameterName(p);
  }
}

}  // namespace runexp::nn::testing
