// libFuzzer target: the IDX reader (plugins/idx_reader, library runexp::idx).
// The input is a file's bytes. It goes through the in-memory parser
// (ParseIdxHeader, ParseIdx with and without a record limit) and, through a
// memfd named by /proc/self/fd/N, through ReadIdxFile, which is the only path
// that reads gzip (1f 8b) — so a seed that is a gzip'ed IDX file fuzzes the
// decompressor's size checks too. Every call must return a Status or a
// tensor consistent with the header; nothing may crash, leak, or allocate
// what the header merely claims (scripts/fuzz.sh runs this under
// -malloc_limit_mb).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "idx_file.h"

namespace {

using runexp::idx::ReadOptions;

// A tensor that came back must be what the header says, cut to the limit.
void CheckAgainstHeader(const runexp::Result<runexp::Tensor>& tensor, std::span<const std::byte> bytes,
                        const ReadOptions& options) {
  if (!tensor.ok()) return;
  auto header = runexp::idx::ParseIdxHeader(bytes, "fuzz");
  if (!header.ok()) std::abort();  // a parse succeeded on a header the header parser refuses
  if (tensor->dtype() != header->dtype) std::abort();
  if (tensor->shape().size() != header->shape.size()) std::abort();
  int64_t records = header->shape.empty() ? 0 : header->shape[0];
  if (options.limit && *options.limit < records) records = *options.limit;
  if (!tensor->shape().empty() && tensor->shape()[0] != records) std::abort();
}

// A memfd holding the input, readable by path like any file. -1 if the
// kernel refuses (then only the in-memory paths are fuzzed).
int InputAsFile(const uint8_t* data, size_t size) {
  int fd = memfd_create("idx_fuzz", MFD_CLOEXEC);
  if (fd < 0) return -1;
  size_t done = 0;
  while (done < size) {
    ssize_t n = write(fd, data + done, size - done);
    if (n <= 0) {
      close(fd);
      return -1;
    }
    done += static_cast<size_t>(n);
  }
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  (void)runexp::idx::ParseIdxHeader(bytes, "fuzz");

  const ReadOptions all;
  ReadOptions first;
  first.limit = 1;
  CheckAgainstHeader(runexp::idx::ParseIdx(bytes, "fuzz", all), bytes, all);
  CheckAgainstHeader(runexp::idx::ParseIdx(bytes, "fuzz", first), bytes, first);

  int fd = InputAsFile(data, size);
  if (fd >= 0) {
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    ReadOptions two;
    two.limit = 2;
    (void)runexp::idx::ReadIdxFile(path, all);
    (void)runexp::idx::ReadIdxFile(path, two);
    close(fd);
  }
  return 0;
}
