#include "common/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace codingahead::common {
namespace {

// Captures what a LogLine writes to stderr.
std::string CaptureLine(const std::function<void()>& log) {
  int pipefd[2];
  EXPECT_EQ(pipe(pipefd), 0);
  int saved = dup(2);
  dup2(pipefd[1], 2);
  log();
  dup2(saved, 2);
  close(saved);
  close(pipefd[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) out.append(buf, n);
  close(pipefd[0]);
  return out;
}

TEST(LogTest, LineIsOneJsonObjectWithTheConventionalFields) {
  ConfigureLogging("catalog", LogLevel::kInfo);
  std::string line = CaptureLine([] {
    LogLine(LogLevel::kInfo, "rpc done \"quoted\"\n")
        .With("rpc", "/x/Y")
        .With("code", "OK")
        .With("duration_ms", 1.5)
        .With("count", 3);
  });
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &parsed).ok()) << line;
  const auto& f = parsed.fields();
  EXPECT_EQ(f.at("service").string_value(), "catalog");
  EXPECT_EQ(f.at("level").string_value(), "info");
  EXPECT_EQ(f.at("msg").string_value(), "rpc done \"quoted\"\n");
  EXPECT_EQ(f.at("rpc").string_value(), "/x/Y");
  EXPECT_EQ(f.at("count").number_value(), 3);
  EXPECT_DOUBLE_EQ(f.at("duration_ms").number_value(), 1.5);
  EXPECT_EQ(f.at("ts").string_value().back(), 'Z');
}

TEST(LogTest, LinesBelowTheLevelAreNotWritten) {
  ConfigureLogging("catalog", LogLevel::kWarning);
  EXPECT_EQ(CaptureLine([] { LogLine(LogLevel::kInfo, "quiet"); }), "");
  EXPECT_NE(CaptureLine([] { LogLine(LogLevel::kError, "loud"); }), "");
  ConfigureLogging("catalog", LogLevel::kInfo);
}

TEST(LogTest, InvalidUtf8AndControlCharactersAreEscaped) {
  std::string out;
  AppendJsonEscaped(std::string("a\x01\xff\xc3\xa9", 5), &out);
  EXPECT_EQ(out, "a\\u0001\\ufffd\xc3\xa9");
}

TEST(LogTest, ParseLevel) {
  LogLevel level;
  EXPECT_TRUE(ParseLogLevel("debug", &level));
  EXPECT_EQ(level, LogLevel::kDebug);
  EXPECT_FALSE(ParseLogLevel("loud", &level));
}

}  // namespace
}  // namespace codingahead::common
