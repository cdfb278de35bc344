// Weight initialisers, drawing from a RandomStream (random.h).
//
// Thread-safety: fills only the given span and advances only the given
// stream; concurrent calls on different spans and streams are fine.
#pragma once

#include <cstdint>
#include <span>

#include "runexp/nn/random.h"

namespace runexp::nn {

// Keras' GlorotUniform: the bound sqrt(6 / (fan_in + fan_out)).
float GlorotUniformLimit(int64_t fan_in, int64_t fan_out);

// Each value is Uniform(-limit, limit) from `stream`, in order; so every
// value lies in [-limit, limit] (the upper end only through float rounding).
void FillGlorotUniform(std::span<float> values, int64_t fan_in, int64_t fan_out,
                       RandomStream& stream);

}  // namespace runexp::nn
