#include "store/run_id.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>
#include <tuple>

namespace runexp::store {

namespace {

constexpr size_t kTimeChars = 15;  // YYYYMMDDTHHMMSS
constexpr size_t kIdChars = kTimeChars + 1 + 6;
constexpr size_t kMaxListed = 10;

std::string_view RandomPart(std::string_view id) {
  size_t dash = id.rfind('-');
  return dash == std::string_view::npos ? std::string_view() : id.substr(dash + 1);
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

size_t CommonPrefix(std::string_view a, std::string_view b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

std::string JoinIds(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  std::string out;
  for (size_t i = 0; i < ids.size() && i < kMaxListed; ++i) out += (i ? ", " : "") + ids[i];
  if (ids.size() > kMaxListed) out += " and " + std::to_string(ids.size() - kMaxListed) + " more";
  return out;
}

// A typo is judged against the same-length start of an id (or of its random
// part), because users type prefixes.
std::vector<std::string> ClosestIds(std::string_view typed, const std::vector<std::string>& ids) {
  std::vector<std::tuple<size_t, size_t, std::string>> scored;  // distance, -common, id
  size_t limit = std::max<size_t>(2, typed.size() / 3);
  for (const std::string& id : ids) {
    std::string_view whole(id);
    size_t distance = std::min(EditDistance(typed, whole.substr(0, typed.size())),
                               EditDistance(typed, RandomPart(whole).substr(0, typed.size())));
    if (distance > limit) continue;
    scored.emplace_back(distance, SIZE_MAX - CommonPrefix(typed, whole), id);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(std::get<2>(scored[i]));
  return out;
}

}  // namespace

std::string NewRunId(Clock::time_point started, uint32_t random_bits) {
  std::time_t t = Clock::to_time_t(started);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];  // ample for any int fields, which keeps -Wformat-truncation quiet
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d-%06x", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                random_bits & 0xffffffu);
  return buf;
}

std::string NewRunId(Clock::time_point started) {
  std::random_device device;
  return NewRunId(started, static_cast<uint32_t>(device()));
}

bool IsGeneratedRunId(std::string_view id) {
  if (id.size() != kIdChars) return false;
  for (size_t i = 0; i < kIdChars; ++i) {
    char c = id[i];
    bool ok;
    if (i == 8) ok = c == 'T';
    else if (i == kTimeChars) ok = c == '-';
    else if (i < kTimeChars) ok = c >= '0' && c <= '9';
    else ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!ok) return false;
  }
  return true;
}

bool IsAcceptableRunId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
  });
}

Result<std::string> MatchRunId(std::string_view typed, const std::vector<std::string>& ids) {
  if (typed.empty()) return Status::InvalidArgument("empty run id");
  std::vector<std::string> by_prefix;
  std::vector<std::string> by_random_part;
  for (const std::string& id : ids) {
    if (id == typed) return id;
    if (id.starts_with(typed)) by_prefix.push_back(id);
    if (RandomPart(id).starts_with(typed)) by_random_part.push_back(id);
  }
  // A match on the whole id wins over one on the random part: "2026" means
  // a date, even if some random part also starts with 2026.
  const std::vector<std::string>& matches = by_prefix.empty() ? by_random_part : by_prefix;
  if (matches.size() == 1) return matches.front();
  std::string quoted = "'";
  quoted.append(typed).append("'");
  if (matches.size() > 1) {
    return Status::InvalidArgument("run id " + quoted + " is ambiguous: it matches " +
                                   std::to_string(matches.size()) + " runs (" + JoinIds(matches) +
                                   "); type more characters");
  }
  std::vector<std::string> closest = ClosestIds(typed, ids);
  std::string message = "no run matches " + quoted;
  if (!closest.empty()) {
    message += "; did you mean ";
    for (size_t i = 0; i < closest.size(); ++i) message += (i ? " or " : "") + closest[i];
    message += "?";
  }
  return Status::NotFound(message);
}

}  // namespace runexp::store
