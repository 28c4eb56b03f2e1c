#include "daemon/ipmi/swap.h"

#include <gtest/gtest.h>

namespace ij {
namespace {

constexpr const char* kHeader = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";

TEST(Swap, LockedOnlyWhereMemoryCanBeSwapped) {
  const std::string one = std::string(kHeader) + "/dev/sda2                               partition\t8388604\t\t0\t\t-2\n";
  EXPECT_FALSE(swap_possible(kHeader, std::nullopt));        // no swap area
  EXPECT_FALSE(swap_possible("", std::nullopt));
  EXPECT_TRUE(swap_possible(one, std::nullopt));             // swap, no cgroup limit known
  EXPECT_TRUE(swap_possible(one, std::string("max\n")));     // the cgroup may swap
  EXPECT_FALSE(swap_possible(one, std::string("0\n")));      // MemorySwapMax=0
  EXPECT_TRUE(swap_possible(one, std::string("1048576\n")));
}

}  // namespace
}  // namespace ij
