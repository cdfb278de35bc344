// WriteFileAtomically: a file appears under its final name complete or not
// at all. The bytes go to a temporary file in the same folder, are flushed
// to disk (fsync), and the temporary is renamed over the final name, then
// the folder itself is synced so the rename survives a power cut. On any
// error the temporary is removed and the final name is untouched.
//
// Thread-safety: safe from any thread; concurrent writers of one path each
// write their own temporary, and the file holds one complete version (the
// last rename wins).
#pragma once

#include <filesystem>
#include <string_view>

#include "runexp/status.h"

namespace runexp {

// IOError naming the file and the operating system's reason (e.g. "No space
// left on device").
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace runexp
