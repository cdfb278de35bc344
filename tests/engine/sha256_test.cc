#include "runexp/sha256.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace runexp {
namespace {

// FIPS 180-2 test vectors.
TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(std::string_view("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex(std::string_view("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, FileMatchesInMemoryDigestAcrossChunks) {
  std::string text(200000, 'x');  // spans several 64 KiB read chunks
  for (std::size_t i = 0; i < text.size(); i += 7) text[i] = static_cast<char>('a' + i % 26);
  auto path = std::filesystem::temp_directory_path() / "runexp_sha256_test.bin";
  std::ofstream(path, std::ios::binary) << text;
  Result<std::string> digest = Sha256OfFile(path.string());
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(*digest, Sha256Hex(std::string_view(text)));
  std::filesystem::remove(path);
}

TEST(Sha256Test, MissingFileIsAnErrorNamingIt) {
  Result<std::string> digest = Sha256OfFile("/nonexistent/runexp/file");
  ASSERT_FALSE(digest.ok());
  EXPECT_NE(digest.status().message().find("/nonexistent/runexp/file"), std::string::npos);
}

}  // namespace
}  // namespace runexp
