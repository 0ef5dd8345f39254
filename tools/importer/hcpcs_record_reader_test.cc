#include "tools/importer/hcpcs_record_reader.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/importer/test_util.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::CodeRecord;
using ::codingahead::catalog::snapshot::v1::RECORD_KIND_CODE;
using ::codingahead::catalog::snapshot::v1::RECORD_KIND_MODIFIER;
using ::codingahead::importer::testing::HcpcsDir;
using ::codingahead::importer::testing::HcpcsLine;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kFile2017[] = "2017/HCPC17_CONTR_ANWEB.txt";
constexpr char kFile2018[] = "2018/HCPC2018_CONTR_ANWEB_disc.txt";
constexpr char kFile2019[] = "2019/HCPC2019_CONTR_ANWEB.txt";

HcpcsFile ReadReal(const std::string& relative) {
  absl::StatusOr<std::string> data = ReadFileToString(absl::StrCat(HcpcsDir(), "/", relative));
  EXPECT_TRUE(data.ok()) << data.status();
  absl::StatusOr<HcpcsFile> file = ReadHcpcsRecords(relative, data.value());
  EXPECT_TRUE(file.ok()) << file.status();
  return file.ok() ? *std::move(file) : HcpcsFile();
}

const CodeRecord* Find(const HcpcsFile& file, absl::string_view code) {
  for (const CodeRecord& record : file.records) {
    if (record.code() == code) return &record;
  }
  return nullptr;
}

std::string DateString(const google::type::Date& date) {
  return absl::StrCat(date.year(), "-", date.month(), "-", date.day());
}

// A two-record fixture file (lines joined with CRLF).
std::string Join(const std::vector<std::string>& lines) {
  return absl::StrCat(absl::StrJoin(lines, "\r\n"), "\r\n");
}

std::string CodeLine(const std::string& code, const std::string& text) {
  return HcpcsLine({{1, code}, {6, "00100"}, {11, "3"}, {12, text}});
}
std::string ContinuationLine(const std::string& code, const std::string& text) {
  return HcpcsLine({{1, code}, {6, "00200"}, {11, "4"}, {12, text}});
}

// ---- the real files ---------------------------------------------------

TEST(HcpcsRecordReaderTest, FirstLineCountsMatchEachYearExactly) {
  struct Expected {
    const char* file;
    int codes, modifiers, continuations, skipped;
  };
  for (const Expected& e :
       {Expected{kFile2017, 6155, 343, 4330, 0}, Expected{kFile2018, 6205, 354, 4426, 11},
        Expected{kFile2019, 6440, 360, 4822, 8}}) {
    const HcpcsFile file = ReadReal(e.file);
    EXPECT_EQ(file.counts.code_first_lines, e.codes) << e.file;
    EXPECT_EQ(file.counts.modifier_first_lines, e.modifiers) << e.file;
    EXPECT_EQ(file.counts.continuation_lines, e.continuations) << e.file;
    EXPECT_EQ(file.counts.skipped_leading_lines, e.skipped) << e.file;
    EXPECT_EQ(file.counts.skipped_trailing_blank_lines, 0) << e.file;
    EXPECT_EQ(file.counts.dropped_cpt_codes, 0) << e.file;
    EXPECT_EQ(file.records.size(), static_cast<size_t>(e.codes + e.modifiers)) << e.file;
  }
}

TEST(HcpcsRecordReaderTest, DisclaimerBlocksBefore2018And2019RecordsAreSkipped) {
  // 2018: 11 lines of "--" text; 2019: 8 tab-padded lines with 0xA0 bytes.
  const HcpcsFile y2018 = ReadReal(kFile2018);
  EXPECT_EQ(y2018.counts.skipped_leading_lines, 11);
  ASSERT_FALSE(y2018.records.empty());
  EXPECT_EQ(y2018.records.front().code(), "A1");
  EXPECT_EQ(y2018.records.front().line_number(), 12);
  const HcpcsFile y2019 = ReadReal(kFile2019);
  EXPECT_EQ(y2019.counts.skipped_leading_lines, 8);
  EXPECT_EQ(y2019.records.front().line_number(), 9);
  EXPECT_EQ(ReadReal(kFile2017).counts.skipped_leading_lines, 0);
}

