#include "tools/importer/processing_notes_reader.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "tools/importer/test_util.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::ProcessingNote;
using ::codingahead::importer::testing::HcpcsDir;

std::vector<ProcessingNote> ReadYear(int year) {
  const std::string name = absl::StrCat(year, "/proc_notes_", year, ".txt");
  absl::StatusOr<std::string> data = ReadFileToString(absl::StrCat(HcpcsDir(), "/", name));
  EXPECT_TRUE(data.ok()) << data.status();
  absl::StatusOr<std::vector<ProcessingNote>> notes = ReadProcessingNotes(name, data.value());
  EXPECT_TRUE(notes.ok()) << notes.status();
  return notes.ok() ? *notes : std::vector<ProcessingNote>();
}

TEST(ProcessingNotesReaderTest, ReadsEveryNumberedNoteOfEachYear) {
  for (const auto& [year, count] :
       {std::pair{2017, 211}, std::pair{2018, 216}, std::pair{2019, 218}}) {
    const std::vector<ProcessingNote> notes = ReadYear(year);
    ASSERT_EQ(notes.size(), static_cast<size_t>(count)) << year;
    for (int i = 0; i < count; ++i) {
      const std::string expected = absl::StrFormat("%04d", i + 1);
      EXPECT_EQ(notes[i].number(), expected) << year;
      EXPECT_FALSE(notes[i].text().empty()) << year << " " << expected;
      EXPECT_EQ(notes[i].text().find('*'), std::string::npos)
          << year << " " << expected << ": " << notes[i].text();
      EXPECT_EQ(notes[i].text().find('\t'), std::string::npos);
    }
  }
}

TEST(ProcessingNotesReaderTest, JoinsContinuationLinesAndDropsMargins) {
  const std::vector<ProcessingNote> notes = ReadYear(2019);
  ASSERT_GE(notes.size(), 218u);
  EXPECT_EQ(notes[1].text(),
            "THESE CODES (82585, 82595) PERTAIN TO PERFORMING THE ANALYSIS "
            "FOR THE ANALYTE AS OPPOSED TO ADMINISTRATION OF THE ANALYTE.");
  // Note 0202 is tab-indented over four lines.
  EXPECT_EQ(notes[201].text(),
            "THE PATIENT PROTECTION AND AFFORDABLE CARE ACT MADE IT MANDATORY "
            "FOR ALL HEALTHCARE INSURANCE PLANS TO COVER SOME PREVENTIVE "
            "SERVICES AND IMMUNIZATIONS AS PART OF ALL BENEFIT PLANS; THIS "
            "MODIFIER DOES NOT APPLY TO CMS SCREENING SERVICES AS THEY ARE "
            "STATUTORILY ADMINISTERED.");
  EXPECT_EQ(notes[217].text(),
            "MEDICARE DOES NOT COVER THIS SERVICE INDEPENDENTLY AS A SEPARATE "
            "IDENTIFIABLE SERVICE.");
}

TEST(ProcessingNotesReaderTest, DuplicateNumberNamesFileAndLine) {
  const std::string data = "   TITLE\r\n   0001--ONE.   *\r\n   0001--AGAIN.  *\r\n";
  EXPECT_EQ(ReadProcessingNotes("notes.txt", data).status().message(),
            "notes.txt:3: processing note 0001 already started on line 2");
}

TEST(ProcessingNotesReaderTest, FileWithoutNotesFails) {
  EXPECT_EQ(ReadProcessingNotes("notes.txt", "PROCESSING NOTES\r\n\r\n").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace codingahead::importer
