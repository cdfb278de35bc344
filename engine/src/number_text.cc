#include "number_text.h"

#include <charconv>

namespace runexp {

std::string ShortestText(double value) {
  // The longest shortest form of a double, "-2.2250738585072014e-308", is
  // 24 characters, so std::to_chars cannot run out of room here.
  char text[32];
  const std::to_chars_result result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

}  // namespace runexp