TEST(HcpcsRecordReaderTest, ShortG8891RecordKeepsFullLongDescription2019) {
  const HcpcsFile file = ReadReal(kFile2019);
  const CodeRecord* g8891 = Find(file, "G8891");
  ASSERT_NE(g8891, nullptr);
  EXPECT_EQ(g8891->long_description(),
            "Documentation of medical reason(s) for most recent ldl-c not "
            "under control (e.g., patients with palliative goals for whom "
            "treatment of hypertension with standard treatment goals is not "
            "clinically appropriate)");
  EXPECT_EQ(g8891->short_description(), "Doc med reas no ldl-c contrl");
}

TEST(HcpcsRecordReaderTest, G0202DiscontinuedIn2018StaysIn2019WithActionN) {
  const HcpcsFile y2018 = ReadReal(kFile2018);
  const CodeRecord* g2018 = Find(y2018, "G0202");
  ASSERT_NE(g2018, nullptr);
  EXPECT_EQ(g2018->kind(), RECORD_KIND_CODE);
  ASSERT_TRUE(g2018->has_termination_date());
  EXPECT_EQ(DateString(g2018->termination_date()), "2017-12-31");
  EXPECT_THAT(g2018->cross_references(), ElementsAre("77067"));
  EXPECT_EQ(g2018->action_code(), "D");
  EXPECT_EQ(DateString(g2018->added_date()), "2001-4-1");
  EXPECT_EQ(DateString(g2018->action_effective_date()), "2018-1-1");
  EXPECT_EQ(g2018->long_description(),
            "Screening mammography, bilateral (2-view study of each breast), "
            "including computer-aided detection (cad) when performed");
  EXPECT_THAT(g2018->pricing_indicators(), ElementsAre("13"));
  EXPECT_EQ(g2018->multiple_pricing_indicator(), "A");
  EXPECT_EQ(g2018->coverage_code(), "C");
  EXPECT_EQ(g2018->betos(), "I1C");
  EXPECT_THAT(g2018->types_of_service(), ElementsAre("1"));

  const HcpcsFile y2019 = ReadReal(kFile2019);
  const CodeRecord* g2019 = Find(y2019, "G0202");
  ASSERT_NE(g2019, nullptr);
  ASSERT_TRUE(g2019->has_termination_date());
  EXPECT_EQ(DateString(g2019->termination_date()), "2017-12-31");
  EXPECT_EQ(g2019->action_code(), "N");
}

TEST(HcpcsRecordReaderTest, ModifiersAreRightAlignedAndKeptWithoutPadding) {
  const HcpcsFile file = ReadReal(kFile2019);
  const CodeRecord* lt = Find(file, "LT");
  ASSERT_NE(lt, nullptr);
  EXPECT_EQ(lt->kind(), RECORD_KIND_MODIFIER);
  EXPECT_EQ(lt->sequence(), "00100");
  EXPECT_EQ(lt->long_description(),
            "Left side (used to identify procedures performed on the left "
            "side of the body)");
  EXPECT_EQ(lt->short_description(), "Left side");
}

TEST(HcpcsRecordReaderTest, AscDateShiftedIntoEmptyGroupIn2018IsRepaired) {
  const HcpcsFile y2018 = ReadReal(kFile2018);
  EXPECT_EQ(y2018.counts.repaired_asc_dates, 5);
  const CodeRecord* c9488 = Find(y2018, "C9488");
  ASSERT_NE(c9488, nullptr);
  EXPECT_EQ(c9488->asc_payment_group(), "");
  EXPECT_EQ(DateString(c9488->asc_payment_group_effective_date()), "2017-4-1");
  EXPECT_EQ(c9488->betos(), "O1E");
  // The 2019 file has the same record in the published columns.
  const HcpcsFile y2019 = ReadReal(kFile2019);
  EXPECT_EQ(y2019.counts.repaired_asc_dates, 0);
  const CodeRecord* c9488_2019 = Find(y2019, "C9488");
  ASSERT_NE(c9488_2019, nullptr);
  EXPECT_EQ(c9488_2019->asc_payment_group(), "YY");
  EXPECT_EQ(DateString(c9488_2019->asc_payment_group_effective_date()), "2017-4-1");
}

