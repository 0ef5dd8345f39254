#include "common/redis/redis_script.h"

#include <string>

#include "gtest/gtest.h"

namespace codingahead::common {
namespace {

TEST(RedisScriptTest, ShaIsLowerCaseHexOfTheSource) {
  RedisScript script("return 1");
  EXPECT_EQ(script.source(), "return 1");
  // `redis-cli SCRIPT LOAD "return 1"`
  EXPECT_EQ(script.sha(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

}  // namespace
}  // namespace codingahead::common
