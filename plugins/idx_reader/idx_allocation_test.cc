// The gzip reader must not allocate what a header merely claims: its buffer
// grows only as decompressed bytes arrive. This file replaces the global
// operator new for the whole test binary to record the largest single
// request made while a probe is active; all other behaviour is malloc's.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "idx_file.h"
#include "idx_test_util.h"

namespace {

std::atomic<bool> g_probing{false};
std::atomic<std::size_t> g_largest{0};

// Records the largest allocation made between construction and largest().
class AllocationProbe {
 public:
  AllocationProbe() {
    g_largest = 0;
    g_probing = true;
  }
  ~AllocationProbe() { g_probing = false; }
  std::size_t largest() const { return g_largest; }
};

}  // namespace

void* operator new(std::size_t size) {
  if (g_probing) {
    std::size_t seen = g_largest.load();
    while (size > seen && !g_largest.compare_exchange_weak(seen, size)) {
    }
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// Not inlined: g++ (-O1, as in the sanitizer build) would otherwise inline
// these into callers of the built-in `new` it assumes, and -Wmismatched-new-delete
// would call free() on operator new's pointer a mismatch. Here new is malloc.
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace runexp::idx {
namespace {

using testing::Bytes;
using testing::Concat;
using testing::IdxHeaderBytes;
using testing::IsError;
using testing::ScratchDir;
using testing::WriteGzipFile;

constexpr std::size_t kMiB = std::size_t{1} << 20;

TEST(IdxAllocationTest, ProbeSeesLargeAllocations) {
  // Without this the other tests could pass with a probe that sees nothing.
  AllocationProbe probe;
  auto big = std::make_unique<std::vector<char>>(3 * kMiB);
  EXPECT_GE(probe.largest(), 3 * kMiB);
}

TEST(IdxAllocationTest, GzipHeaderClaimingExabytesAllocatesLittle) {
  ScratchDir dir;
  const std::string path = dir.File("liar.gz");
  WriteGzipFile(path, Concat(IdxHeaderBytes(0x08, {4000000000u, 4000000000u}), Bytes(10, 1)));
  Status status;
  std::size_t largest = 0;
  {
    AllocationProbe probe;
    status = ReadIdxFile(path).status();
    largest = probe.largest();
  }
  EXPECT_TRUE(IsError(status, StatusCode::kCorruption, {path, "truncated data"}));
  EXPECT_LT(largest, kMiB);
}

TEST(IdxAllocationTest, GzipBufferGrowsWithTheDataNotTheClaim) {
  // The header claims 1e9 bytes; 300 kB arrive. The buffer may round up
  // (it doubles) but must stay near what arrived.
  ScratchDir dir;
  const std::string path = dir.File("short.gz");
  constexpr std::size_t kArrived = 300000;
  WriteGzipFile(path, Concat(IdxHeaderBytes(0x08, {1000000, 1000}), Bytes(kArrived, 3)));
  Status status;
  std::size_t largest = 0;
  {
    AllocationProbe probe;
    status = ReadIdxFile(path).status();
    largest = probe.largest();
  }
  EXPECT_TRUE(IsError(status, StatusCode::kCorruption, {path, "found 300000"}));
  EXPECT_GE(largest, kArrived);  // the data did go somewhere: the probe works here too
  EXPECT_LE(largest, 2 * kArrived);
}

}  // namespace
}  // namespace runexp::idx
