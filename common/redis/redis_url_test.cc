#include "common/redis/redis_url.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace codingahead::common {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ParseRedisUrlTest, ParsesHostPortAndDb) {
  absl::StatusOr<RedisEndpoint> e = ParseRedisUrl("redis://10.1.2.3:6380/4");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->host, "10.1.2.3");
  EXPECT_EQ(e->port, 6380);
  EXPECT_EQ(e->db, 4);
  EXPECT_EQ(e->username, "");
  EXPECT_EQ(e->password, "");
}

TEST(ParseRedisUrlTest, DefaultsPortAndDb) {
  for (const char* url : {"redis://redis.default.svc", "redis://redis.default.svc/",
                          "redis://redis.default.svc:6379/0"}) {
    absl::StatusOr<RedisEndpoint> e = ParseRedisUrl(url);
    ASSERT_TRUE(e.ok()) << url << ": " << e.status();
    EXPECT_EQ(e->host, "redis.default.svc") << url;
    EXPECT_EQ(e->port, 6379) << url;
    EXPECT_EQ(e->db, 0) << url;
  }
}

TEST(ParseRedisUrlTest, ParsesPasswordWithoutUser) {
  absl::StatusOr<RedisEndpoint> e = ParseRedisUrl("redis://:s3cret@h:1/2");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->username, "");
  EXPECT_EQ(e->password, "s3cret");
  EXPECT_EQ(e->host, "h");
  EXPECT_EQ(e->port, 1);
  EXPECT_EQ(e->db, 2);
}

TEST(ParseRedisUrlTest, ParsesAclUserAndPassword) {
  absl::StatusOr<RedisEndpoint> e = ParseRedisUrl("redis://app:pw@h/0");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->username, "app");
  EXPECT_EQ(e->password, "pw");
}

TEST(ParseRedisUrlTest, PercentDecodesAndAllowsAtSignInPassword) {
  absl::StatusOr<RedisEndpoint> e = ParseRedisUrl("redis://:p%40ss%2Fw%3Ard@ss@h:7/1");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->password, "p@ss/w:rd@ss");
  EXPECT_EQ(e->host, "h");
  EXPECT_EQ(e->port, 7);
}

TEST(ParseRedisUrlTest, ParsesBracketedIpv6) {
  absl::StatusOr<RedisEndpoint> e = ParseRedisUrl("redis://[::1]:6390/3");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, 6390);
  EXPECT_EQ(e->db, 3);
  EXPECT_EQ(e->Address(), "[::1]:6390");
}

TEST(ParseRedisUrlTest, RejectsMalformedUrls) {
  for (const char* url : {
           "",
           "127.0.0.1:6379",
           "http://h:6379/0",
           "rediss://h:6379/0",
           "redis://",
           "redis://:6379/0",
           "redis://h:/0",
           "redis://h:0/0",
           "redis://h:65536/0",
           "redis://h:63a/0",
           "redis://h:+63/0",
           "redis://h: 63/0",
           "redis://h:6379/-1",
           "redis://h:6379/x",
           "redis://h:6379/1/2",
           "redis://h:6379/0?timeout=1",
           "redis://[::1/0",
           "redis://[::1]x/0",
           "redis://user@h/0",
           "redis://:bad%zzpw@h/0",
           "redis://:bad%4@h/0",
           "redis://h h/0",
       }) {
    absl::StatusOr<RedisEndpoint> e = ParseRedisUrl(url);
    EXPECT_FALSE(e.ok()) << "accepted '" << url << "' as " << e->Address();
    if (!e.ok()) {
      EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument) << url;
    }
  }
}

TEST(ParseRedisUrlTest, ErrorsNeverEchoThePassword) {
  absl::StatusOr<RedisEndpoint> e = ParseRedisUrl("redis://:TopSecret%zz@h:6379/0");
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()), Not(HasSubstr("TopSecret")));
}

TEST(ParseRedisUrlTest, RedactedUrlHidesPassword) {
  absl::StatusOr<RedisEndpoint> e = ParseRedisUrl("redis://:TopSecret@h:1/2");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->RedactedUrl(), "redis://:***@h:1/2");
  absl::StatusOr<RedisEndpoint> plain = ParseRedisUrl("redis://h");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->RedactedUrl(), "redis://h:6379/0");
}

}  // namespace
}  // namespace codingahead::common
