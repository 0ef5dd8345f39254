#include "common/metadata.h"

#include <gtest/gtest.h>

namespace codingahead::common {
namespace {

TEST(MetadataTest, PeerHostParsesIpv4AndIpv6) {
  EXPECT_EQ(PeerHost("ipv4:203.0.113.7:52311"), "203.0.113.7");
  EXPECT_EQ(PeerHost("ipv6:[::1]:52311"), "::1");
  EXPECT_EQ(PeerHost("ipv6:[2001:db8:0:0::1]:1"), "2001:db8::1");
  EXPECT_EQ(PeerHost("unix:/tmp/sock"), "unix:/tmp/sock");
}

TEST(MetadataTest, CanonicalIpAcceptsOnlyAddresses) {
  EXPECT_EQ(CanonicalIp("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(CanonicalIp(" 2001:DB8::0:1 "), "2001:db8::1");
  EXPECT_EQ(CanonicalIp("[::1]"), "::1");
  EXPECT_FALSE(CanonicalIp("example.com").has_value());
  EXPECT_FALSE(CanonicalIp("1.2.3.4; drop").has_value());
  EXPECT_FALSE(CanonicalIp("").has_value());
}

TEST(MetadataTest, RandomIdsAre128BitHexAndDistinct) {
  std::string a = NewRandomId();
  std::string b = NewRandomId();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  for (char c : a) EXPECT_TRUE(isxdigit(static_cast<unsigned char>(c)));
}

TEST(MetadataTest, CredentialFilesRejectShortCredentials) {
  std::string path = ::testing::TempDir() + "/short-creds.txt";
  FILE* f = fopen(path.c_str(), "w");
  fputs("# front ends\nshort\n", f);
  fclose(f);
  auto creds = CallerCredentials::LoadFromFiles(path, "");
  EXPECT_EQ(creds.status().code(), absl::StatusCode::kFailedPrecondition);
  // The message names the line, never the credential.
  EXPECT_EQ(std::string(creds.status().message()).find("short\n"), std::string::npos);
}

TEST(MetadataTest, CredentialFilesSkipCommentsAndBlankLines) {
  std::string path = ::testing::TempDir() + "/creds.txt";
  FILE* f = fopen(path.c_str(), "w");
  fputs("# front ends\n\n0123456789abcdef0123456789abcdef\n", f);
  fclose(f);
  EXPECT_TRUE(CallerCredentials::LoadFromFiles(path, "").ok());
  EXPECT_EQ(CallerCredentials::LoadFromFiles("/nonexistent", "").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace codingahead::common
