// The NCCI PTP, MUE and PFS RVU readers on the fixtures in testdata/ (the
// published layouts, notice lines included), malformed lines, and the
// all-or-nothing import of edit tables.
#include <filesystem>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/importer/edit_file_util.h"
#include "tools/importer/import_command.h"
#include "tools/importer/mue_reader.h"
#include "tools/importer/ncci_ptp_reader.h"
#include "tools/importer/pfs_rvu_reader.h"
#include "tools/importer/snapshot_io.h"
#include "tools/importer/test_util.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::importer::testing::ScopedTempDir;
using ::codingahead::importer::testing::WriteFile;
using ::testing::HasSubstr;

std::string Fixture(const std::string& name) {
  return absl::StrCat(CA_EDITS_TESTDATA_DIR, "/", name);
}

std::string ReadFixture(const std::string& name) {
  absl::StatusOr<std::string> data = ReadFileToString(Fixture(name));
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *data : "";
}

// --- NCCI PTP ---

TEST(NcciPtpReaderTest, ReadsRowsAndSkipsTheNoticeAndColumnTitles) {
  absl::StatusOr<PtpFile> file =
      ReadNcciPtpFile("ptp.txt", ReadFixture("ncci_ptp_practitioner_2026q1.txt"));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->skipped_header_lines, 7);  // 2 notice, 1 blank, 4 title lines
  EXPECT_EQ(file->skipped_blank_lines, 0);
  ASSERT_EQ(file->edits.size(), 10u);
  const auto& first = file->edits[0];
  EXPECT_EQ(first.column1_code(), "10061");
  EXPECT_EQ(first.column2_code(), "10060");
  EXPECT_TRUE(first.prior_to_1996());
  EXPECT_EQ(first.effective_date().year(), 1996);
  EXPECT_FALSE(first.has_deletion_date());
  EXPECT_EQ(first.modifier_indicator(), 1);
  EXPECT_EQ(first.rationale(), "Mutually exclusive procedures");
  EXPECT_EQ(first.line_number(), 8);
  const auto& deleted = file->edits[5];
  EXPECT_EQ(deleted.column1_code(), "64450");
  ASSERT_TRUE(deleted.has_deletion_date());
  EXPECT_EQ(deleted.deletion_date().month(), 2);
  EXPECT_EQ(deleted.deletion_date().day(), 1);
  EXPECT_EQ(file->edits[1].modifier_indicator(), 0);
  EXPECT_EQ(file->edits[6].modifier_indicator(), 9);
}

TEST(NcciPtpReaderTest, MalformedRowsFailWithLineAndReason) {
  const std::string good = ReadFixture("ncci_ptp_practitioner_2026q1.txt");
  struct Case {
    std::string row;
    std::string reason;
  } cases[] = {
      {"12001\t99214\t\t20130101\t*\t2\tx", "modifier indicator \"2\" is not 0, 1 or 9"},
      {"12001\t99214\t\t2013011\t*\t1\tx", "effective date \"2013011\" is not YYYYMMDD"},
      {"12001\t99214\t\t20130230\t*\t1\tx", "effective date \"20130230\" is not YYYYMMDD"},
      {"12001\t99214\t\t20130101\t-\t1\tx", "deletion date \"-\" is not YYYYMMDD or \"*\""},
      {"12001\t99214\t\t20130101\t20120101\t1\tx",
       "deletion date 20120101 is before the effective date 20130101"},
      {"12001\t99214\t\t20130101\t*\t1", "expected 7 tab-separated columns, found 6"},
      {"12001\t99214\tx\t20130101\t*\t1\tx", "prior-to-1996 flag is \"x\""},
      {"12001 99214 20130101 * 1", "not an edit row"},
      {"12001\t12001\t\t20130101\t*\t1\tx", "column 1 and column 2 are the same code"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<PtpFile> file = ReadNcciPtpFile("ptp.txt", good + c.row + "\n");
    ASSERT_FALSE(file.ok()) << c.row;
    EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(file.status().message(), HasSubstr("ptp.txt:18: ")) << c.row;
    EXPECT_THAT(file.status().message(), HasSubstr(c.reason)) << c.row;
  }
}

TEST(NcciPtpReaderTest, TrailingEmptyCellsAndBlankLinesAreAccepted) {
  const std::string data =
      "notice\r\n12001\t99213\t\t20130101\t*\t1\tMisuse\t\t\r\n\r\n29881\t29877\t\t20120101\t*"
      "\t1\tx\r\n";
  absl::StatusOr<PtpFile> file = ReadNcciPtpFile("ptp.txt", data);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->edits.size(), 2u);
  EXPECT_EQ(file->skipped_header_lines, 1);
  EXPECT_EQ(file->skipped_blank_lines, 1);
  EXPECT_EQ(file->edits[1].line_number(), 4);
}

