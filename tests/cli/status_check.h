// Check(status): fails the current test when a fixture's write to results.db
// did not succeed, naming the error. Shared by the fixtures so that it has one
// definition (they are compiled together in a unity batch; cmake/UnityBuild.cmake).
//
// Thread-safety: test code; gtest assertions on the calling thread.
#pragma once

#include <gtest/gtest.h>

#include "runexp/status.h"

namespace runexp::cli::testing {

inline void Check(const Status& status) { ASSERT_TRUE(status.ok()) << status.ToString(); }

}  // namespace runexp::cli::testing
