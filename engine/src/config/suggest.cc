#include "config/suggest.h"

#include <algorithm>
#include <cctype>

namespace runexp::config {

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  // Three rolling rows: the swap rule looks two rows back.
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

std::optional<std::string> ClosestMatch(std::string_view word,
                                        const std::vector<std::string>& candidates) {
  std::string lowered = Lower(word);
  std::optional<std::string> best;
  size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    size_t distance = EditDistance(lowered, Lower(candidate));
    size_t limit = std::max<size_t>(1, std::max(word.size(), candidate.size()) / 3);
    bool plausible = distance <= limit && distance < std::min(word.size(), candidate.size());
    if (distance == 0) plausible = true;  // differs only in case
    if (!plausible) continue;
    if (!best || distance < best_distance || (distance == best_distance && candidate < *best)) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string SuggestionSuffix(std::string_view word, const std::vector<std::string>& candidates,
                             std::string_view what) {
  if (std::optional<std::string> match = ClosestMatch(word, candidates)) {
    return "; did you mean '" + *match + "'?";
  }
  if (candidates.empty()) return "; there are no " + std::string(what);
  return "; valid " + std::string(what) + ": " + JoinNames(candidates);
}

}  // namespace runexp::config
