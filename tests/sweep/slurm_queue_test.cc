// sbatch's --array list from a sweep's point numbers.
#include <gtest/gtest.h>

#include "sweep/slurm_queue.h"

namespace runexp::sweep {
namespace {

TEST(SlurmQueueTest, ArraySpecJoinsRunsOfConsecutiveIndexes) {
  EXPECT_EQ(ArraySpec({}), "");
  EXPECT_EQ(ArraySpec({7}), "7");
  EXPECT_EQ(ArraySpec({0, 1, 2, 3}), "0-3");
  EXPECT_EQ(ArraySpec({0, 1, 2, 3, 7, 9, 10}), "0-3,7,9-10");
  EXPECT_EQ(ArraySpec({2, 4, 6}), "2,4,6");
}

}  // namespace
}  // namespace runexp::sweep
