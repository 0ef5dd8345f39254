#include "common/hash.h"

#include <gtest/gtest.h>

#include <string>

namespace codingahead::common {
namespace {

// RFC 4231 test cases 1, 2 and 6 (key longer than the block size).
TEST(HmacSha256Test, MatchesRfc4231Vectors) {
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256Hex(std::string(131, '\xaa'),
                          "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256Test, DiffersFromThePlainDigestAndByKey) {
  EXPECT_NE(HmacSha256Hex("k1", "ann@example.com"), Sha256::HexDigest("ann@example.com"));
  EXPECT_NE(HmacSha256Hex("k1", "ann@example.com"), HmacSha256Hex("k2", "ann@example.com"));
  EXPECT_EQ(HmacSha256Hex("", "").size(), 64u);
}

TEST(Sha256Test, EmptyInputMatchesFips180Vector) {
  EXPECT_EQ(Sha256::HexDigest(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, AbcMatchesFips180Vector) {
  EXPECT_EQ(Sha256::HexDigest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, TwoBlockMessageMatchesFips180Vector) {
  EXPECT_EQ(Sha256::HexDigest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, FourBlockMessageMatchesFips180Vector) {
  EXPECT_EQ(Sha256::HexDigest("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghij"
                              "klmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrst"
                              "nopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256Test, MillionAsMatchesFips180Vector) {
  EXPECT_EQ(Sha256::HexDigest(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, PiecewiseUpdatesEqualOneShotAtEveryPaddingBoundary) {
  for (size_t length : {55, 56, 57, 63, 64, 65, 119, 120, 128, 1000}) {
    std::string message;
    for (size_t i = 0; i < length; ++i) {
      message.push_back(static_cast<char>('a' + i % 26));
    }
    for (size_t split : {size_t{0}, size_t{1}, length / 3, length - 1}) {
      Sha256 sha;
      sha.Update(message.substr(0, split));
      sha.Update(message.substr(split));
      EXPECT_EQ(Sha256::ToHex(sha.Finish()), Sha256::HexDigest(message))
          << "length " << length << " split " << split;
    }
  }
}

// FIPS 180 / RFC 3174 test vectors.
TEST(Sha1HexTest, MatchesKnownVectors) {
  EXPECT_EQ(Sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(Sha1Hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

}  // namespace
}  // namespace codingahead::common
