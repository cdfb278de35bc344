// SHA-256 of bytes and files, as lowercase hex. Backed by OpenSSL's EVP API.
// Used for provenance: data files, configs, checkpoints and weights.
// Thread-safe: no shared state.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "runexp/status.h"

namespace runexp {

std::string Sha256Hex(std::span<const std::byte> data);
std::string Sha256Hex(std::string_view text);

// Streams the file in fixed-size chunks: memory use does not grow with the file.
Result<std::string> Sha256OfFile(const std::string& path);

}  // namespace runexp
