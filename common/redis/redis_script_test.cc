#include "common/redis/redis_script.h"

#include <string>

#include "gtest/gtest.h"

namespace codingahead::common {
namespace {

// FIPS 180 / RFC 3174 test vectors.
TEST(Sha1HexTest, MatchesKnownVectors) {
  EXPECT_EQ(Sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(Sha1Hex(std::string(1000000, 'a')),
            "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(RedisScriptTest, ShaIsLowerCaseHexOfTheSource) {
  RedisScript script("return 1");
  EXPECT_EQ(script.source(), "return 1");
  // `redis-cli SCRIPT LOAD "return 1"`
  EXPECT_EQ(script.sha(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

}  // namespace
}  // namespace codingahead::common
