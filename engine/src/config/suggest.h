// "Did you mean …?": the closest known name to a misspelt one, by edit
// distance, and the small text helpers that go with it.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runexp::config {

// Optimal-string-alignment distance: insertions, deletions, substitutions
// and swaps of two adjacent characters each cost 1. Case-sensitive.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate nearest to `word` (ignoring case) if it is near enough to be
// a plausible typo: distance <= max(1, length / 3) and smaller than either
// name. Ties go to the alphabetically first candidate.
std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates);

// "a, b, c" (in the order given).
std::string JoinNames(const std::vector<std::string>& names);

// "; did you mean 'epochs'?" or "; valid <what>: a, b, c" when nothing is close
// ("; there are no <what>" when the list is empty).
std::string SuggestionSuffix(std::string_view word, const std::vector<std::string>& candidates,
                             std::string_view what);

}  // namespace runexp::config