TEST(HcpcsRecordReaderTest, NoRealRecordHasCptShapedCode) {
  for (const char* name : {kFile2017, kFile2018, kFile2019}) {
    for (const CodeRecord& record : ReadReal(name).records) {
      ASSERT_FALSE(IsCptShapedCode(record.code())) << name << " " << record.code();
    }
  }
}

// ---- fixtures ---------------------------------------------------------

TEST(HcpcsRecordReaderTest, EveryLayoutFieldLandsInItsCodeRecordField) {
  const std::string line = HcpcsLine({
      {1, "Q1234"},      {6, "00100"},      {11, "3"},           {12, "Long text"},
      {92, "Short"},     {120, "11"},       {122, "  "},         {124, "46"},
      {128, "A"},        {129, "60-9  "},   {135, "      "},     {141, "60-10 "},
      {147, "2049    "}, {155, "4270    "}, {171, "1861S2B   "}, {181, "100"},
      {184, "310"},      {202, "900"},      {205, "77067"},      {225, "G0203"},
      {230, "D"},        {231, "YY"},       {233, "20170401"},   {241, "102"},
      {244, "1"},        {245, "19990101"}, {253, "0042"},       {257, "I1C"},
      {261, "1"},        {265, "F"},        {266, "005"},        {269, "20010401"},
      {277, "20180101"}, {285, "20171231"}, {293, "D"},
  });
  absl::StatusOr<HcpcsFile> file = ReadHcpcsRecords("f.txt", Join({line}));
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->records.size(), 1u);
  const CodeRecord& r = file->records[0];
  EXPECT_EQ(r.code(), "Q1234");
  EXPECT_EQ(r.kind(), RECORD_KIND_CODE);
  EXPECT_EQ(r.sequence(), "00100");
  EXPECT_EQ(r.long_description(), "Long text");
  EXPECT_EQ(r.short_description(), "Short");
  EXPECT_THAT(r.pricing_indicators(), ElementsAre("11", "46"));
  EXPECT_EQ(r.multiple_pricing_indicator(), "A");
  EXPECT_THAT(r.coverage_issues_manual_refs(), ElementsAre("60-9", "60-10"));
  EXPECT_THAT(r.carriers_manual_refs(), ElementsAre("2049", "4270"));
  EXPECT_EQ(r.statute(), "1861S2B");
  EXPECT_THAT(r.lab_certifications(), ElementsAre("100", "310", "900"));
  EXPECT_THAT(r.cross_references(), ElementsAre("77067", "G0203"));
  EXPECT_EQ(r.coverage_code(), "D");
  EXPECT_EQ(r.asc_payment_group(), "YY");
  EXPECT_EQ(DateString(r.asc_payment_group_effective_date()), "2017-4-1");
  EXPECT_EQ(r.mog_payment_group(), "102");
  EXPECT_EQ(r.mog_payment_policy_indicator(), "1");
  EXPECT_EQ(DateString(r.mog_effective_date()), "1999-1-1");
  EXPECT_EQ(r.processing_note_number(), "0042");
  EXPECT_EQ(r.betos(), "I1C");
  EXPECT_THAT(r.types_of_service(), ElementsAre("1", "F"));
  EXPECT_TRUE(r.has_anesthesia_base_units());
  EXPECT_EQ(r.anesthesia_base_units(), 5);
  EXPECT_EQ(DateString(r.added_date()), "2001-4-1");
  EXPECT_EQ(DateString(r.action_effective_date()), "2018-1-1");
  EXPECT_EQ(DateString(r.termination_date()), "2017-12-31");
  EXPECT_EQ(r.action_code(), "D");
  EXPECT_EQ(r.line_number(), 1);
}

