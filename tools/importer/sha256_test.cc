#include "tools/importer/sha256.h"

#include <string>

#include "gtest/gtest.h"

namespace codingahead::importer {
namespace {

TEST(Sha256Test, EmptyInputMatchesFips180Vector) {
  EXPECT_EQ(Sha256::HexDigest(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, AbcMatchesFips180Vector) {
  EXPECT_EQ(Sha256::HexDigest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, TwoBlockMessageMatchesFips180Vector) {
  EXPECT_EQ(Sha256::HexDigest(
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, FourBlockMessageMatchesFips180Vector) {
  EXPECT_EQ(
      Sha256::HexDigest("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghij"
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

}  // namespace
}  // namespace codingahead::importer
