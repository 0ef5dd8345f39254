#include "services/account/password_policy.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace codingahead::account {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

constexpr char kJohnList[] = "/usr/share/john/password.lst";

PasswordPolicy Policy() {
  absl::StatusOr<PasswordPolicy> policy = PasswordPolicy::LoadFromFile(kJohnList);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return *std::move(policy);
}

TEST(PasswordPolicyTest, ScoreFollowsZxcvbnGuessThresholds) {
  EXPECT_EQ(ZxcvbnScore(0), 0);
  EXPECT_EQ(ZxcvbnScore(9.9), 0);   // < 10^3 guesses
  EXPECT_EQ(ZxcvbnScore(10), 1);    // 1024
  EXPECT_EQ(ZxcvbnScore(26.5), 2);  // < 10^8
  EXPECT_EQ(ZxcvbnScore(26.6), 3);  // > 10^8
  EXPECT_EQ(ZxcvbnScore(33.3), 4);  // > 10^10
}

TEST(PasswordPolicyTest, LoadsJohnListSkippingComments) {
  PasswordPolicy policy = Policy();
  EXPECT_GT(policy.common_count(), 3000u);
  EXPECT_THAT(policy.WhyWeak("PASSWORD", {}), Optional(HasSubstr("commonly")));
}

TEST(PasswordPolicyTest, MissingListIsAnError) {
  absl::StatusOr<PasswordPolicy> policy = PasswordPolicy::LoadFromFile("/nonexistent/password.lst");
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(policy.status().message(), HasSubstr("john-data"));
}

TEST(PasswordPolicyTest, CommonPasswordIsRefusedCaseInsensitively) {
  // Listed passwords strong enough for zxcvbn are refused by the list.
  PasswordPolicy policy({"tr0ub4dor&3xyz"});
  EXPECT_THAT(policy.WhyWeak("Tr0ub4dor&3XYZ", {}), Optional(HasSubstr("commonly used")));
}

TEST(PasswordPolicyTest, CommentLinesAreSkipped) {
  std::string path = ::testing::TempDir() + "/list.lst";
  {
    std::ofstream out(path);
    out << "#!comment: a header\nSecretWord\n";
  }
  absl::StatusOr<PasswordPolicy> policy = PasswordPolicy::LoadFromFile(path);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->common_count(), 1u);
}

TEST(PasswordPolicyTest, WeakPasswordsAreRefusedWithTheReasonNotThePassword) {
  PasswordPolicy policy = Policy();
  for (const char* weak :
       {"password1", "iloveyou2", "qwertyuiop123", "aaaaaaaaaaaa", "12345678910"}) {
    std::optional<std::string> why = policy.WhyWeak(weak, {});
    ASSERT_TRUE(why.has_value()) << weak;
    EXPECT_THAT(*why, HasSubstr("15 or more")) << weak;
    EXPECT_THAT(*why, Not(HasSubstr(weak)));
  }
}

TEST(PasswordPolicyTest, UserInputsCountAsKnownWords) {
  PasswordPolicy policy = Policy();
  const std::string password = "jonathanmeriweather2024";
  EXPECT_EQ(policy.WhyWeak(password, {}), std::nullopt);
  EXPECT_THAT(
      policy.WhyWeak(password, {"jonathanmeriweather2024@example.com", "jonathanmeriweather2024"}),
      Optional(HasSubstr("your email or name")));
}

TEST(PasswordPolicyTest, SuiteTestPasswordsPass) {
  PasswordPolicy policy = Policy();
  // tests/metered_page_e2e_test.cc and tools/loadgen use these.
  EXPECT_EQ(policy.WhyWeak("correct horse battery staple 42", {}), std::nullopt);
  EXPECT_EQ(policy.WhyWeak("loadgen-password-0123456789-abcdef", {}), std::nullopt);
  EXPECT_EQ(policy.WhyWeak("correct horse battery staple", {}), std::nullopt);
}

}  // namespace
}  // namespace codingahead::account
