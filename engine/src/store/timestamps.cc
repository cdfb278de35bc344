#include "store/timestamps.h"

#include <cstdio>
#include <ctime>

namespace runexp::store {

std::string FormatTimestamp(Clock::time_point when) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  int64_t ms = duration_cast<milliseconds>(when.time_since_epoch()).count();
  int64_t seconds = ms / 1000;
  int64_t millis = ms % 1000;
  if (millis < 0) {  // before 1970: floor, not truncate
    millis += 1000;
    seconds -= 1;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];  // ample for any int fields: no -Wformat-truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

std::string NowTimestamp() { return FormatTimestamp(Clock::now()); }

std::optional<Clock::time_point> ParseTimestamp(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  int consumed = 0;
  if (text.size() != 24 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis, &consumed) != 7 ||
      consumed != 24) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t seconds = timegm(&tm);
  if (FormatTimestamp(Clock::from_time_t(seconds) + std::chrono::milliseconds(millis)) != text) {
    return std::nullopt;  // out-of-range fields such as month 13 were normalised away
  }
  return Clock::from_time_t(seconds) + std::chrono::milliseconds(millis);
}

}  // namespace runexp::store
