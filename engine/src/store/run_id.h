// Run ids: how they are made and how a typed prefix is resolved to one.
//
// Format: "YYYYMMDDTHHMMSS-xxxxxx", the UTC start second followed by 24
// random bits in lowercase hex, e.g. "20261130T003501-7f3a9c". Fixed width,
// so sorting ids sorts runs by start time (to the second; runs started in the
// same second are ordered by their random part). The random part keeps ids
// from different machines writing to one results.db apart: two runs started
// in the same second collide with probability 2^-24, and BeginRun retries
// with a fresh suffix if the PRIMARY KEY says it happened anyway.
//
// Like git hashes, ids may be abbreviated: any unambiguous prefix works, and
// so does a prefix of the random part alone ("7f3a").
//
// Thread-safety: pure functions; NewRunId reads std::random_device, which is
// safe to use from several threads with one instance each.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runexp/status.h"
#include "store/timestamps.h"

namespace runexp::store {

std::string NewRunId(Clock::time_point started, uint32_t random_bits);
std::string NewRunId(Clock::time_point started);  // random bits from std::random_device

// True for ids runexp itself would generate.
bool IsGeneratedRunId(std::string_view id);

// Ids a caller may choose instead: 1-64 characters from [A-Za-z0-9._-], so an
// id never needs quoting in a shell or in a file name.
bool IsAcceptableRunId(std::string_view id);

// Resolves what a user typed against the existing ids:
//   exact id                        -> that id
//   prefix of exactly one id        -> that id
//   else prefix of exactly one random part ("7f3a") -> that id
//   several matches -> InvalidArgument listing them
//   none            -> NotFound, suggesting the closest ids (edit distance)
Result<std::string> MatchRunId(std::string_view typed, const std::vector<std::string>& ids);

}  // namespace runexp::store
