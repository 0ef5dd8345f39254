#include "tools/importer/cp1252.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace codingahead::importer {
namespace {

// Decodes well-formed UTF-8 into code points (test helper).
std::u32string DecodeUtf8(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    int extra = b < 0x80 ? 0 : b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
    char32_t cp = extra == 0 ? b : extra == 1 ? (b & 0x1F) : extra == 2 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k <= extra; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out.push_back(cp);
    i += extra + 1;
  }
  return out;
}

TEST(Cp1252Test, AsciiIsUnchanged) {
  EXPECT_EQ(Cp1252ToUtf8("A4206 Syringe, 1 cc\t\r\n"), "A4206 Syringe, 1 cc\t\r\n");
}

TEST(Cp1252Test, NoBreakSpaceBecomesU00A0) { EXPECT_EQ(Cp1252ToUtf8("a\xA0z"), "a\xC2\xA0z"); }

TEST(Cp1252Test, PunctuationRangeMapsToWindowsCharacters) {
  EXPECT_EQ(Cp1252ToUtf8("\x80"), "\xE2\x82\xAC");        // euro sign
  EXPECT_EQ(Cp1252ToUtf8("\x93x\x94"), "\u201Cx\u201D");  // curly quotes
  EXPECT_EQ(Cp1252ToUtf8("\x92"), "\u2019");
  EXPECT_EQ(Cp1252ToUtf8("\x96\x97"), "\u2013\u2014");  // en and em dash
  EXPECT_EQ(Cp1252ToUtf8("\x99"), "\u2122");            // trade mark
  EXPECT_EQ(Cp1252ToUtf8("\x9F"), "\u0178");
}

TEST(Cp1252Test, LatinOneRangeMapsToSameCodePoint) {
  EXPECT_EQ(Cp1252ToUtf8("caf\xE9"), "caf\u00E9");
  EXPECT_EQ(Cp1252ToUtf8("\xAE\xB0\xFF"), "\u00AE\u00B0\u00FF");
}

TEST(Cp1252Test, UndefinedBytesMapToC1Controls) {
  for (unsigned char b : {0x81, 0x8D, 0x8F, 0x90, 0x9D}) {
    const std::string in(1, static_cast<char>(b));
    EXPECT_EQ(DecodeUtf8(Cp1252ToUtf8(in)), std::u32string(1, char32_t{b})) << static_cast<int>(b);
  }
}

TEST(Cp1252Test, EveryByteDecodesToOneDistinctCodePoint) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::u32string decoded = DecodeUtf8(Cp1252ToUtf8(all));
  ASSERT_EQ(decoded.size(), 256u);
  EXPECT_EQ(std::set<char32_t>(decoded.begin(), decoded.end()).size(), 256u);
}

}  // namespace
}  // namespace codingahead::importer
