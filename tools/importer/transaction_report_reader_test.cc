// The HCPCS transaction reports of 2017, 2018 and 2019 (three layouts).
#include "tools/importer/transaction_report_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "tools/importer/test_util.h"
#include "tools/importer/text_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::TransactionEntry;
using ::testing::HasSubstr;

std::vector<TransactionEntry> ReadReal(const std::string& relative) {
  auto data = ReadFileToString(testing::SharedDataPath(relative));
  EXPECT_TRUE(data.ok()) << data.status();
  if (!data.ok()) return {};
  auto entries = ReadTransactionReport(relative, *data);
  EXPECT_TRUE(entries.ok()) << entries.status();
  return entries.ok() ? *std::move(entries) : std::vector<TransactionEntry>{};
}

std::map<std::string, int> CountByAction(const std::vector<TransactionEntry>& entries) {
  std::map<std::string, int> counts;
  for (const auto& entry : entries) ++counts[entry.action_code()];
  return counts;
}

const TransactionEntry* Find(const std::vector<TransactionEntry>& entries,
                             const std::string& code) {
  for (const auto& entry : entries) {
    if (entry.code() == code) return &entry;
  }
  return nullptr;
}

TEST(TransactionReportReaderTest, Reads2017Layout) {
  auto entries = ReadReal("hcpcs/2017/HCPCS2017_Trans_Report_ChangesbyAction.prn");
  // One line per code and modifier of the 2017 file.
  EXPECT_EQ(entries.size(), 6498u);
  auto counts = CountByAction(entries);
  EXPECT_EQ(counts["A"], 278);
  EXPECT_EQ(counts["D"], 147);
  EXPECT_EQ(counts["C"], 124);
  EXPECT_EQ(counts["N"], 5902);
  EXPECT_EQ(counts["B"], 1);  // PO: Coverage & Long Desc Change
  EXPECT_EQ(counts["R"], 1);  // S3854
  EXPECT_EQ(counts[""], 0);
  const TransactionEntry* fx = Find(entries, "FX");
  ASSERT_NE(fx, nullptr);
  EXPECT_EQ(fx->change(), "ADD");
  EXPECT_EQ(fx->line_number(), 2);
  const TransactionEntry* misc = Find(entries, "J7325");
  ASSERT_NE(misc, nullptr);
  EXPECT_EQ(misc->change(), "Misc Change (TOS, BETOS)");
  EXPECT_EQ(misc->action_code(), "T");
  EXPECT_TRUE(misc->long_description().empty());
}

TEST(TransactionReportReaderTest, Reads2018LayoutWithBlankLineAfterHeader) {
  auto entries = ReadReal("hcpcs/2018/HCPC18_Trans_Report_Alpha_ChangesbyAction.prn");
  EXPECT_EQ(entries.size(), 6558u);  // one code of the 2018 file is not listed
  auto counts = CountByAction(entries);
  EXPECT_EQ(counts["A"], 152);
  EXPECT_EQ(counts["D"], 40);
  EXPECT_EQ(counts["C"], 50);
  EXPECT_EQ(counts["N"], 6231);  // including one "No change"
  EXPECT_EQ(counts[""], 0);
  const TransactionEntry* g0202 = Find(entries, "G0202");
  ASSERT_NE(g0202, nullptr);
  EXPECT_EQ(g0202->change(), "Discontinued");
  EXPECT_EQ(g0202->action_code(), "D");
}

TEST(TransactionReportReaderTest, Reads2019LayoutWithDescriptions) {
  auto entries = ReadReal("hcpcs/2019/Changes_by_ActionCode.prn");
  EXPECT_EQ(entries.size(), 6800u);
  auto counts = CountByAction(entries);
  EXPECT_EQ(counts["A"], 228);
  EXPECT_EQ(counts["D"], 49);
  EXPECT_EQ(counts["B"], 1);
  EXPECT_EQ(counts[""], 0);
  const TransactionEntry* co = Find(entries, "CO");
  ASSERT_NE(co, nullptr);
  EXPECT_EQ(co->change(), "ADD");
  EXPECT_EQ(co->short_description(), "Outpatient ot service by ota");
  EXPECT_THAT(co->long_description(), HasSubstr("Outpatient occupational therapy services"));
  // The type column runs into the short description: cut at its column.
  const TransactionEntry* a5513 = Find(entries, "A5513");
  ASSERT_NE(a5513, nullptr);
  EXPECT_EQ(a5513->change(), "Coverage and Long Desc");
  EXPECT_EQ(a5513->action_code(), "B");
  EXPECT_EQ(a5513->short_description(), "Multi den insert custom mold");
}

TEST(TransactionReportReaderTest, ActionCodes) {
  EXPECT_EQ(TransactionActionCode("ADD"), "A");
  EXPECT_EQ(TransactionActionCode("Long Description Chang"), "C");
  EXPECT_EQ(TransactionActionCode("Short Description Chan"), "S");
  EXPECT_EQ(TransactionActionCode("Payment Change"), "P");
  EXPECT_EQ(TransactionActionCode("Coverage Change"), "F");
  EXPECT_EQ(TransactionActionCode("Something else"), "");
}

TEST(TransactionReportReaderTest, RefusesFilesThatAreNotReports) {
  auto no_header = ReadTransactionReport("x.prn", "A0021  ADD\r\n");
  EXPECT_FALSE(no_header.ok());
  EXPECT_THAT(no_header.status().message(), HasSubstr("x.prn:1:"));
  auto no_type = ReadTransactionReport("x.prn", "HCPCS/Modifier Code Type of Change\r\nA0021\r\n");
  EXPECT_FALSE(no_type.ok());
  EXPECT_THAT(no_type.status().message(), HasSubstr("x.prn:2:"));
  auto bad_code =
      ReadTransactionReport("x.prn", "HCPCS/Modifier Code Type of Change\r\nA00.21  ADD\r\n");
  EXPECT_FALSE(bad_code.ok());
}

}  // namespace
}  // namespace codingahead::importer
