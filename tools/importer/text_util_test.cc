#include "tools/importer/text_util.h"

#include "gtest/gtest.h"

namespace codingahead::importer {
namespace {

TEST(SplitLinesTest, StripsCarriageReturnsAndIgnoresFinalLineEnd) {
  const std::vector<absl::string_view> lines = SplitLines("a\r\n\r\nb\nc\r\n");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "");
  EXPECT_EQ(lines[2], "b");
  EXPECT_EQ(lines[3], "c");
  EXPECT_EQ(SplitLines("x").size(), 1u);
  EXPECT_TRUE(SplitLines("").empty());
}

TEST(CollapseWhitespaceTest, JoinsRunsIncludingNoBreakSpaces) {
  EXPECT_EQ(CollapseWhitespace("  a \t b\xC2\xA0\xC2\xA0"
                               "c  \r\n"),
            "a b c");
  EXPECT_EQ(CollapseWhitespace("\t \t"), "");
}

TEST(IsBlankTest, AcceptsSpacesTabsAndCp1252NoBreakSpace) {
  EXPECT_TRUE(IsBlank(" \t\xA0 "));
  EXPECT_TRUE(IsBlank(""));
  EXPECT_FALSE(IsBlank("  *"));
}

TEST(IndentationTest, ExpandsTabsToEightColumns) {
  EXPECT_EQ(Indentation("   x"), 3);
  EXPECT_EQ(Indentation("\t\t\t       D = x"), 31);
  EXPECT_EQ(Indentation("  \t x"), 9);
  EXPECT_EQ(Indentation(" \t "), -1);
}

}  // namespace
}  // namespace codingahead::importer