TEST(NcciPtpReaderTest, AFileWithoutRowsIsRefused) {
  absl::StatusOr<PtpFile> file = ReadNcciPtpFile("ptp.txt", "notice only\nColumn1\tColumn2\n");
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(file.status().message(), HasSubstr("no edit rows"));
}

// --- MUE ---

TEST(MueReaderTest, ReadsValuesIndicatorsAndRationales) {
  absl::StatusOr<MueFile> file = ReadMueFile("mue.csv", ReadFixture("mue_practitioner_2026q1.csv"));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->skipped_header_lines, 4);
  ASSERT_EQ(file->limits.size(), 12u);
  const auto& line_edit = file->limits[3];
  EXPECT_EQ(line_edit.code(), "20610");
  EXPECT_EQ(line_edit.value(), 2);
  EXPECT_EQ(line_edit.adjudication_indicator(), 1);
  EXPECT_EQ(line_edit.adjudication_text(), "1 Line Edit");
  EXPECT_EQ(line_edit.rationale(), "Anatomic Consideration");
  const auto& clinical = file->limits[8];
  EXPECT_EQ(clinical.code(), "96372");
  EXPECT_EQ(clinical.adjudication_indicator(), 3);
  EXPECT_EQ(clinical.adjudication_text(), "3 Date of Service Edit: Clinical");
  EXPECT_EQ(file->limits[11].code(), "J1100");
  EXPECT_EQ(file->limits[11].value(), 120);
}

TEST(MueReaderTest, DmeAndHospitalFixturesRead) {
  absl::StatusOr<MueFile> dme = ReadMueFile("dme.csv", ReadFixture("mue_dme_2026q1.csv"));
  ASSERT_TRUE(dme.ok()) << dme.status();
  EXPECT_EQ(dme->limits.size(), 4u);
  absl::StatusOr<MueFile> oph = ReadMueFile("oph.csv", ReadFixture("mue_hospital_2026q1.csv"));
  ASSERT_TRUE(oph.ok()) << oph.status();
  EXPECT_EQ(oph->limits.size(), 6u);
}

TEST(MueReaderTest, MalformedRowsFailWithLineAndReason) {
  const std::string good = ReadFixture("mue_dme_2026q1.csv");
  struct Case {
    std::string row;
    std::string reason;
  } cases[] = {
      {"E0100,-1,\"2 Date of Service Edit: Policy\",x", "MUE value \"-1\" is not a whole number"},
      {"E0100,two,\"2 Date of Service Edit: Policy\",x", "MUE value \"two\""},
      {"E0100,1,\"4 Date of Service Edit\",x", "does not start with 1, 2 or 3"},
      {"E0100,1,\"Line Edit\",x", "does not start with 1, 2 or 3"},
      {"E0100,1,\"2 Date of Service Edit: Policy\"", "expected 4 comma-separated columns, found 3"},
      {"E0601,1,\"2 Date of Service Edit: Policy\",x", "E0601 is listed twice (first on line 7)"},
      {"E0100,1,\"2 Date of Service Edit: Policy,x", "unterminated quoted field"},
      {"Total rows: 4", "not an MUE row"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<MueFile> file = ReadMueFile("dme.csv", good + c.row + "\n");
    ASSERT_FALSE(file.ok()) << c.row;
    EXPECT_THAT(file.status().message(), HasSubstr("dme.csv:9: ")) << c.row;
    EXPECT_THAT(file.status().message(), HasSubstr(c.reason)) << c.row;
  }
}

// --- PFS RVU ---

TEST(PfsRvuReaderTest, ReadsThePprrvuLayoutWithoutTheDescription) {
  absl::StatusOr<PfsRvuFile> file = ReadPfsRvuFile("rvu.csv", ReadFixture("pfs_rvu_2026q1.csv"));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->skipped_header_lines, 6);
  ASSERT_EQ(file->records.size(), 9u);
  const auto& knee = file->records[3];
  EXPECT_EQ(knee.code(), "29881");
  EXPECT_EQ(knee.status_code(), "A");
  EXPECT_DOUBLE_EQ(knee.work_rvu(), 7.03);
  EXPECT_TRUE(knee.non_facility_na());
  EXPECT_FALSE(knee.facility_na());
  EXPECT_DOUBLE_EQ(knee.facility_pe_rvu(), 6.55);
  EXPECT_DOUBLE_EQ(knee.facility_total(), 14.97);
  EXPECT_EQ(knee.global_days(), "090");
  EXPECT_DOUBLE_EQ(knee.intraop_fraction(), 0.84);
  EXPECT_EQ(knee.multiple_procedure_indicator(), "3");
  EXPECT_EQ(knee.bilateral_surgery_indicator(), "1");
  EXPECT_EQ(knee.assistant_at_surgery_indicator(), "1");
  EXPECT_EQ(knee.co_surgeons_indicator(), "0");
  EXPECT_EQ(knee.team_surgery_indicator(), "0");
  EXPECT_EQ(knee.endoscopic_base_code(), "29870");
  EXPECT_EQ(knee.conversion_factor(), "33.4009");
  EXPECT_EQ(file->records[5].modifier(), "26");
  EXPECT_EQ(file->records[5].pctc_indicator(), "1");
  EXPECT_TRUE(file->records[8].not_used_for_medicare_payment());
  // The quoted description with a comma does not shift the columns.
  EXPECT_DOUBLE_EQ(file->records[0].work_rvu(), 0.84);
  for (const auto& record : file->records) {
    EXPECT_THAT(record.DebugString(), ::testing::Not(HasSubstr("PLACEHOLDER")));
  }
}

