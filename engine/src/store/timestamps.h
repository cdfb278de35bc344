// The one timestamp format in results.db: ISO-8601 UTC with milliseconds and
// a Z, "2026-11-30T00:35:01.123Z". Fixed width, so text order is time order
// and SQL can compare timestamps as strings; SQLite's date functions read it.
//
// Thread-safety: pure functions (gmtime_r), safe from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace runexp::store {

using Clock = std::chrono::system_clock;

std::string FormatTimestamp(Clock::time_point when);
std::string NowTimestamp();

// Reads the format back; nullopt for anything else.
std::optional<Clock::time_point> ParseTimestamp(const std::string& text);

}  // namespace runexp::store
