#include "common/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"

ABSL_FLAG(std::string, config_test_target, "default-target", "for tests");
ABSL_FLAG(int, config_test_port, 1, "for tests");

namespace codingahead::common {
namespace {

TEST(ConfigTest, EnvironmentNameIsPrefixedUpperCase) {
  EXPECT_EQ(EnvVarForFlag("redis_url"), "CODINGAHEAD_REDIS_URL");
  EXPECT_EQ(EnvVarForFlag("account_target"), "CODINGAHEAD_ACCOUNT_TARGET");
}

TEST(ConfigTest, EnvironmentOverridesDefault) {
  absl::FlagSaver saver;
  ASSERT_TRUE(ApplyEnvironmentToFlags({{"CODINGAHEAD_CONFIG_TEST_TARGET", "from-env:1"},
                                       {"CODINGAHEAD_CONFIG_TEST_PORT", "77"}})
                  .ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_target), "from-env:1");
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_port), 77);
}

TEST(ConfigTest, UnrelatedEnvironmentIsIgnored) {
  absl::FlagSaver saver;
  ASSERT_TRUE(ApplyEnvironmentToFlags({{"CONFIG_TEST_TARGET", "x"}, {"PATH", "/bin"}}).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_target), "default-target");
}

TEST(ConfigTest, FlagOnCommandLineBeatsEnvironment) {
  absl::FlagSaver saver;
  setenv("CODINGAHEAD_CONFIG_TEST_TARGET", "from-env", 1);
  const char* argv[] = {"prog", "--config_test_target=from-flag", "positional"};
  std::vector<char*> rest = ParseFlagsWithEnv(3, const_cast<char**>(argv));
  unsetenv("CODINGAHEAD_CONFIG_TEST_TARGET");
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_target), "from-flag");
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_STREQ(rest[1], "positional");
}

TEST(ConfigTest, BadEnvironmentValueIsAnErrorThatDoesNotEchoTheValue) {
  absl::FlagSaver saver;
  absl::Status status = ApplyEnvironmentToFlags({{"CODINGAHEAD_CONFIG_TEST_PORT", "s3cret-value"}});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(status.message()).find("s3cret-value"), std::string::npos);
  EXPECT_NE(std::string(status.message()).find("CODINGAHEAD_CONFIG_TEST_PORT"), std::string::npos);
}

TEST(ConfigTest, SecretFileIsReadWithoutTrailingNewline) {
  std::string path = ::testing::TempDir() + "/secret.txt";
  std::ofstream(path) << "hunter2-very-secret\n";
  auto secret = ReadSecretFile(path);
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(*secret, "hunter2-very-secret");
}

TEST(ConfigTest, MissingOrEmptySecretFileIsAnError) {
  EXPECT_EQ(ReadSecretFile("/nonexistent/secret").status().code(), absl::StatusCode::kNotFound);
  std::string path = ::testing::TempDir() + "/empty-secret.txt";
  std::ofstream(path) << "\n";
  EXPECT_EQ(ReadSecretFile(path).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace codingahead::common
