#include "png_image.h"

#include <zlib.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

namespace runexp::cli::testing {

namespace {

uint32_t BigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

uint8_t Paeth(int a, int b, int c) {
  int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return static_cast<uint8_t>(a);
  return static_cast<uint8_t>(pb <= pc ? b : c);
}

std::optional<PngImage> Fail(std::string* error, const std::string& message) {
  if (error) *error = message;
  return std::nullopt;
}

}  // namespace

size_t PngImage::CountColour(uint32_t rgb_hex, int tolerance) const {
  const int want[3] = {static_cast<int>(rgb_hex >> 16 & 0xff), static_cast<int>(rgb_hex >> 8 & 0xff),
                       static_cast<int>(rgb_hex & 0xff)};
  size_t count = 0;
  for (size_t i = 0; i + 2 < rgb.size(); i += 3) {
    bool match = true;
    for (int c = 0; c < 3; ++c) match = match && std::abs(rgb[i + c] - want[c]) <= tolerance;
    count += match;
  }
  return count;
}

std::optional<PngImage> ReadPng(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(error, "cannot open " + path);
  std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  static const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (file.size() < 8 || std::memcmp(file.data(), kSignature, 8) != 0) return Fail(error, path + " is not a PNG");

  PngImage image;
  int channels = 0;
  std::vector<uint8_t> compressed;
  for (size_t at = 8; at + 12 <= file.size();) {
    uint32_t length = BigEndian32(&file[at]);
    std::string type(reinterpret_cast<const char*>(&file[at + 4]), 4);
    if (at + 12 + length > file.size()) return Fail(error, path + ": truncated " + type + " chunk");
    const uint8_t* data = &file[at + 8];
    if (type == "IHDR") {
      image.width = BigEndian32(data);
      image.height = BigEndian32(data + 4);
      uint8_t depth = data[8], colour = data[9], interlace = data[12];
      if (depth != 8 || (colour != 2 && colour != 6) || interlace != 0) {
        return Fail(error, path + ": only 8-bit RGB/RGBA non-interlaced PNGs are read");
      }
      channels = colour == 6 ? 4 : 3;
    } else if (type == "IDAT") {
      compressed.insert(compressed.end(), data, data + length);
    } else if (type == "IEND") {
      break;
    }
    at += 12 + length;
  }
  if (channels == 0) return Fail(error, path + ": no IHDR chunk");

  const size_t stride = size_t{image.width} * channels;
  std::vector<uint8_t> raw((stride + 1) * image.height);
  uLongf raw_size = raw.size();
  if (uncompress(raw.data(), &raw_size, compressed.data(), compressed.size()) != Z_OK || raw_size != raw.size()) {
    return Fail(error, path + ": image data does not inflate to " + std::to_string(raw.size()) + " bytes");
  }

  std::vector<uint8_t> previous(stride, 0), row(stride);
  image.rgb.reserve(size_t{image.width} * image.height * 3);
  for (uint32_t y = 0; y < image.height; ++y) {
    const uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* line = &raw[y * (stride + 1) + 1];
    for (size_t i = 0; i < stride; ++i) {
      int a = i >= static_cast<size_t>(channels) ? row[i - channels] : 0;
      int b = previous[i];
      int c = i >= static_cast<size_t>(channels) ? previous[i - channels] : 0;
      int predicted = 0;
      switch (filter) {
        case 0: break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) / 2; break;
        case 4: predicted = Paeth(a, b, c); break;
        default: return Fail(error, path + ": unknown filter " + std::to_string(filter));
      }
      row[i] = static_cast<uint8_t>(line[i] + predicted);
    }
    for (uint32_t x = 0; x < image.width; ++x) {
      image.rgb.insert(image.rgb.end(), &row[x * channels], &row[x * channels] + 3);
    }
    previous.swap(row);
  }
  return image;
}

}  // namespace runexp::cli::testing
