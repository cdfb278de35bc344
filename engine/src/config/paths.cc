#include "config/paths.h"

#include <system_error>

namespace runexp::config {

std::filesystem::path ResolvePath(const std::filesystem::path& dir, std::string_view written) {
  std::filesystem::path path(written);
  if (path.is_relative()) path = dir / path;
  path = path.lexically_normal();
  // "a/b/" normalises to "a/b/"; drop the empty last element so it compares equal to "a/b".
  if (path.has_parent_path() && path.filename().empty()) path = path.parent_path();
  return path;
}

bool IsInsideFolder(const std::filesystem::path& path, const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::path real_path = std::filesystem::weakly_canonical(path, error);
  if (error) return false;
  std::filesystem::path real_folder = std::filesystem::weakly_canonical(folder, error);
  if (error) return false;
  std::filesystem::path relative = real_path.lexically_relative(real_folder);
  if (relative.empty()) return false;
  return relative == "." || *relative.begin() != "..";
}

}  // namespace runexp::config
