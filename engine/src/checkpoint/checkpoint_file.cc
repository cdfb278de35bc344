// ReadCheckpointFile and WeightsSha256 (runexp/checkpoint.h).
#include <fstream>
#include <string>
#include <system_error>

#include "checkpoint/checkpoint_codec.h"
#include "runexp/checkpoint.h"
#include "runexp/sha256.h"

namespace runexp {

namespace {
// protobuf refuses messages of 2 GiB and more; say so before reading one.
constexpr std::uintmax_t kMaxCheckpointBytes = (1ull << 31) - 1;
}  // namespace

const nn::RandomStream* TrainingCheckpoint::FindStream(std::string_view name) const {
  for (const NamedStream& stream : streams) {
    if (stream.name == name) return &stream.stream;
  }
  return nullptr;
}

Result<TrainingCheckpoint> ReadCheckpointFile(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return Status::NotFound(path.string() + ": no such checkpoint file");
  if (!std::filesystem::is_regular_file(path, error)) {
    return Status::InvalidArgument(path.string() + ": not a regular file");
  }
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error) return Status::IOError(path.string() + ": cannot read: " + error.message());
  if (size > kMaxCheckpointBytes) {
    return Status::Corruption(path.string() + ": " + std::to_string(size) +
                              " bytes, larger than any checkpoint can be (2 GiB)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(path.string() + ": cannot open for reading");
  // Sized by the file system, not by anything the file claims.
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) {
    return Status::IOError(path.string() + ": the file changed while it was read");
  }
  return ParseCheckpoint(bytes, path.string());
}

std::string WeightsSha256(const nn::Mlp& model) {
  std::string bytes;
  for (const Tensor& parameter : model.parameters()) {
    std::span<const std::byte> raw = parameter.bytes();
    bytes.append(reinterpret_cast<const char*>(raw.data()), raw.size());
  }
  return Sha256Hex(bytes);
}

}  // namespace runexp
