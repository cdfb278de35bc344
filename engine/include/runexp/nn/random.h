// RandomStream: a named, reproducible stream of random numbers.
//
// Every random choice in an experiment (weight initialisation, shuffling,
// dropout masks, ...) draws from its own stream, identified by the
// experiment seed and a stable name such as "mlp_trainer/shuffle". Streams
// with different names are independent, so adding a consumer never shifts
// another consumer's numbers.
//
// Everything here is specified bit for bit, independently of the standard
// library, and is therefore part of what a seed means (changing any of it
// changes every experiment's results):
//   - stream seed: SHA-256 of the seed as 8 little-endian bytes followed by
//     the name's bytes; the 32-byte digest, read as four little-endian
//     uint64 words, is the generator state;
//   - generator: xoshiro256** 1.0 (Blackman & Vigna, 2018);
//   - NextFloat: the top 24 bits of NextU64, times 2^-24;
//   - UniformInt: Lemire's multiply-and-reject method (2019);
//   - Shuffle: Fisher–Yates from the last element down, j = UniformInt(i + 1).
// std::uniform_real_distribution and std::shuffle are avoided on purpose:
// their outputs differ between standard libraries.
//
// The state is 32 bytes; SaveState/RestoreState round-trip it exactly, so a
// resumed run continues the very same sequence.
//
// Thread-safety: a plain value, not synchronised. Give each consumer its own
// stream; copies evolve independently.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "runexp/status.h"

namespace runexp::nn {

class RandomStream {
 public:
  static constexpr std::size_t kStateBytes = 32;

  RandomStream(uint64_t seed, std::string_view name);

  uint64_t NextU64();

  // Uniform on [0, 1): one of the 2^24 multiples of 2^-24, all exact in float.
  float NextFloat();

  // lo + (hi - lo) * NextFloat(), in float arithmetic: [lo, hi) up to rounding.
  float Uniform(float lo, float hi);

  // Uniform on [0, bound), without modulo bias. bound == 0 returns 0 and
  // draws nothing.
  uint64_t UniformInt(uint64_t bound);

  // Permutes `values` in place (Fisher–Yates).
  void Shuffle(std::span<int64_t> values);

  // A uniformly random permutation of 0..n-1 (the identity, then Shuffle).
  std::vector<int64_t> Permutation(int64_t n);

  // The four state words as 32 little-endian bytes.
  std::array<std::byte, kStateBytes> SaveState() const;

  // Corruption if `bytes` is not 32 bytes or is all zero (a state xoshiro
  // can never reach). The stream is unchanged on error.
  Status RestoreState(std::span<const std::byte> bytes);

  friend bool operator==(const RandomStream&, const RandomStream&) = default;

 private:
  std::array<uint64_t, 4> s_{};
};

}  // namespace runexp::nn
