// Deleting a run for `runexp rm` and `runexp prune`: its rows in results.db
// and its own folder beside the database, <dir of results.db>/<run_id>/.
//
// The rows go first, in one transaction (RunStore::DeleteRun): a folder left
// behind by a failure afterwards is an orphan the user can delete, whereas a
// row whose folder is gone would claim files that no longer exist. Only that
// one folder is touched, and only if it exists; an id that could name
// anything else ("." or "..", which the store accepts) never reaches the
// file system. A symbolic link in the folder's place is removed, not
// followed.
//
// Thread-safety: as RunStore; the file-system part assumes nobody else is
// writing into the run's folder (a running run is refused unless forced).
#pragma once

#include <filesystem>
#include <string>

#include "runexp/status.h"
#include "store/run_store.h"

namespace runexp::cli {

struct RemovedRun {
  std::string run_id;
  std::filesystem::path folder;
  bool folder_removed = false;  // false: there was none
};

Result<RemovedRun> RemoveRun(store::RunStore& store, const std::filesystem::path& results_path,
                             const std::string& run_id, bool even_if_running);

// "removed run ID and its folder PATH" / "removed run ID (it had no folder)".
std::string DescribeRemoval(const RemovedRun& removed);

}  // namespace runexp::cli
