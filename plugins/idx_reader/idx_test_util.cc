#include "idx_test_util.h"

#include <zlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

namespace runexp::idx::testing {

ScratchDir::ScratchDir() {
  static std::atomic<int> counter{0};
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = test != nullptr ? std::string(test->name()) : "global";
  for (char& c : name) {
    if (c == '/') c = '_';  // parameterised test names contain slashes
  }
  path_ = ::testing::TempDir() + "idx_reader_" + std::to_string(::getpid()) + "_" +
          std::to_string(counter++) + "_" + name;
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Bytes IdxHeaderBytes(uint8_t type_code, std::initializer_list<uint32_t> dims) {
  Bytes out = {0, 0, type_code, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims) {
    out.push_back(static_cast<uint8_t>(d >> 24));
    out.push_back(static_cast<uint8_t>(d >> 16));
    out.push_back(static_cast<uint8_t>(d >> 8));
    out.push_back(static_cast<uint8_t>(d));
  }
  return out;
}

Bytes Concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

void WriteFileBytes(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) ADD_FAILURE() << "cannot write test file " << path;
}

Bytes ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read test file " << path;
    return {};
  }
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteGzipFile(const std::string& path, const Bytes& bytes) {
  gzFile gz = gzopen(path.c_str(), "wb9");
  if (gz == nullptr) {
    ADD_FAILURE() << "gzopen failed for " << path;
    return;
  }
  const auto size = static_cast<unsigned>(bytes.size());
  if (size > 0 && gzwrite(gz, bytes.data(), size) != static_cast<int>(size)) {
    ADD_FAILURE() << "gzwrite failed for " << path;
  }
  if (gzclose(gz) != Z_OK) ADD_FAILURE() << "gzclose failed for " << path;
}

::testing::AssertionResult IsError(const Status& status, StatusCode code,
                                   std::initializer_list<std::string_view> parts) {
  if (status.ok()) return ::testing::AssertionFailure() << "expected an error, got OK";
  if (status.code() != code) {
    return ::testing::AssertionFailure()
           << "expected code " << StatusCodeName(code) << ", got " << status.ToString();
  }
  for (std::string_view part : parts) {
    if (status.message().find(part) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "message lacks \"" << part << "\": " << status.ToString();
    }
  }
  return ::testing::AssertionSuccess() << status.ToString();
}

}  // namespace runexp::idx::testing
