// libFuzzer target: the checkpoint parser (engine/src/checkpoint,
// ParseCheckpoint). The input is a checkpoint file's bytes. It is parsed as
// it is, and once more with its body_sha256 trailer recomputed: a mutated
// file almost never matches its recorded hash, and without the second call
// the fuzzer would never get past that check into the decoder, which is
// where a damaged model, optimizer or stream state must be refused.
// Nothing may crash, leak, or allocate what a field merely claims.
#include <openssl/sha.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checkpoint/checkpoint_codec.h"

namespace {

// The file ends with field 15 (body_sha256), 32 bytes: tag 0x7a, length 32.
constexpr unsigned char kTrailerTag = (15 << 3) | 2;
constexpr std::size_t kShaBytes = 32;
constexpr std::size_t kTrailerBytes = 2 + kShaBytes;

// The body (the input without a trailer if it has one) with a trailer that
// matches it.
std::string WithValidTrailer(std::string_view bytes) {
  std::string_view body = bytes;
  if (body.size() >= kTrailerBytes && static_cast<unsigned char>(body[body.size() - kTrailerBytes]) == kTrailerTag &&
      static_cast<unsigned char>(body[body.size() - kTrailerBytes + 1]) == kShaBytes) {
    body.remove_suffix(kTrailerBytes);
  }
  std::string out(body);
  unsigned char digest[kShaBytes];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  out.push_back(static_cast<char>(kTrailerTag));
  out.push_back(static_cast<char>(kShaBytes));
  out.append(reinterpret_cast<const char*>(digest), kShaBytes);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)runexp::ParseCheckpoint(bytes, "fuzz.pb");
  auto decoded = runexp::ParseCheckpoint(WithValidTrailer(bytes), "fuzz.pb");
  if (decoded.ok()) {
    // What decodes must encode again: the codec's two halves agree.
    (void)runexp::SerializeCheckpoint(*decoded);
  }
  return 0;
}
