#include "runexp/nn/init.h"

#include <cmath>

namespace runexp::nn {

float GlorotUniformLimit(int64_t fan_in, int64_t fan_out) {
  // In double and rounded once, as Keras computes it in Python.
  return static_cast<float>(std::sqrt(6.0 / static_cast<double>(fan_in + fan_out)));
}

void FillGlorotUniform(std::span<float> values, int64_t fan_in, int64_t fan_out,
                       RandomStream& stream) {
  const float limit = GlorotUniformLimit(fan_in, fan_out);
  for (float& v : values) v = stream.Uniform(-limit, limit);
}

}  // namespace runexp::nn