TEST(HcpcsRecordReaderTest, BlankFieldsStayAbsent) {
  absl::StatusOr<HcpcsFile> file = ReadHcpcsRecords("f.txt", Join({CodeLine("A0001", "Text")}));
  ASSERT_TRUE(file.ok()) << file.status();
  const CodeRecord& r = file->records[0];
  EXPECT_FALSE(r.has_termination_date());
  EXPECT_FALSE(r.has_added_date());
  EXPECT_FALSE(r.has_asc_payment_group_effective_date());
  EXPECT_FALSE(r.has_anesthesia_base_units());
  EXPECT_TRUE(r.pricing_indicators().empty());
}

TEST(HcpcsRecordReaderTest, ShortLinesCountAsSpacePadded) {
  std::string first = CodeLine("A0001", "First part");
  first.resize(91);
  std::string second = ContinuationLine("A0001", "second part");
  second.resize(40);
  absl::StatusOr<HcpcsFile> file = ReadHcpcsRecords("f.txt", Join({first, second}));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->records[0].long_description(), "First part second part");
  EXPECT_EQ(file->counts.continuation_lines, 1);
}

TEST(HcpcsRecordReaderTest, BadRecordIdAfterFirstRecordNamesFileAndLine) {
  const std::string data = Join({"Disclaimer text", CodeLine("A0001", "One"),
                                 HcpcsLine({{1, "A0002"}, {11, "X"}, {12, "Two"}})});
  absl::StatusOr<HcpcsFile> file = ReadHcpcsRecords("HCPC2019_CONTR_ANWEB.txt", data);
  ASSERT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(file.status().message(),
            "HCPC2019_CONTR_ANWEB.txt:3: record id 'X' is not 3, 4, 7 or 8");
}

TEST(HcpcsRecordReaderTest, InvalidDateNamesFileLineAndField) {
  const std::string data =
      Join({CodeLine("A0001", "One"),
            HcpcsLine({{1, "A0002"}, {11, "3"}, {12, "Two"}, {285, "20170230"}})});
  absl::StatusOr<HcpcsFile> file = ReadHcpcsRecords("x.txt", data);
  ASSERT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(file.status().message(),
            "x.txt:2: termination_date '20170230' is not a valid YYYYMMDD "
            "date");
  const std::string leap = Join({HcpcsLine({{1, "A0002"}, {11, "3"}, {269, "20160229"}})});
  EXPECT_TRUE(ReadHcpcsRecords("x.txt", leap).ok());
  const std::string not_leap = Join({HcpcsLine({{1, "A0002"}, {11, "3"}, {269, "20170229"}})});
  EXPECT_THAT(ReadHcpcsRecords("x.txt", not_leap).status().message(),
              HasSubstr("x.txt:1: added_date '20170229'"));
}

TEST(HcpcsRecordReaderTest, ContinuationOfAnotherCodeFails) {
  const std::string data = Join({CodeLine("A0001", "One"), ContinuationLine("A0002", "more")});
  EXPECT_EQ(ReadHcpcsRecords("x.txt", data).status().message(),
            "x.txt:2: continuation record for 'A0002' follows the first line "
            "of 'A0001' (line 1)");
}

TEST(HcpcsRecordReaderTest, ContinuationBeforeAnyFirstLineFails) {
  const std::string data =
      Join({"header", ContinuationLine("A0001", "more"), CodeLine("A0001", "One")});
  EXPECT_EQ(ReadHcpcsRecords("x.txt", data).status().message(),
            "x.txt:2: continuation record for 'A0001' comes before any first "
            "line");
}

TEST(HcpcsRecordReaderTest, RecordIdMustMatchCodeOrModifierShape) {
  const std::string data =
      Join({CodeLine("A0001", "One"), HcpcsLine({{1, "   LT"}, {11, "3"}, {12, "Left"}})});
  EXPECT_THAT(ReadHcpcsRecords("x.txt", data).status().message(),
              HasSubstr("x.txt:2: record id '3' is for codes"));
  const std::string bad_code =
      Join({CodeLine("A0001", "One"), HcpcsLine({{1, "a-01 "}, {11, "3"}})});
  EXPECT_THAT(ReadHcpcsRecords("x.txt", bad_code).status().message(),
              HasSubstr("x.txt:2: code field 'a-01 '"));
}