TEST(PfsRvuReaderTest, MalformedRowsFailWithLineAndReason) {
  const std::string good = ReadFixture("pfs_rvu_2026q1.csv");
  const std::string row =
      "99214,,x,A,,1.92,1.61,,0.79,,0.13,3.66,2.84,0,XXX,0.00,0.00,0.00,0,0,0,0,0,,33.4009";
  struct Case {
    std::string row;
    std::string reason;
  } cases[] = {
      {absl::StrReplaceAll(row, {{",1.92,", ",1.9a,"}}), "work RVU \"1.9a\" is not a number"},
      {absl::StrReplaceAll(row, {{",A,", ",,"}}), "status code \"\" is not one letter"},
      {absl::StrReplaceAll(row, {{",XXX,", ",XX,"}}), "global days \"XX\""},
      {absl::StrReplaceAll(row, {{",,0.79,", ",N,0.79,"}}), "NA indicator \"N\""},
      {absl::StrReplaceAll(row, {{",33.4009", ""}}), "expected at least 25 comma-separated"},
      {absl::StrReplaceAll(row, {{"99214", "99213"}}), "99213 is listed twice (first on line 14)"},
      {absl::StrReplaceAll(row, {{"0,0,0,0,0,,", "0,0,7x,0,0,,"}}),
       "assistant at surgery indicator \"7x\""},
  };
  for (const Case& c : cases) {
    absl::StatusOr<PfsRvuFile> file = ReadPfsRvuFile("rvu.csv", good + c.row + "\n");
    ASSERT_FALSE(file.ok()) << c.row;
    EXPECT_THAT(file.status().message(), HasSubstr("rvu.csv:16: ")) << c.row;
    EXPECT_THAT(file.status().message(), HasSubstr(c.reason)) << c.row;
  }
  ASSERT_TRUE(ReadPfsRvuFile("rvu.csv", good + row + "\n").ok());
}

// --- quarter ---

TEST(EditFileUtilTest, QuarterCoversItsThreeMonths) {
  absl::StatusOr<Quarter> q = ParseQuarter("2026q1");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->last_day.month(), 3);
  EXPECT_EQ(q->last_day.day(), 31);
  absl::StatusOr<Quarter> q4 = ParseQuarter("2025-Q4");
  ASSERT_TRUE(q4.ok());
  EXPECT_EQ(q4->first_day.month(), 10);
  EXPECT_EQ(q4->last_day.year(), 2025);
  EXPECT_EQ(q4->last_day.day(), 31);
  EXPECT_FALSE(ParseQuarter("2026Q5").ok());
  EXPECT_FALSE(ParseQuarter("202601").ok());
}

// --- the import ---

