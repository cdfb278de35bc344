// What this binary is: version, the git commit it was built from, compiler.
// Recorded with every run so a result can be traced to the code that made it.
#pragma once

namespace runexp {

struct BuildInfo {
  const char* version;     // "0.1.0"
  const char* git_commit;  // full SHA-1, or "unknown" outside a git checkout
  bool git_dirty;          // tracked files differed from the commit at build time
  const char* compiler;    // "GNU 12.2.0"
  const char* build_type;  // "Release"
};

// Generated at build time by cmake/WriteBuildInfo.cmake.
const BuildInfo& GetBuildInfo();

}  // namespace runexp
