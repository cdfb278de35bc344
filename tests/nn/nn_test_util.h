// Helpers shared by the runexp_nn tests: small tensors from literals,
// synthetic data sets, and an independent double-precision reference of the
// MLP forward pass and loss for finite-difference gradient checks.
// Thread-safety: plain functions; no shared state.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "runexp/nn/mlp.h"
#include "runexp/nn/optimizer.h"
#include "runexp/tensor.h"

namespace runexp::nn {
// So parameterised tests print "adam(learning_rate=0.001, ...)", not bytes.
void PrintTo(const OptimizerConfig& config, std::ostream* os);
}  // namespace runexp::nn

namespace runexp::nn::testing {

Tensor MakeTensor(const Shape& shape, const std::vector<float>& values);

// `rows` rows in `classes` Gaussian blobs (stddev `spread`) around random
// centres in [-1, 1]^dims; one-hot targets. Drawn from RandomStream(seed, "blobs").
struct DataSet {
  Tensor x;
  Tensor y;
};
DataSet MakeBlobs(int64_t rows, int64_t dims, int64_t classes, float spread, uint64_t seed);

// The four XOR points with one-hot targets (class = a xor b).
DataSet MakeXor();

// Batch-mean loss of the model's spec and `params` (converted to double) on
// (x, y), computed independently of runexp_nn in double precision with the
// Keras definitions (clip 1e-7 for cross-entropy after renormalising).
double ReferenceLoss(const MlpSpec& spec, const std::vector<std::vector<double>>& params,
                     const Tensor& x, const Tensor& y);

std::vector<std::vector<double>> ToDouble(const std::vector<Tensor>& params);

// Training on the batch made of rows `rows` of (x, y) gives the bits of
// training on those rows copied out first: loss, accuracy and every
// gradient (gtest expectations).
void ExpectGatheredBatchIsTheCopiedBatch(const Mlp& model, MatrixView x, MatrixView y,
                                         const std::vector<int64_t>& rows);

}  // namespace runexp::nn::testing