ImportOptions EditOptions(const std::string& out_dir) {
  ImportOptions options;
  options.builder.ncci_ptp_practitioner_file = Fixture("ncci_ptp_practitioner_2026q1.txt");
  options.builder.ncci_ptp_hospital_file = Fixture("ncci_ptp_hospital_2026q1.txt");
  options.builder.mue_practitioner_file = Fixture("mue_practitioner_2026q1.csv");
  options.builder.mue_hospital_file = Fixture("mue_hospital_2026q1.csv");
  options.builder.mue_dme_file = Fixture("mue_dme_2026q1.csv");
  options.builder.pfs_rvu_file = Fixture("pfs_rvu_2026q1.csv");
  options.builder.edits_quarter = "2026Q1";
  options.out_dir = out_dir;
  return options;
}

TEST(EditImportTest, WritesOneTablePerFileAndPrintsTheCounts) {
  ScopedTempDir out;
  std::ostringstream summary;
  ASSERT_TRUE(RunImport(EditOptions(out.path()), summary).ok());
  const std::string text = summary.str();
  EXPECT_THAT(text, HasSubstr("ncci-ptp-practitioner-2026q1 rows=10 skipped_header_lines=7 "
                              "skipped_blank_lines=0"));
  EXPECT_THAT(text, HasSubstr("deleted=2 indicator_0=2 indicator_1=7 indicator_9=1"));
  EXPECT_THAT(text, HasSubstr("mue-dme-2026q1   rows=4 skipped_header_lines=4"));
  EXPECT_THAT(text, HasSubstr("mai_1=1 mai_2=2 mai_3=1"));
  EXPECT_THAT(text, HasSubstr("pfs-rvu-2026q1   rows=9 skipped_header_lines=6"));
  EXPECT_THAT(text, HasSubstr("6 edit tables"));
  absl::StatusOr<std::string> current = ResolveCurrentSnapshot(out.path());
  ASSERT_TRUE(current.ok()) << current.status();
  absl::StatusOr<catalog::snapshot::v1::Snapshot> snapshot = ReadSnapshot(*current);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ASSERT_EQ(snapshot->edit_tables_size(), 6);
  const auto& ptp = snapshot->edit_tables(0);
  EXPECT_EQ(ptp.id(), "ncci-ptp-practitioner-2026q1");
  EXPECT_EQ(ptp.effective_date().month(), 1);
  EXPECT_EQ(ptp.end_date().month(), 3);
  EXPECT_EQ(ptp.end_date().day(), 31);
  EXPECT_EQ(ptp.sources(0).name(), "ncci_ptp_practitioner_2026q1.txt");
  EXPECT_EQ(snapshot->edit_tables(5).rvu_records_size(), 9);
}

TEST(EditImportTest, EditTablesChangeTheSnapshotId) {
  ScopedTempDir out;
  ImportOptions options = EditOptions(out.path());
  std::ostringstream summary;
  ASSERT_TRUE(RunImport(options, summary).ok());
  absl::StatusOr<std::string> first = ResolveCurrentSnapshot(out.path());
  ASSERT_TRUE(first.ok());
  options.builder.edits_quarter = "2026Q2";
  ASSERT_TRUE(RunImport(options, summary).ok());
  absl::StatusOr<std::string> second = ResolveCurrentSnapshot(out.path());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
}

TEST(EditImportTest, ABadLineFailsTheImportAndLeavesTheServingSnapshot) {
  ScopedTempDir data;
  ScopedTempDir out;
  std::ostringstream summary;
  ASSERT_TRUE(RunImport(EditOptions(out.path()), summary).ok());
  absl::StatusOr<std::string> serving = ResolveCurrentSnapshot(out.path());
  ASSERT_TRUE(serving.ok());

  WriteFile(data.Path("mue_dme_bad.csv"),
            ReadFixture("mue_dme_2026q1.csv") + "E0100,1,\"5 Unknown\",x\n");
  ImportOptions options = EditOptions(out.path());
  options.builder.mue_dme_file = data.Path("mue_dme_bad.csv");
  std::ostringstream failed;
  absl::Status status = RunImport(options, failed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "mue_dme_bad.csv:9: MUE adjudication indicator \"5 Unknown\" does not start with 1, 2 "
            "or 3");
  EXPECT_EQ(failed.str(), "");
  absl::StatusOr<std::string> after = ResolveCurrentSnapshot(out.path());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *serving);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(out.Path("snapshots")),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(EditImportTest, TheQuarterIsRequired) {
  ScopedTempDir out;
  ImportOptions options = EditOptions(out.Path("catalog"));
  options.builder.edits_quarter = "";
  std::ostringstream summary;
  absl::Status status = RunImport(options, summary);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--edits_quarter"));
  EXPECT_FALSE(std::filesystem::exists(out.Path("catalog")));
}

}  // namespace
}  // namespace codingahead::importer
