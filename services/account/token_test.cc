#include "services/account/token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "common/hash.h"
#include "services/account/redis_keys.h"

namespace codingahead::account {
namespace {

using ::testing::MatchesRegex;

constexpr char kSecret[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";  // 32 zero bytes

TEST(TokenTest, GuestTokenHasTheDocumentedShapeAndRoundTrips) {
  OsRandom random;
  SessionOwner owner = SessionOwner::NewGuest(random);
  EXPECT_THAT(owner.tag, MatchesRegex("g[0-9a-f]{16}"));
  SessionToken made;
  std::string token = NewSessionToken(owner, random, &made);
  EXPECT_THAT(token, MatchesRegex("g[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}"));
  absl::StatusOr<SessionToken> parsed = ParseSessionToken(token);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->owner.is_guest());
  EXPECT_EQ(parsed->owner.tag, owner.tag);
  EXPECT_EQ(parsed->secret_sha256, made.secret_sha256);
  EXPECT_EQ(parsed->owner.PrincipalId(), "guest:" + owner.tag.substr(1));
}

TEST(TokenTest, AccountTokenCarriesTheAccountId) {
  OsRandom random;
  std::string token = NewSessionToken(SessionOwner::Account(42), random);
  EXPECT_THAT(token, MatchesRegex("a42\\.[A-Za-z0-9_-]{43}"));
  absl::StatusOr<SessionToken> parsed = ParseSessionToken(token);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->owner.is_guest());
  EXPECT_EQ(parsed->owner.account_id, 42);
  EXPECT_EQ(parsed->owner.PrincipalId(), "acct:42");
}

TEST(TokenTest, OnlyTheSecretsSha256IsTheKey) {
  absl::StatusOr<SessionToken> parsed = ParseSessionToken(std::string("a7.") + kSecret);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->secret_sha256, common::Sha256::HexDigest(kSecret));
  EXPECT_EQ(SessionKey(parsed->owner.tag, parsed->secret_sha256),
            "ca:sess:{a7}:" + common::Sha256::HexDigest(kSecret));
}

TEST(TokenTest, TokensAreUnique) {
  OsRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(seen.insert(NewSessionToken(SessionOwner::NewGuest(random), random)).second);
  }
}

TEST(TokenTest, MalformedTokensAreUnauthenticated) {
  const std::string s = kSecret;
  for (const std::string& bad : {
           std::string(""),
           std::string("."),
           s,                                // no owner
           "a42" + s,                        // no dot
           "a42." + s.substr(1),             // secret too short
           "a42." + s + "A",                 // secret too long
           "a42." + s.substr(1) + "=",       // padding
           "a42." + s.substr(1) + "+",       // base64 (not url) alphabet
           "a42." + s.substr(1) + "B",       // non-canonical last character
           "a042." + s,                      // leading zero
           "a0." + s,                        // account 0
           "a." + s,                         // no id
           "a99999999999999999999." + s,     // beyond int64
           "a4x." + s,                       // not a number
           "g0123456789abcde." + s,          // 15 hex
           "g0123456789abcdef0." + s,        // 17 hex
           "g0123456789ABCDEF." + s,         // upper-case hex
           "x0123456789abcdef." + s,         // unknown kind
           "g0123456789abcdef." + s + ".x",  // extra part
           "g0123456789abcdef.." + s,        // empty part
           std::string(200, 'a'),            // oversized
       }) {
    absl::StatusOr<SessionToken> parsed = ParseSessionToken(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kUnauthenticated) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace codingahead::account
