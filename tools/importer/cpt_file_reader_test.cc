#include "tools/importer/cpt_file_reader.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/importer/hcpcs_record_reader.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::CodeRecord;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string SampleText() {
  absl::StatusOr<std::string> data = ReadFileToString(CA_CPT_SAMPLE_FILE);
  EXPECT_TRUE(data.ok()) << data.status();
  return data.value_or("");
}

const CodeRecord* Find(const CptFile& file, absl::string_view code) {
  for (const CodeRecord& record : file.records) {
    if (record.code() == code) return &record;
  }
  return nullptr;
}

TEST(CptFileReaderTest, PlaceholderMarkUsesEmDash) {
  EXPECT_EQ(kPlaceholderMark, "PLACEHOLDER \u2014 not CPT text");
}

TEST(CptFileReaderTest, SampleEntriesAreAllMarkedPlaceholder) {
  absl::StatusOr<CptFile> file = ReadCptFile("cpt_sample.tsv", SampleText(), /*placeholder=*/true);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_GE(file->records.size(), 10u);
  EXPECT_LE(file->records.size(), 15u);
  for (const CodeRecord& record : file->records) {
    EXPECT_THAT(record.long_description(), StartsWith(std::string(kPlaceholderMark)))
        << record.code();
    EXPECT_TRUE(IsCptShapedCode(record.code())) << record.code();
  }
  const CodeRecord* visit = Find(*file, "99213");
  ASSERT_NE(visit, nullptr);
  EXPECT_EQ(visit->long_description(),
            "PLACEHOLDER \u2014 not CPT text: Office or other outpatient visit "
            "for an established patient, low complexity (platform wording)");
  const CodeRecord* category_three = Find(*file, "0538T");
  ASSERT_NE(category_three, nullptr);
  EXPECT_THAT(category_three->long_description(), HasSubstr("(platform wording)"));
}

TEST(CptFileReaderTest, SampleCarriesNoAmaNotice) {
  const std::string lower = absl::AsciiStrToLower(SampleText());
  for (const char* banned :
       {"american medical association", "copyright", "\xC2\xA9", "all rights reserved", "(c)"}) {
    EXPECT_FALSE(absl::StrContains(lower, banned)) << banned;
  }
  for (absl::string_view word : absl::StrSplit(lower, absl::ByAnyChar(" \t\r\n.,;:()/-"))) {
    EXPECT_NE(word, "ama");
  }
}

TEST(CptFileReaderTest, LicensedFileIsKeptAsWritten) {
  absl::StatusOr<CptFile> file =
      ReadCptFile("licensed.txt", "99213\tDescriptor as licensed\r\n", false);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->records.size(), 1u);
  EXPECT_EQ(file->records[0].long_description(), "Descriptor as licensed");
}

TEST(CptFileReaderTest, CommentsBlankLinesBomAndCp1252AreHandled) {
  absl::StatusOr<CptFile> file =
      ReadCptFile("f.tsv", "\xEF\xBB\xBF# comment\n\n0042T\tWord\n", true);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->skipped_lines, 2);
  EXPECT_EQ(file->records[0].line_number(), 3);
  absl::StatusOr<CptFile> latin = ReadCptFile("f.tsv", "99213\tCaf\xE9 visit\n", false);
  ASSERT_TRUE(latin.ok()) << latin.status();
  EXPECT_EQ(latin->records[0].long_description(), "Caf\u00E9 visit");
}

TEST(CptFileReaderTest, MalformedLinesNameFileAndLine) {
  EXPECT_EQ(ReadCptFile("f.tsv", "99213\tOk\nA4206\tHCPCS code\n", true).status().message(),
            "f.tsv:2: 'A4206' is not a CPT code (NNNNN, NNNNF, NNNNT or "
            "NNNNU)");
  EXPECT_EQ(ReadCptFile("f.tsv", "99213 no tab\n", true).status().message(),
            "f.tsv:1: expected \"code<TAB>descriptor\"");
  EXPECT_EQ(ReadCptFile("f.tsv", "99213\tOne\n99213\tTwo\n", true).status().message(),
            "f.tsv:2: 99213 already listed on line 1");
  EXPECT_EQ(ReadCptFile("f.tsv", "99213\t  \n", true).status().message(),
            "f.tsv:1: 99213 has no descriptor");
}

TEST(Utf8Test, ValidatesWellFormedUtf8) {
  EXPECT_TRUE(IsValidUtf8("plain \u00E9 \u2014 \U0001F600"));
  EXPECT_FALSE(IsValidUtf8("\xE9"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xE2\x80"));      // truncated
}

}  // namespace
}  // namespace codingahead::importer