TEST(HcpcsRecordReaderTest, TrailingBlankLinesAreSkippedAndCounted) {
  const std::string data = Join({"Disclaimer", "", CodeLine("A0001", "One"), "", "   ", "\t"});
  absl::StatusOr<HcpcsFile> file = ReadHcpcsRecords("x.txt", data);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->counts.skipped_leading_lines, 2);
  EXPECT_EQ(file->counts.skipped_trailing_blank_lines, 3);
  EXPECT_EQ(file->records.size(), 1u);
}

TEST(HcpcsRecordReaderTest, BlankLineBetweenRecordsFails) {
  const std::string data = Join({CodeLine("A0001", "One"), "", CodeLine("A0002", "Two")});
  EXPECT_EQ(ReadHcpcsRecords("x.txt", data).status().message(),
            "x.txt:2: blank line between records (the next record is on line "
            "3)");
}

TEST(HcpcsRecordReaderTest, TextAfterColumn320Fails) {
  std::string long_line = CodeLine("A0001", "One") + "   overflow";
  EXPECT_THAT(ReadHcpcsRecords("x.txt", Join({long_line})).status().message(),
              HasSubstr("x.txt:1: line has 331 characters"));
  std::string padded = CodeLine("A0001", "One") + "     ";
  EXPECT_TRUE(ReadHcpcsRecords("x.txt", Join({padded})).ok());
}

TEST(HcpcsRecordReaderTest, NonNumericAnesthesiaUnitsFail) {
  const std::string data = Join({HcpcsLine({{1, "A0001"}, {11, "3"}, {266, "1O"}})});
  EXPECT_EQ(ReadHcpcsRecords("x.txt", data).status().message(),
            "x.txt:1: anesthesia_base_units '1O' is not a number");
}

TEST(HcpcsRecordReaderTest, CptShapedCodesAreDroppedWithTheirContinuations) {
  const std::string data = Join({CodeLine("A0001", "Kept"), CodeLine("0538T", "Not ours"),
                                 ContinuationLine("0538T", "still not ours"),
                                 CodeLine("99213", "Not ours either"), CodeLine("A0002", "Kept")});
  absl::StatusOr<HcpcsFile> file = ReadHcpcsRecords("x.txt", data);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->counts.dropped_cpt_codes, 2);
  EXPECT_EQ(file->counts.code_first_lines, 2);
  EXPECT_EQ(file->counts.continuation_lines, 0);
  ASSERT_EQ(file->records.size(), 2u);
  EXPECT_EQ(file->records[0].code(), "A0001");
  EXPECT_EQ(file->records[1].code(), "A0002");
}

TEST(HcpcsRecordReaderTest, TextIsConvertedFromCp1252AndLfFilesWork) {
  const std::string data = CodeLine("A0001",
                                    "\xA0"
                                    "Caf\xE9 \x96 tea\xA0") +
                           "\n" + ContinuationLine("A0001", "\x93quoted\x94") + "\n";
  absl::StatusOr<HcpcsFile> file = ReadHcpcsRecords("x.txt", data);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->records[0].long_description(), "Caf\u00E9 \u2013 tea \u201Cquoted\u201D");
}

TEST(IsCptShapedCodeTest, RecognisesCptCategories) {
  EXPECT_TRUE(IsCptShapedCode("99213"));
  EXPECT_TRUE(IsCptShapedCode("0538T"));
  EXPECT_TRUE(IsCptShapedCode("3008F"));
  EXPECT_TRUE(IsCptShapedCode("0001U"));
  EXPECT_FALSE(IsCptShapedCode("A4206"));
  EXPECT_FALSE(IsCptShapedCode("G0202"));
  EXPECT_FALSE(IsCptShapedCode("0538"));
}

}  // namespace
}  // namespace codingahead::importer
