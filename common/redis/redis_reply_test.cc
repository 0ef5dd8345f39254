#include "common/redis/redis_reply.h"

#include "gtest/gtest.h"

namespace codingahead::common {
namespace {

TEST(RedisReplyTest, DefaultIsNil) {
  RedisReply r;
  EXPECT_TRUE(r.is_nil());
  EXPECT_EQ(r, RedisReply::Nil());
}

TEST(RedisReplyTest, CheckedAccessorsAcceptTheRightKind) {
  EXPECT_EQ(*RedisReply::Integer(-7).AsInteger(), -7);
  EXPECT_EQ(*RedisReply::String(std::string("a\0b", 3)).AsString(), std::string("a\0b", 3));
  EXPECT_EQ(*RedisReply::Status("OK").AsString(), "OK");
}

TEST(RedisReplyTest, CheckedAccessorsRefuseOtherKinds) {
  EXPECT_EQ(RedisReply::String("1").AsInteger().status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(RedisReply::Nil().AsString().status().code(), absl::StatusCode::kInternal);
  absl::Status s = RedisReply::Error("WRONGTYPE bad").AsInteger().status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_NE(s.message().find("WRONGTYPE bad"), absl::string_view::npos) << s;
}

TEST(RedisReplyTest, ErrorStatusOnlyForErrors) {
  EXPECT_TRUE(RedisReply::Status("OK").ErrorStatus().ok());
  EXPECT_FALSE(RedisReply::Error("ERR x").ErrorStatus().ok());
}

TEST(RedisReplyTest, ErrorCodeIsFirstWord) {
  EXPECT_EQ(RedisErrorCode(RedisReply::Error("NOSCRIPT No matching script")), "NOSCRIPT");
  EXPECT_EQ(RedisErrorCode(RedisReply::Error("EXHAUSTED")), "EXHAUSTED");
  EXPECT_EQ(RedisErrorCode(RedisReply::String("NOSCRIPT x")), "");
}

TEST(RedisReplyTest, EqualityComparesKindAndNestedValues) {
  RedisReply a =
      RedisReply::Array({RedisReply::Integer(1), RedisReply::String("x"), RedisReply::Nil()});
  RedisReply b =
      RedisReply::Array({RedisReply::Integer(1), RedisReply::String("x"), RedisReply::Nil()});
  RedisReply c =
      RedisReply::Array({RedisReply::Integer(1), RedisReply::Status("x"), RedisReply::Nil()});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(RedisReply::String("OK"), RedisReply::Status("OK"));
  EXPECT_EQ(a.DebugString(), "[(integer) 1, (string) \"x\", (nil)]");
}

}  // namespace
}  // namespace codingahead::common
