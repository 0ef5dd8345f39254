#include "services/account/password_hasher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace codingahead::account {
namespace {

using ::testing::MatchesRegex;

TEST(PasswordHasherTest, StoresArgon2idPhcWithTheRequiredParameters) {
  OsRandom random;
  Argon2idHasher hasher(&random);
  absl::StatusOr<std::string> hash = hasher.Hash("correct horse battery staple");
  ASSERT_TRUE(hash.ok()) << hash.status();
  // m = 19 MiB, t = 2, p = 1, 16-byte salt (22 base64 chars), 32-byte hash.
  EXPECT_THAT(*hash, MatchesRegex("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$"
                                  "[A-Za-z0-9+/]{43}"));
  EXPECT_TRUE(hasher.Verify(*hash, "correct horse battery staple"));
  EXPECT_FALSE(hasher.Verify(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(hasher.Verify(*hash, ""));
}

TEST(PasswordHasherTest, SaltsDiffer) {
  OsRandom random;
  Argon2idHasher hasher(&random, {.memory_kib = 1024, .iterations = 1});
  EXPECT_NE(*hasher.Hash("same password"), *hasher.Hash("same password"));
}

TEST(PasswordHasherTest, VerifiesHashesMadeWithOtherParameters) {
  OsRandom random;
  Argon2idHasher cheap(&random, {.memory_kib = 1024, .iterations = 1});
  Argon2idHasher current(&random);
  EXPECT_TRUE(current.Verify(*cheap.Hash("pass word 1"), "pass word 1"));
}

TEST(PasswordHasherTest, GarbageAndDummyNeverVerify) {
  OsRandom random;
  Argon2idHasher hasher(&random, {.memory_kib = 1024, .iterations = 1});
  EXPECT_FALSE(hasher.Verify("", "x"));
  EXPECT_FALSE(hasher.Verify("$argon2id$v=19$m=1024,t=1,p=1$garbage", "x"));
  EXPECT_FALSE(hasher.VerifyDummy("anything at all"));
}

TEST(PasswordHasherTest, NeedsRehashWhenParametersDiffer) {
  OsRandom random;
  Argon2idHasher cheap(&random, {.memory_kib = 1024, .iterations = 1});
  Argon2idHasher current(&random);
  EXPECT_TRUE(current.NeedsRehash(*cheap.Hash("pass word 1")));
  EXPECT_FALSE(current.NeedsRehash(*current.Hash("pass word 1")));
  EXPECT_FALSE(cheap.NeedsRehash(*cheap.Hash("pass word 1")));
  EXPECT_TRUE(current.NeedsRehash("garbage"));
  // Same numbers as a prefix of others (m=19456 vs m=194560) do not match.
  EXPECT_TRUE(current.NeedsRehash("$argon2id$v=19$m=194560,t=2,p=1$x$y"));
  EXPECT_TRUE(current.NeedsRehash("$argon2i$v=19$m=19456,t=2,p=1$x$y"));
}

}  // namespace
}  // namespace codingahead::account
