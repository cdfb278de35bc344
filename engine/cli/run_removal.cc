#include "run_removal.h"

#include <system_error>

#include "output_format.h"
#include "results_location.h"

namespace runexp::cli {

namespace {

// A name that stays inside the results folder when joined to it.
bool IsPlainFolderName(const std::string& name) {
  return !name.empty() && name.find('/') == std::string::npos &&
         name.find_first_not_of('.') != std::string::npos;
}

}  // namespace

Result<RemovedRun> RemoveRun(store::RunStore& store, const std::filesystem::path& results_path,
                             const std::string& run_id, bool even_if_running) {
  namespace fs = std::filesystem;
  if (Status deleted = store.DeleteRun(run_id, even_if_running); !deleted.ok()) return deleted;
  RemovedRun removed{run_id, RunFolder(results_path, run_id), false};
  if (!IsPlainFolderName(run_id)) return removed;

  std::error_code ec;
  fs::file_status status = fs::symlink_status(removed.folder, ec);
  if (fs::is_symlink(status)) {
    fs::remove(removed.folder, ec);
  } else if (fs::is_directory(status)) {
    fs::remove_all(removed.folder, ec);
  } else {
    return removed;  // no folder (or a file of that name, which is not the run's)
  }
  if (ec) {
    return Status::IOError(removed.folder.string() + ": run " + run_id +
                           " was removed from the database but its folder could not be deleted: " +
                           ec.message());
  }
  removed.folder_removed = true;
  return removed;
}

std::string DescribeRemoval(const RemovedRun& removed) {
  std::string text = "removed run " + EscapeForTerminal(removed.run_id);
  if (removed.folder_removed) return text + " and its folder " + EscapeForTerminal(removed.folder.string());
  return text + " (it had no folder)";
}

}  // namespace runexp::cli
