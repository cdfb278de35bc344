#include "runexp/nn/random.h"

#include <string>
#include <utility>

#include "runexp/sha256.h"

namespace runexp::nn {

namespace {

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t LoadLittleEndian(const std::byte* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint64_t>(p[i]);
  return v;
}

int HexDigit(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

}  // namespace

RandomStream::RandomStream(uint64_t seed, std::string_view name) {
  std::string message(8 + name.size(), '\0');
  for (int i = 0; i < 8; ++i) message[i] = static_cast<char>((seed >> (8 * i)) & 0xff);
  message.replace(8, name.size(), name);
  const std::string hex = Sha256Hex(std::string_view(message));
  std::array<std::byte, kStateBytes> digest{};
  for (std::size_t i = 0; i < kStateBytes; ++i) {
    digest[i] = static_cast<std::byte>(HexDigit(hex[2 * i]) * 16 + HexDigit(hex[2 * i + 1]));
  }
  for (int w = 0; w < 4; ++w) s_[w] = LoadLittleEndian(digest.data() + 8 * w);
  // An all-zero digest has probability 2^-256; xoshiro would then emit zeros forever.
  if (s_[0] == 0 && s_[1] == 0 && s_[2] == 0 && s_[3] == 0) s_[0] = 1;
}

uint64_t RandomStream::NextU64() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

float RandomStream::NextFloat() {
  return static_cast<float>(NextU64() >> 40) * 0x1.0p-24f;
}

float RandomStream::Uniform(float lo, float hi) { return lo + (hi - lo) * NextFloat(); }

uint64_t RandomStream::UniformInt(uint64_t bound) {
  if (bound == 0) return 0;
  // The high word of x·bound is uniform on [0, bound) once the low words that
  // would over-represent some outputs (fewer than 2^64 mod bound) are rejected.
  __extension__ using U128 = unsigned __int128;
  U128 product = static_cast<U128>(NextU64()) * bound;
  uint64_t low = static_cast<uint64_t>(product);
  if (low < bound) {
    const uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<U128>(NextU64()) * bound;
      low = static_cast<uint64_t>(product);
    }
  }
  return static_cast<uint64_t>(product >> 64);
}

void RandomStream::Shuffle(std::span<int64_t> values) {
  for (std::size_t i = values.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(UniformInt(i));
    std::swap(values[i - 1], values[j]);
  }
}

std::vector<int64_t> RandomStream::Permutation(int64_t n) {
  std::vector<int64_t> order(static_cast<std::size_t>(n > 0 ? n : 0));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  Shuffle(order);
  return order;
}

std::array<std::byte, RandomStream::kStateBytes> RandomStream::SaveState() const {
  std::array<std::byte, kStateBytes> bytes{};
  for (int w = 0; w < 4; ++w) {
    for (int i = 0; i < 8; ++i) bytes[8 * w + i] = static_cast<std::byte>((s_[w] >> (8 * i)) & 0xff);
  }
  return bytes;
}

Status RandomStream::RestoreState(std::span<const std::byte> bytes) {
  if (bytes.size() != kStateBytes) {
    return Status::Corruption("random stream state: expected " + std::to_string(kStateBytes) +
                              " bytes, got " + std::to_string(bytes.size()));
  }
  std::array<uint64_t, 4> state{};
  for (int w = 0; w < 4; ++w) state[w] = LoadLittleEndian(bytes.data() + 8 * w);
  if (state[0] == 0 && state[1] == 0 && state[2] == 0 && state[3] == 0) {
    return Status::Corruption("random stream state: all zero, not a reachable state");
  }
  s_ = state;
  return Status::OK();
}

}  // namespace runexp::nn
