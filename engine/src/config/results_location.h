// Can a run write its results database here? Checked before any work starts
// (Caffe checks its snapshot folder the same way), without creating anything.
//
// SQLite writes the database file and, beside it, its journal, so the file
// (if it exists) and its folder must both be writable. Writable means
// access(W_OK) allows it AND the file system is not mounted read-only
// (statvfs ST_RDONLY): as root, access() ignores permission bits but a
// read-only mount still refuses every write.
//
// Thread-safety: stateless; reads file-system metadata only.
#pragma once

#include <filesystem>

#include "runexp/status.h"

namespace runexp::config {

// OK, or kNotFound (an ancestor is a file, not a folder), kInvalidArgument
// (the path is a folder), kIOError (not writable: permission or read-only
// file system). Folders that do not exist yet are fine if the nearest
// existing one is writable (the run creates them).
// The message names the path.
Status CheckResultsLocationWritable(const std::filesystem::path& db_path);

}  // namespace runexp::config
