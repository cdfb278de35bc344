// Checks on what a `runexp` command printed, shared by the store and sweep
// command tests (one definition each: they are compiled together in a unity
// batch; cmake/UnityBuild.cmake).
//
// Thread-safety: test code; gtest assertions on the calling thread.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "json_value.h"

namespace runexp::cli::testing {

inline bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The printed JSON; an empty value, and a failed test, when `text` is not JSON.
inline JsonValue ParseJsonOrFail(const std::string& text) {
  std::optional<JsonValue> json = JsonValue::Parse(text);
  EXPECT_TRUE(json.has_value()) << "not valid JSON:\n" << text;
  return json ? *json : JsonValue();
}

}  // namespace runexp::cli::testing
