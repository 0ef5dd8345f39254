// The tokenizer, typo budget, edit distance, UTF-8 check and synonym table
// that search uses.
#include "services/catalog/search_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace codingahead::catalog {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Words(absl::string_view text) {
  std::vector<std::string> words;
  for (const auto& t : Tokenize(text)) words.push_back(t.word);
  return words;
}

TEST(TokenizeTest, LowerCasesAndSplitsOnPunctuation) {
  EXPECT_THAT(Words("Cane, includes canes (ALL) w/tip"),
              ElementsAre("cane", "includes", "canes", "all", "w", "tip"));
}

TEST(TokenizeTest, ApostropheJoinsTheWord) {
  EXPECT_THAT(Words("patient's foot"), ElementsAre("patients", "foot"));
}

TEST(TokenizeTest, HyphenatedRunGivesPartsAndCompoundOnTheLastPart) {
  std::vector<TextToken> tokens = Tokenize("Gastro-esophageal reflux");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].word, "gastro");
  EXPECT_EQ(tokens[1].word, "esophageal");
  EXPECT_EQ(tokens[1].compound, "gastroesophageal");
  EXPECT_EQ(tokens[1].compound_begin, 0u);
  EXPECT_TRUE(tokens[0].compound.empty());
  EXPECT_TRUE(tokens[2].compound.empty());
}

TEST(TokenizeTest, ThreePartCompoundAndSpacedHyphenIsNotACompound) {
  std::vector<TextToken> tokens = Tokenize("hi-lo-bed and x - ray");
  EXPECT_EQ(tokens[2].compound, "hilobed");
  EXPECT_TRUE(tokens[1].compound.empty());
  for (size_t i = 3; i < tokens.size(); ++i) EXPECT_TRUE(tokens[i].compound.empty());
}

TEST(TokenizeTest, NumbersAreMarked) {
  std::vector<TextToken> tokens = Tokenize("18-30 mmhg 3cc");
  EXPECT_TRUE(tokens[0].numeric);
  EXPECT_TRUE(tokens[1].numeric);
  EXPECT_FALSE(tokens[2].numeric);
  EXPECT_FALSE(tokens[3].numeric);
}

TEST(TypoBudgetTest, ZeroUpToFourOneToEightTwoFromNine) {
  EXPECT_EQ(TypoBudget(3), 0);
  EXPECT_EQ(TypoBudget(4), 0);
  EXPECT_EQ(TypoBudget(5), 1);
  EXPECT_EQ(TypoBudget(8), 1);
  EXPECT_EQ(TypoBudget(9), 2);
  EXPECT_EQ(TypoBudget(15), 2);
}

TEST(EditDistanceTest, CountsTranspositionAsOne) {
  EXPECT_EQ(BoundedEditDistance("chiar", "chair", 2), 1);
  EXPECT_EQ(BoundedEditDistance("wheelchiar", "wheelchair", 2), 1);
}

TEST(EditDistanceTest, InsertDeleteSubstitute) {
  EXPECT_EQ(BoundedEditDistance("glucse", "glucose", 2), 1);
  EXPECT_EQ(BoundedEditDistance("nebuliser", "nebulizer", 2), 1);
  EXPECT_EQ(BoundedEditDistance("cane", "cane", 0), 0);
}

TEST(EditDistanceTest, StopsAboveTheBound) {
  EXPECT_EQ(BoundedEditDistance("walker", "wheelchair", 2), 3);
  EXPECT_EQ(BoundedEditDistance("abc", "xyz", 1), 2);
  EXPECT_EQ(BoundedEditDistance("short", "muchlongerword", 2), 3);
}

TEST(Utf8Test, AcceptsValidAndRefusesBrokenSequences) {
  EXPECT_TRUE(IsValidUtf8("café naïve"));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_FALSE(IsValidUtf8("caf\xe9"));       // cp1252, not UTF-8
  EXPECT_FALSE(IsValidUtf8("\xc3"));          // cut short
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
}

TEST(HtmlEscapeTest, EscapesMarkup) {
  EXPECT_EQ(HtmlEscape("<b>a & \"b\"</b>"), "&lt;b&gt;a &amp; &quot;b&quot;&lt;/b&gt;");
}

TEST(SynonymTableTest, ParsesPhrasesAndSkipsComments) {
  SynonymTable table = SynonymTable::Parse(
      "# comment\nkidney stones\tcalculus kidney\tlay\n\nLasix\tfurosemide\nbad line\n");
  ASSERT_EQ(table.entries().size(), 2u);
  EXPECT_THAT(table.entries()[0].phrase, ElementsAre("kidney", "stones"));
  EXPECT_THAT(table.entries()[0].replacement, ElementsAre("calculus", "kidney"));
  EXPECT_THAT(table.entries()[1].phrase, ElementsAre("lasix"));
  EXPECT_EQ(table.longest_phrase(), 2u);
}

TEST(SynonymTableTest, BuiltInTableHasTheIssueVocabulary) {
  const SynonymTable& table = SynonymTable::BuiltIn();
  auto has = [&](const std::string& phrase) {
    for (const auto& s : table.entries()) {
      std::string joined;
      for (const auto& w : s.phrase) joined += (joined.empty() ? "" : " ") + w;
      if (joined == phrase) return true;
    }
    return false;
  };
  for (const char* phrase : {"lasix", "chf", "cpm", "copd", "kidney stones", "knee brace",
                             "shortness of breath", "diabetic shoes"}) {
    EXPECT_TRUE(has(phrase)) << phrase;
  }
}

}  // namespace
}  // namespace codingahead::catalog
