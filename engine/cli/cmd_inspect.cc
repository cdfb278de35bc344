// `runexp inspect FILE [--limit N]`: what an IDX data file holds, printed as
// stable `key: value` lines that scripts and tests can grep.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <type_traits>

#include "commands.h"
#include "exit_codes.h"
#include "idx_file.h"
#include "runexp/sha256.h"
#include "runexp/status.h"
#include "runexp/tensor.h"

namespace runexp::cli {

namespace {

constexpr std::size_t kFirstValues = 10;
// Beyond this many distinct values a per-value count is noise, not a summary
// (label files have 10; a byte-valued file at most 256).
constexpr std::size_t kMaxCountedValues = 256;

constexpr const char* kInspectFooter = R"(Output, one `key: value` per line:
  path, dtype, shape, bytes (of the data read), file_bytes, sha256 (of the file on disk);
  rank-1 tensors: first (up to 10 values);
  rank-1 integer tensors: distinct, and counts (`value=count ...`, sorted by value)
    when there are at most 256 distinct values;
  otherwise: min and max (floating-point NaNs are left out and counted as nan).
A file that is not valid IDX is reported on stderr with exit code 2.)";

// Shortest text that reads back as the same value: stable across platforms,
// unlike iostream's default six significant digits.
template <typename T>
std::string Format(T value) {
  char text[64];
  const std::to_chars_result result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

template <typename T>
void PrintFirst(std::span<const T> values, std::ostream& out) {
  out << "first:";
  for (std::size_t i = 0; i < std::min(values.size(), kFirstValues); ++i) {
    out << ' ' << Format(values[i]);
  }
  out << '\n';
}

template <typename T>
void PrintCounts(std::span<const T> values, std::ostream& out) {
  std::map<T, int64_t> counts;
  for (T v : values) {
    ++counts[v];
    // A long int32 column may hold millions of distinct values: stop early.
    if (counts.size() > kMaxCountedValues) {
      out << "distinct: more than " << kMaxCountedValues << '\n';
      return;
    }
  }
  out << "distinct: " << counts.size() << '\n';
  out << "counts:";
  for (const auto& [value, count] : counts) out << ' ' << Format(value) << '=' << count;
  out << '\n';
}

template <typename T>
void PrintRange(std::span<const T> values, std::ostream& out) {
  bool any = false;
  T lo{}, hi{};
  int64_t nans = 0;
  for (T v : values) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) {
        ++nans;
        continue;
      }
    }
    if (!any || v < lo) lo = v;
    if (!any || v > hi) hi = v;
    any = true;
  }
  if (any) out << "min: " << Format(lo) << "\nmax: " << Format(hi) << '\n';
  if (nans > 0) out << "nan: " << nans << '\n';
}

template <typename T>
void PrintValues(const Tensor& tensor, std::ostream& out) {
  std::span<const T> values = tensor.values<T>();
  if (values.empty()) return;
  if (tensor.rank() == 1) PrintFirst(values, out);
  if constexpr (std::is_integral_v<T>) {
    if (tensor.rank() == 1) {
      PrintCounts(values, out);
      return;
    }
  }
  PrintRange(values, out);
}

void PrintSummary(const std::string& path, const Tensor& tensor, uintmax_t file_bytes,
                  const std::string& sha256, std::ostream& out) {
  out << "path: " << path << '\n'
      << "dtype: " << DTypeName(tensor.dtype()) << '\n'
      << "shape: " << ShapeToString(tensor.shape()) << '\n'
      << "bytes: " << tensor.num_bytes() << '\n'
      << "file_bytes: " << file_bytes << '\n'
      << "sha256: " << sha256 << '\n';
  switch (tensor.dtype()) {
    case DType::kUInt8: PrintValues<uint8_t>(tensor, out); break;
    case DType::kInt8: PrintValues<int8_t>(tensor, out); break;
    case DType::kInt16: PrintValues<int16_t>(tensor, out); break;
    case DType::kInt32: PrintValues<int32_t>(tensor, out); break;
    case DType::kFloat32: PrintValues<float>(tensor, out); break;
    case DType::kFloat64: PrintValues<double>(tensor, out); break;
  }
}

int Fail(const Status& status) {
  std::cerr << "runexp: " << status.ToString() << '\n';
  return kExitUsage;
}

}  // namespace

void RegisterInspectCommand(CLI::App& root, CommandRegistry& registry) {
  CLI::App* app =
      root.add_subcommand("inspect", "Show the type, shape, SHA-256 and values of an IDX file");
  app->footer(kInspectFooter);
  auto file = std::make_shared<std::string>();
  auto limit = std::make_shared<int64_t>(0);
  app->add_option("file", *file, "IDX file, plain or gzip-compressed")->required();
  CLI::Option* limit_option =
      app->add_option("--limit", *limit, "Read only the first N records (N >= 1)");
  registry.Add(app, [file, limit, limit_option]() {
    idx::ReadOptions options;
    if (limit_option->count() > 0) options.limit = *limit;
    Result<Tensor> tensor = idx::ReadIdxFile(*file, options);
    if (!tensor.ok()) return Fail(tensor.status());
    Result<std::string> sha256 = Sha256OfFile(*file);
    if (!sha256.ok()) return Fail(sha256.status());
    std::error_code error;
    const uintmax_t file_bytes = std::filesystem::file_size(*file, error);
    if (error) {
      return Fail(Status::IOError(*file + ": cannot get the file size: " + error.message()));
    }
    PrintSummary(*file, *tensor, file_bytes, *sha256, std::cout);
    return kExitOk;
  });
}

}  // namespace runexp::cli
