#include "services/account/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace codingahead::account {
namespace {

std::vector<std::string> Fields(const common::BadRequestBuilder& bad) {
  std::vector<std::string> fields;
  for (const auto& v : bad.violations()) fields.push_back(v.field);
  return fields;
}

TEST(ValidationTest, EmailIsTrimmedAndLowerCased) {
  EXPECT_EQ(NormalizeEmail("  Ann.Lee@Example.COM \t"), "ann.lee@example.com");
}

TEST(ValidationTest, RegistrationEmailRules) {
  for (const char* good : {"a@b.co", "ann+tag@example.com", " Ann@Example.com "}) {
    common::BadRequestBuilder bad;
    CheckEmail(good, true, bad);
    EXPECT_TRUE(bad.empty()) << good;
  }
  for (const std::string& wrong : std::vector<std::string>{
           "", "   ", "ann", "ann@", "@example.com", "a@b@example.com", "ann lee@example.com",
           "ann@example", "ann@.example.com", "ann@example.com.", "ann@exa..mple.com",
           "ann\x01@example.com", "j\xc3\xb6rg@example.com", std::string(65, 'a') + "@example.com",
           std::string(250, 'a') + "@b.co"}) {
    common::BadRequestBuilder bad;
    CheckEmail(wrong, true, bad);
    EXPECT_THAT(Fields(bad), ::testing::ElementsAre("email")) << wrong;
  }
}

TEST(ValidationTest, LoginEmailOnlyChecksPresenceAndSize) {
  common::BadRequestBuilder ok;
  CheckEmail("not an email", false, ok);
  EXPECT_TRUE(ok.empty());
  common::BadRequestBuilder oversized;
  CheckEmail(std::string(255, 'a'), false, oversized);
  EXPECT_THAT(Fields(oversized), ::testing::ElementsAre("email"));
}

TEST(ValidationTest, PasswordLength) {
  common::BadRequestBuilder ok;
  CheckPassword("12345678", true, ok);
  CheckPassword(std::string(128, 'x'), true, ok);
  CheckPassword("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", true, ok);
  EXPECT_TRUE(ok.empty());
  for (const std::string& wrong : {std::string(""), std::string("1234567"), std::string(129, 'x'),
                                   std::string("12345678\xff")}) {
    common::BadRequestBuilder bad;
    CheckPassword(wrong, true, bad);
    EXPECT_THAT(Fields(bad), ::testing::ElementsAre("password")) << wrong.size();
  }
  common::BadRequestBuilder login;
  EXPECT_TRUE(CheckPassword("short", false, login));
  EXPECT_TRUE(login.empty());
}

TEST(ValidationTest, PasswordViolationNamesTheFieldAndRecommendsFifteen) {
  common::BadRequestBuilder bad;
  EXPECT_FALSE(CheckPassword("1234567", true, bad, "new_password"));
  ASSERT_THAT(Fields(bad), ::testing::ElementsAre("new_password"));
  EXPECT_EQ(bad.violations()[0].description,
            "must be at least 8 characters (15 or more recommended)");
}

TEST(ValidationTest, DisplayName) {
  common::BadRequestBuilder ok;
  EXPECT_EQ(CheckDisplayName("  Ann Lee ", ok), "Ann Lee");
  EXPECT_EQ(CheckDisplayName(std::string(100, 'x'), ok), std::string(100, 'x'));
  // 100 two-byte characters are 100 characters.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xc3\xa9";
  CheckDisplayName(accents, ok);
  EXPECT_TRUE(ok.empty());
  for (const std::string& wrong :
       {std::string(""), std::string("   "), std::string(101, 'x'), std::string("Ann\nLee"),
        std::string("Ann\xc2\x85"), std::string("\xc3\x28"), std::string("\xed\xa0\x80")}) {
    common::BadRequestBuilder bad;
    CheckDisplayName(wrong, bad);
    EXPECT_THAT(Fields(bad), ::testing::ElementsAre("display_name")) << wrong;
  }
}

TEST(ValidationTest, CodeCodeSetAndRequestId) {
  common::BadRequestBuilder ok;
  EXPECT_EQ(CheckCode("e0601", ok), "E0601");
  EXPECT_EQ(CheckCodeSet("CODE_SET_HCPCS", ok), "HCPCS");
  EXPECT_EQ(CheckCodeSet("hcpcs", ok), "HCPCS");
  CheckRequestId("", ok);
  CheckRequestId(std::string(128, 'r'), ok);
  EXPECT_TRUE(ok.empty());

  common::BadRequestBuilder bad;
  CheckCode(std::string(17, 'A'), bad);
  CheckCodeSet("CODE_SET_UNSPECIFIED", bad);
  CheckRequestId(std::string(129, 'r'), bad);
  EXPECT_THAT(Fields(bad), ::testing::ElementsAre("code", "code_set", "request_id"));

  common::BadRequestBuilder shapes;
  CheckCode("E06 01", shapes);
  CheckCodeSet("", shapes);
  CheckRequestId("has space", shapes);
  EXPECT_THAT(Fields(shapes), ::testing::ElementsAre("code", "code_set", "request_id"));
}

TEST(ValidationTest, AddressOwnerGroupsIpv6ByItsSlash64) {
  EXPECT_EQ(AddressOwnerTag("203.0.113.7"), "ip:203.0.113.7");
  EXPECT_EQ(AddressOwnerTag("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "ip:2001:db8:1:2::/64");
  EXPECT_EQ(AddressOwnerTag("2001:db8:1:2::1"), AddressOwnerTag("2001:db8:1:2:ffff::9"));
  EXPECT_NE(AddressOwnerTag("2001:db8:1:2::1"), AddressOwnerTag("2001:db8:1:3::1"));
  EXPECT_EQ(AddressOwnerTag("::ffff:203.0.113.7"), "ip:203.0.113.7");
  EXPECT_THAT(AddressOwnerTag("unix:/tmp/socket"),
              ::testing::MatchesRegex("ip:other-[0-9a-f]{16}"));
}

}  // namespace
}  // namespace codingahead::account
