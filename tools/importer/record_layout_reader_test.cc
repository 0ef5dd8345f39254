#include "tools/importer/record_layout_reader.h"

#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/importer/test_util.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::CodeTable;
using ::codingahead::importer::testing::HcpcsDir;
using ::testing::HasSubstr;

constexpr char kLayoutName[] = "HCPCS2019_recordlayout.txt";

std::string LayoutText() {
  absl::StatusOr<std::string> data = ReadFileToString(absl::StrCat(HcpcsDir(), "/", kLayoutName));
  EXPECT_TRUE(data.ok()) << data.status();
  return data.value_or("");
}

std::map<std::string, std::map<std::string, std::string>> Tables() {
  absl::StatusOr<RecordLayout> layout = ReadRecordLayout(kLayoutName, LayoutText());
  EXPECT_TRUE(layout.ok()) << layout.status();
  std::map<std::string, std::map<std::string, std::string>> tables;
  if (!layout.ok()) return tables;
  for (const CodeTable& table : BuildCodeTables(*layout)) {
    tables[table.field()] = {table.meanings().begin(), table.meanings().end()};
  }
  return tables;
}

TEST(RecordLayoutReaderTest, ReadsAllThirtyOneFieldsWithPositions) {
  absl::StatusOr<RecordLayout> layout = ReadRecordLayout(kLayoutName, LayoutText());
  ASSERT_TRUE(layout.ok()) << layout.status();
  ASSERT_EQ(layout->fields.size(), 31u);
  const LayoutField& pricing = layout->fields[8];
  EXPECT_EQ(pricing.number, 9);
  EXPECT_EQ(pricing.name, "HCPCS Pricing Indicator Code");
  EXPECT_EQ(pricing.begin, 120);
  EXPECT_EQ(pricing.end, 121);
  EXPECT_EQ(pricing.occurs_max, 4);
  EXPECT_EQ(layout->fields[22].code_table, "BETOS_TB");
  EXPECT_EQ(layout->fields[30].begin, 294);
  EXPECT_EQ(layout->fields[30].end, 320);
}

TEST(RecordLayoutReaderTest, ReaderColumnsAgreeWithLayoutFile) {
  absl::StatusOr<RecordLayout> layout = ReadRecordLayout(kLayoutName, LayoutText());
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_TRUE(CheckLayoutAgrees(*layout, kLayoutName).ok());
}

TEST(RecordLayoutReaderTest, MovedFieldInLayoutFailsTheCheck) {
  const std::string moved =
      absl::StrReplaceAll(LayoutText(), {{"2    120    121", "2    121    122"}});
  absl::StatusOr<RecordLayout> layout = ReadRecordLayout(kLayoutName, moved);
  ASSERT_TRUE(layout.ok()) << layout.status();
  absl::Status status = CheckLayoutAgrees(*layout, kLayoutName);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("pricing_indicators"));
}

TEST(RecordLayoutReaderTest, CodeTablesAreKeyedByCodeRecordFieldNames) {
  std::set<std::string> fields;
  for (const auto& [field, meanings] : Tables()) fields.insert(field);
  EXPECT_EQ(fields,
            (std::set<std::string>{"record_id", "pricing_indicators", "multiple_pricing_indicator",
                                   "lab_certifications", "coverage_code", "mog_payment_group",
                                   "mog_payment_policy_indicator", "betos", "types_of_service",
                                   "action_code"}));
}

TEST(RecordLayoutReaderTest, CoverageCodeMeaningsAreExact) {
  const auto tables = Tables();
  EXPECT_EQ(tables.at("coverage_code"),
            (std::map<std::string, std::string>{{"C", "Carrier judgment"},
                                                {"D", "Special coverage instructions apply"},
                                                {"I", "Not payable by Medicare"},
                                                {"M", "Non-covered by Medicare"},
                                                {"S", "Non-covered by Medicare statute"}}));
}

TEST(RecordLayoutReaderTest, MultiLineMeaningsAreJoined) {
  const auto tables = Tables();
  const auto& action = tables.at("action_code");
  EXPECT_EQ(action.size(), 10u);
  EXPECT_EQ(action.at("D"), "Discontinue procedure or modifier code");
  EXPECT_EQ(action.at("B"),
            "Change in both administrative data field and long description "
            "of procedure or modifier code");
  EXPECT_EQ(action.at("N"), "No maintenance for this code");

  const auto& pricing = tables.at("pricing_indicators");
  EXPECT_EQ(pricing.size(), 25u);  // group headings are not codes
  EXPECT_EQ(pricing.at("46"),
            "Carrier priced (e.g., not otherwise classified, individual "
            "determination, carrier discretion, gap-filled amounts)");
  EXPECT_EQ(pricing.at("00"),
            "Service not separately priced by part B (e.G., services not "
            "covered, bundled, used by part a only, etc.)");
  EXPECT_EQ(pricing.at("99"), "Value not established");

  EXPECT_EQ(tables.at("record_id").at("3"),
            "First line of procedure record also contains detail information "
            "in positions 92-275");
}

TEST(RecordLayoutReaderTest, AppendixTablesAndNestedCodesAreRead) {
  const auto tables = Tables();
  EXPECT_EQ(tables.at("betos").at("I4A"),
            "Imaging/procedure - heart including cardiac catheterization");
  EXPECT_EQ(tables.at("betos").at("M3"), "Emergency room visit");
  EXPECT_EQ(tables.at("types_of_service").at("0"),
            "Whole blood only eff 01/96, whole blood or packed red cells "
            "before 01/96");
  EXPECT_EQ(tables.at("types_of_service").at("Z"),
            "Third opinion on elective surgery (obsoleted 1/97)");
  EXPECT_EQ(tables.at("lab_certifications").size(), 31u);
  EXPECT_EQ(tables.at("lab_certifications").at("115"), "Mycobacteriology");
  EXPECT_EQ(tables.at("mog_payment_group").at("000"), "No MOG applies");
  EXPECT_EQ(tables.at("mog_payment_group").at("269"),
            "Closed treatment fracture/dislocation/except finger/toe/trunk");
  EXPECT_EQ(tables.at("mog_payment_policy_indicator").size(), 7u);
  EXPECT_EQ(tables.at("multiple_pricing_indicator").at("A"),
            "Not applicable as HCPCS priced under one methodology");
}

// Found by fuzzing: a field header right before the appendix used to leave
// the reader dereferencing a null field at the end of the file.
TEST(RecordLayoutReaderTest, FieldWithoutPositionsBeforeTheAppendixIsAnError) {
  absl::StatusOr<RecordLayout> layout = ReadRecordLayout(
      "layout.txt", "  1.   HCPCS Code\r\n\r\n  TABLE OF CODES APPENDIX\r\n BETOS_TB   BETOS\r\n");
  ASSERT_FALSE(layout.ok());
  EXPECT_EQ(layout.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(layout.status().message(),
              HasSubstr("layout.txt:1: field 1 has no LENGTH BEG END line"));
}

}  // namespace
}  // namespace codingahead::importer
