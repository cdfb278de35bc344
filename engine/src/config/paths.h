// How the DSL turns a path written in an experiment file into an absolute
// one. Thread-safety: pure functions (IsInsideFolder reads the file system).
#pragma once

#include <filesystem>
#include <string_view>

namespace runexp::config {

// `written` relative to `dir` (unless already absolute), lexically normalised.
std::filesystem::path ResolvePath(const std::filesystem::path& dir, std::string_view written);

// True when `path`, with symbolic links resolved as far as it exists, is
// `folder` itself or lies below it.
bool IsInsideFolder(const std::filesystem::path& path, const std::filesystem::path& folder);

}  // namespace runexp::config
