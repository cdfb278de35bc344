// Reads a PNG file into RGB pixels, so the browser test can check what a
// screenshot shows (its size, and that each run's colour was drawn) rather
// than only that a file appeared. Handles what Chromium writes: 8-bit RGB
// or RGBA, not interlaced; anything else is reported, not guessed.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace runexp::cli::testing {

struct PngImage {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgb;  // width * height * 3, rows top to bottom

  // Pixels whose colour is within `tolerance` (per channel) of 0xRRGGBB.
  size_t CountColour(uint32_t rgb_hex, int tolerance = 0) const;
};

// nullopt with *error set when the file is missing or not a PNG it reads.
std::optional<PngImage> ReadPng(const std::string& path, std::string* error);

}  // namespace runexp::cli::testing
