#include "config/results_location.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace runexp::config {

namespace {

// Empty when `path` may be written; otherwise why not.
std::string WhyNotWritable(const std::filesystem::path& path) {
  struct statvfs fs {};
  if (statvfs(path.c_str(), &fs) != 0) return std::strerror(errno);
  if ((fs.f_flag & ST_RDONLY) != 0) return "read-only file system";
  if (access(path.c_str(), W_OK) != 0) return std::strerror(errno);
  return "";
}

}  // namespace

Status CheckResultsLocationWritable(const std::filesystem::path& db_path) {
  std::string prefix = "results database " + db_path.string() + ": ";
  std::filesystem::path folder = db_path.parent_path();
  if (folder.empty()) folder = ".";
  std::error_code error;
  // A folder that does not exist yet is created by the run: then the nearest
  // existing ancestor must be a writable folder.
  while (!std::filesystem::exists(folder, error) && folder.has_parent_path() &&
         folder.parent_path() != folder) {
    folder = folder.parent_path();
  }
  if (!std::filesystem::is_directory(folder, error)) {
    return Status::NotFound(prefix + folder.string() + " is not a folder");
  }
  if (std::filesystem::exists(db_path, error)) {
    if (std::filesystem::is_directory(db_path, error)) {
      return Status::InvalidArgument(prefix + "is a folder, not a database file");
    }
    if (std::string why = WhyNotWritable(db_path); !why.empty()) {
      return Status::IOError(prefix + "file is not writable: " + why);
    }
  }
  if (std::string why = WhyNotWritable(folder); !why.empty()) {
    return Status::IOError(prefix + "folder " + folder.string() + " is not writable: " + why);
  }
  return Status::OK();
}

}  // namespace runexp::config
