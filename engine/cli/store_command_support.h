// Shared by the commands that read and edit results.db: turning a Status
// into one line on stderr and an exit code, resolving the run ids a user
// typed, and asking for confirmation before deleting.
//
// Exit codes (exit_codes.h): a problem with what the user asked for — an
// unknown or ambiguous run id, a bad option value, a database that is
// missing, damaged, newer or locked — is kExitUsage (2) and nothing was
// changed; a failure while doing the work is kExitRunFailed (1).
//
// Thread-safety: stateless, but the functions use the process's standard
// streams.
#pragma once

#include <string>
#include <vector>

#include "runexp/status.h"
#include "store/run_store.h"

namespace runexp::cli {

// kExitUsage for kNotFound, kInvalidArgument, kCorruption, kNotSupported;
// kExitRunFailed for the rest.
int ExitCodeFor(const Status& status);

// Prints "runexp: <status>" on stderr and returns `exit_code`.
int Report(const Status& status, int exit_code);

// Each typed id or prefix resolved (RunStore::ResolveRunId); the first one
// that is unknown (with suggestions) or ambiguous (with candidates) is the
// error. Naming one run twice is an error too.
Result<std::vector<std::string>> ResolveRunIds(store::RunStore& store,
                                               const std::vector<std::string>& typed);

// "1 run", "3 runs".
std::string RunCount(size_t n);

// True when stdin is a terminal someone can answer on.
bool StdinIsTerminal();

// Asks `question` on stderr and reads a line from stdin: true only for
// "y" or "yes" (any case).
bool AskYesNo(const std::string& question);

}  // namespace runexp::cli
