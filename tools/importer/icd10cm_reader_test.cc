#include "tools/importer/icd10cm_reader.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::BILLABLE_NO;
using ::codingahead::catalog::snapshot::v1::BILLABLE_YES;
using ::codingahead::catalog::snapshot::v1::INDEX_SOURCE_NEOPLASM;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string OrderFixture() {
  absl::StatusOr<std::string> data =
      ReadFileToString(std::string(CA_IMPORTER_TESTDATA_DIR) + "/icd10cm_order_sample.txt");
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *data : "";
}

// One order-file line in the published layout.
std::string OrderLine(int order, const std::string& code, char flag, const std::string& short_text,
                      const std::string& long_text) {
  std::string line(77, ' ');
  std::string number = std::to_string(order);
  number.insert(0, 5 - number.size(), '0');
  line.replace(0, 5, number);
  line.replace(6, code.size(), code);
  line[14] = flag;
  line.replace(16, short_text.size(), short_text);
  return line + long_text;
}

TEST(ParseCsvTest, QuotedCommasDoubledQuotesCrlfAndBom) {
  absl::StatusOr<std::vector<CsvRow>> rows =
      ParseCsv("t.csv",
               "\xEF\xBB\xBF"
               "a,b\r\n4,\"Endocrine, \"\"x\"\"\"\r\n\r\n5,\"two\nlines\"\n6,z");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_THAT((*rows)[0].fields, ElementsAre("a", "b"));
  EXPECT_THAT((*rows)[1].fields, ElementsAre("4", "Endocrine, \"x\""));
  EXPECT_THAT((*rows)[2].fields, ElementsAre("5", "two\nlines"));
  EXPECT_EQ((*rows)[2].line_number, 4);
  EXPECT_EQ((*rows)[3].line_number, 6);  // after the quoted line break
}

TEST(ParseCsvTest, UnclosedQuoteNamesItsLine) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv("t.csv", "a,b\n1,\"open\n2,x\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_THAT(rows.status().message(), HasSubstr("t.csv:2: quoted field is never closed"));
}

TEST(ParseCsvTest, Cp1252IsDecoded) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv("t.csv", "a\nSj\xF6gren\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[1].fields[0], "Sj\xC3\xB6gren");
}

TEST(ReadIcd10cmTabularTest, CategoryInUnknownSectionFailsWithFileAndLine) {
  absl::StatusOr<Icd10cmTabular> tabular = ReadIcd10cmTabular(
      {"ch.csv", "chapter,description\n1,Infections (A00-B99)\n"},
      {"se.csv", "section_range,chapter,description\nA00-A09,1,Intestinal (A00-A09)\n"},
      {"ca.csv",
       "ICD10-CM-CODE,description,section,chapter\nA00,Cholera,A00-A09,1\n"
       "A15,Tuberculosis,A15-A19,1\n"});
  ASSERT_FALSE(tabular.ok());
  EXPECT_THAT(tabular.status().message(),
              HasSubstr("ca.csv:3: category A15 names section 'A15-A19', which se.csv"));
}

TEST(ReadIcd10cmTabularTest, GroupingRangesNestBlocks) {
  absl::StatusOr<Icd10cmTabular> tabular = ReadIcd10cmTabular(
      {"ch.csv", "chapter,description\n2,Neoplasms (C00-D49)\n"},
      {"se.csv",
       "section_range,chapter,description\nC00-C96,2,Malignant\nC00-C75,2,Primary\n"
       "C00-C14,2,Lip\nC7A,2,Neuroendocrine\nD00-D09,2,In situ\n"},
      {"ca.csv",
       "ICD10-CM-CODE,description,section,chapter\nC00,Lip,C00-C14,2\n"
       "C7A,Malignant neuroendocrine tumors,C7A,2\nD00,Oral,D00-D09,2\n"});
  ASSERT_TRUE(tabular.ok()) << tabular.status();
  ASSERT_EQ(tabular->blocks.size(), 5u);
  EXPECT_TRUE(tabular->blocks[0].grouping());
  EXPECT_EQ(tabular->blocks[0].parent_range(), "");
  EXPECT_EQ(tabular->blocks[1].parent_range(), "C00-C96");
  EXPECT_EQ(tabular->blocks[2].parent_range(), "C00-C75");
  EXPECT_FALSE(tabular->blocks[2].grouping());
  EXPECT_EQ(tabular->blocks[3].parent_range(), "C00-C96");  // C7A sorts after C75
  EXPECT_EQ(tabular->blocks[4].parent_range(), "");
}

