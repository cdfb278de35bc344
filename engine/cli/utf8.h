// Decoding UTF-8 one code point at a time, strictly: overlong forms,
// surrogates, code points above U+10FFFF and truncated sequences are invalid.
// Shared by the JSON writer (which must emit valid UTF-8) and the table
// renderer (which measures and escapes what it prints).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace runexp::cli {

struct CodePoint {
  uint32_t value = 0;
  size_t length = 0;  // bytes it takes; 0: text[at] does not start valid UTF-8
};

inline CodePoint DecodeUtf8(std::string_view text, size_t at) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(at);
  if (lead < 0x80) return {lead, 1};
  size_t length;
  uint32_t code;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2, code = lead & 0x1f;
  else if (lead >= 0xe0 && lead <= 0xef) length = 3, code = lead & 0x0f;
  else if (lead >= 0xf0 && lead <= 0xf4) length = 4, code = lead & 0x07;
  else return {};
  if (at + length > text.size()) return {};
  for (size_t k = 1; k < length; ++k) {
    if ((byte(at + k) & 0xc0) != 0x80) return {};
    code = (code << 6) | (byte(at + k) & 0x3f);
  }
  if ((length == 3 && code < 0x800) || (length == 4 && code < 0x10000)) return {};  // overlong
  if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return {};
  return {code, length};
}

}  // namespace runexp::cli