TEST(NormalizeIcd10cmCodeTest, DashMeansMoreCharacters) {
  std::string code;
  bool more = false;
  ASSERT_TRUE(NormalizeIcd10cmCode("C79.8-", &code, &more));
  EXPECT_EQ(code, "C798");
  EXPECT_TRUE(more);
  ASSERT_TRUE(NormalizeIcd10cmCode("t51.3x1", &code, &more));
  EXPECT_EQ(code, "T513X1");
  EXPECT_FALSE(more);
  EXPECT_FALSE(NormalizeIcd10cmCode("--", &code, &more));
  EXPECT_FALSE(NormalizeIcd10cmCode("12.3", &code, &more));
}

TEST(ReadIcd10cmIndexTest, TermsCarryPathsColumnsAndDashCodes) {
  constexpr char kXml[] = R"(<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.index>
  <version>2026</version>
  <indexHeading><head col="1">Neoplasm</head><head col="2">Malignant Primary</head>
    <head col="3">Malignant Secondary</head></indexHeading>
  <letter><title>N</title>
    <mainTerm><title>Neoplasm, neoplastic</title>
      <cell col="2">C80.1</cell><cell col="3">--</cell>
      <term level="1"><title>abdomen<nemod>(wall)</nemod> NEC</title>
        <cell col="2">C76.2</cell><cell col="3">C79.8-</cell>
        <term level="2"><title>cavity</title><see>Neoplasm, abdomen</see></term>
      </term>
    </mainTerm>
  </letter>
</ICD10CM.index>)";
  absl::StatusOr<Icd10cmIndex> index = ReadIcd10cmIndex("n.xml", kXml, INDEX_SOURCE_NEOPLASM);
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ(index->version, "2026");
  ASSERT_EQ(index->terms.size(), 3u);
  EXPECT_THAT(index->terms[0].path(), ElementsAre("Neoplasm, neoplastic"));
  ASSERT_EQ(index->terms[0].codes_size(), 1);  // "--" is no code
  EXPECT_THAT(index->terms[1].path(), ElementsAre("Neoplasm, neoplastic", "abdomen (wall) NEC"));
  ASSERT_EQ(index->terms[1].codes_size(), 2);
  EXPECT_EQ(index->terms[1].codes(1).code(), "C798");
  EXPECT_EQ(index->terms[1].codes(1).written(), "C79.8-");
  EXPECT_TRUE(index->terms[1].codes(1).needs_more_characters());
  EXPECT_EQ(index->terms[1].codes(1).column(), "Malignant Secondary");
  EXPECT_EQ(index->terms[1].line_number(), 9);
  EXPECT_THAT(index->terms[2].see(), ElementsAre("Neoplasm, abdomen"));
  EXPECT_EQ(index->terms[2].level(), 2);
}

TEST(ReadIcd10cmIndexTest, BadCodeAndBrokenXmlNameTheLine) {
  absl::StatusOr<Icd10cmIndex> bad =
      ReadIcd10cmIndex("e.xml",
                       "<ICD10CM.index>\n<mainTerm><title>X</title>\n<code>1234</code></mainTerm>\n"
                       "</ICD10CM.index>",
                       INDEX_SOURCE_NEOPLASM);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("e.xml:3: '1234' in <code>"));
  absl::StatusOr<Icd10cmIndex> broken = ReadIcd10cmIndex(
      "e.xml", "<ICD10CM.index>\n<mainTerm>\n</ICD10CM.index>", INDEX_SOURCE_NEOPLASM);
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.status().message(), HasSubstr("e.xml:3: XML error: mismatched tag"));
}

// Found by fuzzing: expat still reports the end of an empty element whose
// start failed, which used to pop the enclosing element and index the terms
// with -1.
TEST(ReadIcd10cmIndexTest, FailedEmptyTermInsideAnotherElementIsAnError) {
  absl::StatusOr<Icd10cmIndex> no_level =
      ReadIcd10cmIndex("e.xml", "<x><term/></x>", INDEX_SOURCE_NEOPLASM);
  ASSERT_FALSE(no_level.ok());
  EXPECT_THAT(no_level.status().message(), HasSubstr("e.xml:1: <term> without a numeric level"));
  absl::StatusOr<Icd10cmIndex> outside = ReadIcd10cmIndex(
      "e.xml", "<ICD10CM.index>\n<letter><term level=\"1\"/></letter></ICD10CM.index>",
      INDEX_SOURCE_NEOPLASM);
  ASSERT_FALSE(outside.ok());
  EXPECT_THAT(outside.status().message(), HasSubstr("e.xml:2: <term> outside a <mainTerm>"));
}

// Every term copies its parent's path: without bounds on nesting and on
// titles per term, a few hundred kilobytes of XML needed gigabytes.
TEST(ReadIcd10cmIndexTest, TermsNestedTooDeepAreAnError) {
  auto nested = [](int depth) {
    std::string xml = "<ICD10CM.index><mainTerm><title>m</title>";
    for (int level = 1; level < depth; ++level) {
      absl::StrAppend(&xml, "<term level=\"", level, "\"><title>t</title>");
    }
    for (int level = 1; level < depth; ++level) xml += "</term>";
    return xml + "</mainTerm></ICD10CM.index>";
  };
  absl::StatusOr<Icd10cmIndex> deepest =
      ReadIcd10cmIndex("e.xml", nested(32), INDEX_SOURCE_NEOPLASM);
  ASSERT_TRUE(deepest.ok()) << deepest.status();
  EXPECT_EQ(deepest->terms.back().path_size(), 32);
  absl::StatusOr<Icd10cmIndex> deeper =
      ReadIcd10cmIndex("e.xml", nested(33), INDEX_SOURCE_NEOPLASM);
  ASSERT_FALSE(deeper.ok());
  EXPECT_THAT(deeper.status().message(), HasSubstr("e.xml:1: terms nested more than 32 deep"));
}

TEST(ReadIcd10cmIndexTest, SecondTitleInATermIsAnError) {
  absl::StatusOr<Icd10cmIndex> index = ReadIcd10cmIndex(
      "e.xml",
      "<ICD10CM.index>\n<mainTerm><title>a</title>\n<title>b</title></mainTerm></ICD10CM.index>",
      INDEX_SOURCE_NEOPLASM);
  ASSERT_FALSE(index.ok());
  EXPECT_THAT(index.status().message(), HasSubstr("e.xml:3: a second <title> in one term"));
}

TEST(ReadIcd10cmOrderFileTest, FixtureHasFlagsAndBothDescriptions) {
  absl::StatusOr<std::vector<catalog::snapshot::v1::CodeRecord>> records =
      ReadIcd10cmOrderFile("icd10cm_order_sample.txt", OrderFixture());
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 9u);
  EXPECT_EQ((*records)[0].code(), "A00");
  EXPECT_EQ((*records)[0].billable(), BILLABLE_NO);
  EXPECT_EQ((*records)[1].code(), "A000");
  EXPECT_EQ((*records)[1].order_number(), 2);
  EXPECT_EQ((*records)[1].billable(), BILLABLE_YES);
  EXPECT_EQ((*records)[1].long_description(), "Cholera due to Vibrio cholerae 01, biovar cholerae");
  const auto& ethanol = (*records)[8];
  EXPECT_EQ(ethanol.code(), "T510X1A");
  EXPECT_EQ(ethanol.short_description(),
            "Toxic effect of ethanol, accidental (unintentional), init");
  EXPECT_EQ(ethanol.long_description(),
            "Toxic effect of ethanol, accidental (unintentional), initial encounter");
  EXPECT_EQ(ethanol.line_number(), 9);
}

TEST(ReadIcd10cmOrderFileTest, MalformedLinesNameFileLineAndReason) {
  const std::string good = OrderLine(1, "A000", '1', "Cholera", "Cholera long");
  struct Case {
    std::string line;
    std::string reason;
  } cases[] = {
      {OrderLine(2, "A001", '2', "Cholera", "Cholera long"), "billable flag (column 15) is '2'"},
      {OrderLine(2, "A00.1", '1', "Cholera", "Cholera long"), "code (columns 7-13) 'A00.1'"},
      {"0000X" + OrderLine(2, "A001", '1', "C", "L").substr(5), "order number (columns 1-5)"},
      {good.substr(0, 40), "line is 40 characters long"},
      {OrderLine(2, "A000", '1', "Cholera", "Again"), "A000 already listed on line 1"},
      {OrderLine(2, "A001", '1', "", "Cholera long"), "A001 has no short description"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::vector<catalog::snapshot::v1::CodeRecord>> records =
        ReadIcd10cmOrderFile("order.txt", good + "\r\n" + c.line + "\r\n");
    ASSERT_FALSE(records.ok()) << c.line;
    EXPECT_THAT(records.status().message(), HasSubstr("order.txt:2: " + c.reason));
  }
}

}  // namespace
}  // namespace codingahead::importer
