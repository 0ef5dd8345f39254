// ICD-10-CM FY2026 (April 1, 2026 update) imported from the shared data.
#include <chrono>
#include <string>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/importer/snapshot_builder.h"
#include "tools/importer/test_util.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::BILLABLE_NO;
using ::codingahead::catalog::snapshot::v1::BILLABLE_UNSPECIFIED;
using ::codingahead::catalog::snapshot::v1::BILLABLE_YES;
using ::codingahead::catalog::snapshot::v1::CODE_SET_ICD10CM;
using ::codingahead::catalog::snapshot::v1::CodeRecord;
using ::codingahead::catalog::snapshot::v1::IndexSource;
using ::codingahead::catalog::snapshot::v1::IndexTerm;
using ::codingahead::catalog::snapshot::v1::Release;
using ::codingahead::importer::testing::CopyFile;
using ::codingahead::importer::testing::ScopedTempDir;
using ::codingahead::importer::testing::SharedDataPath;
using ::codingahead::importer::testing::WriteFile;
using ::testing::HasSubstr;

std::string Icd10cmDir() { return SharedDataPath("icd10cm/2026"); }
std::string OrderFixture() {
  return std::string(CA_IMPORTER_TESTDATA_DIR) + "/icd10cm_order_sample.txt";
}

absl::StatusOr<BuildResult> Import(std::string dir, std::string order_file = "") {
  SnapshotBuilderOptions options;
  options.icd10cm_dir = std::move(dir);
  options.icd10cm_order_file = std::move(order_file);
  options.clock = [] { return absl::FromUnixSeconds(1700000000); };
  return SnapshotBuilder(options).Build();
}

class Icd10cmSnapshotTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<BuildResult> built = Import(Icd10cmDir());
    ASSERT_TRUE(built.ok()) << built.status();
    ASSERT_EQ(built->snapshot.releases_size(), 1);
    release_ = new Release(built->snapshot.releases(0));
  }
  static void TearDownTestSuite() {
    delete release_;
    release_ = nullptr;
  }
  static const CodeRecord* Record(const std::string& code) {
    for (const auto& r : release_->records()) {
      if (r.code() == code) return &r;
    }
    return nullptr;
  }
  // The term of `source` whose path joined with " > " is `path`.
  static const IndexTerm* Term(IndexSource source, const std::string& path) {
    for (const auto& t : release_->index_terms()) {
      if (t.source() == source && absl::StrJoin(t.path(), " > ") == path) return &t;
    }
    return nullptr;
  }
  static Release* release_;
};
Release* Icd10cmSnapshotTest::release_ = nullptr;

TEST_F(Icd10cmSnapshotTest, ReleaseIsTheApril2026UpdateEffectiveOnItsOwnDate) {
  EXPECT_EQ(release_->id(), "icd10cm-2026");
  EXPECT_EQ(release_->code_set(), CODE_SET_ICD10CM);
  EXPECT_EQ(release_->label(), "ICD-10-CM FY2026 (April 1, 2026 update)");
  EXPECT_EQ(release_->effective_date().year(), 2026);
  EXPECT_EQ(release_->effective_date().month(), 4);
  EXPECT_EQ(release_->effective_date().day(), 1);
  EXPECT_EQ(release_->sources_size(), 6);
}

TEST_F(Icd10cmSnapshotTest, ExactChapterBlockAndCategoryCounts) {
  EXPECT_EQ(release_->chapters_size(), 22);
  // The sections file lists 297 ranges: 285 blocks that hold categories and
  // 12 grouping ranges (C00-C96, C00-C75, M00-M25, ...) that hold blocks.
  EXPECT_EQ(release_->blocks_size(), 297);
  int grouping = 0;
  for (const auto& b : release_->blocks()) grouping += b.grouping() ? 1 : 0;
  EXPECT_EQ(grouping, 12);
  EXPECT_EQ(release_->blocks_size() - grouping, 285);
  EXPECT_EQ(release_->records_size(), 1918);
  EXPECT_EQ(release_->code_count(), 1918);
}

TEST_F(Icd10cmSnapshotTest, ExactDescriptorsQuotesAndLinks) {
  EXPECT_EQ(release_->chapters(0).id(), "1");
  EXPECT_EQ(release_->chapters(0).title(), "Certain infectious and parasitic diseases (A00-B99)");
  EXPECT_EQ(release_->chapters(3).title(),
            "Endocrine, nutritional and metabolic diseases (E00-E89)");
  EXPECT_EQ(release_->blocks(0).range(), "A00-A09");
  EXPECT_EQ(release_->blocks(0).title(), "Intestinal infectious diseases (A00-A09)");
  const CodeRecord* a00 = Record("A00");
  ASSERT_NE(a00, nullptr);
  EXPECT_EQ(a00->long_description(), "Cholera");
  EXPECT_EQ(a00->block(), "A00-A09");
  EXPECT_EQ(a00->chapter(), "1");
  EXPECT_EQ(a00->billable(), BILLABLE_UNSPECIFIED);
  const CodeRecord* t74 = Record("T74");
  ASSERT_NE(t74, nullptr);
  EXPECT_EQ(t74->long_description(),
            "Adult and child abuse, neglect and other maltreatment, confirmed");
  const CodeRecord* qa0 = Record("QA0");  // new shape in FY2026: letter, letter, digit
  ASSERT_NE(qa0, nullptr);
  EXPECT_EQ(qa0->chapter(), "17");
  // C76-C80 holds categories although C7A and C7B sort inside its range.
  const CodeRecord* c77 = Record("C77");
  ASSERT_NE(c77, nullptr);
  EXPECT_EQ(c77->block(), "C76-C80");
}

TEST_F(Icd10cmSnapshotTest, ExternalCauseIndexTermsWithCodesAndDashCode) {
  const IndexTerm* skier = Term(catalog::snapshot::v1::INDEX_SOURCE_EXTERNAL_CAUSES,
                                "Accident (to) > barefoot water skier");
  ASSERT_NE(skier, nullptr);
  ASSERT_EQ(skier->codes_size(), 1);
  EXPECT_EQ(skier->codes(0).code(), "V944");
  EXPECT_EQ(skier->codes(0).written(), "V94.4");
  EXPECT_FALSE(skier->codes(0).needs_more_characters());
  const IndexTerm* rape = Term(catalog::snapshot::v1::INDEX_SOURCE_EXTERNAL_CAUSES,
                               "Assault (homicidal) (by) (in) > rape (confirmed)");
  ASSERT_NE(rape, nullptr);
  ASSERT_EQ(rape->codes_size(), 1);
  EXPECT_EQ(rape->codes(0).code(), "T742");
  EXPECT_TRUE(rape->codes(0).needs_more_characters());
  EXPECT_EQ(rape->line_number(), 12792);  // the <term level="1"> line
}

TEST_F(Icd10cmSnapshotTest, NeoplasmTableLungCarriesColumnsAndDashes) {
  const IndexTerm* lung =
      Term(catalog::snapshot::v1::INDEX_SOURCE_NEOPLASM, "Neoplasm, neoplastic > lung");
  ASSERT_NE(lung, nullptr);
  ASSERT_EQ(lung->codes_size(), 6);
  EXPECT_EQ(lung->codes(0).code(), "C349");
  EXPECT_TRUE(lung->codes(0).needs_more_characters());
  EXPECT_EQ(lung->codes(0).column(), "Malignant Primary");
  EXPECT_EQ(lung->codes(4).code(), "D381");
  EXPECT_FALSE(lung->codes(4).needs_more_characters());
  EXPECT_EQ(lung->codes(4).column(), "Uncertain Behavior");
}

TEST_F(Icd10cmSnapshotTest, DrugTableSkipsDashCellsAndKeepsNemod) {
  const IndexTerm* propanol = Term(catalog::snapshot::v1::INDEX_SOURCE_DRUG, "1-propanol");
  ASSERT_NE(propanol, nullptr);
  ASSERT_EQ(propanol->codes_size(), 4);  // adverse effect and underdosing are "--"
  EXPECT_EQ(propanol->codes(0).code(), "T513X1");
  EXPECT_EQ(propanol->codes(0).column(), "Poisoning Accidental (unintentional)");
  EXPECT_EQ(propanol->codes(3).column(), "Poisoning Undetermined");
  EXPECT_NE(Term(catalog::snapshot::v1::INDEX_SOURCE_DRUG, "2,4-D (dichlorophen-oxyacetic acid)"),
            nullptr);
}

TEST(Icd10cmImportTest, OrderFileMarksBillableCodesAndHeaders) {
  absl::StatusOr<BuildResult> built = Import(Icd10cmDir(), OrderFixture());
  ASSERT_TRUE(built.ok()) << built.status();
  const Release& release = built->snapshot.releases(0);
  EXPECT_EQ(release.records_size(), 1918 + 6);  // 3 categories merged, 6 codes added
  EXPECT_EQ(release.sources_size(), 7);
  auto find = [&](const std::string& code) -> const CodeRecord* {
    for (const auto& r : release.records()) {
      if (r.code() == code) return &r;
    }
    return nullptr;
  };
  ASSERT_NE(find("I10"), nullptr);
  EXPECT_EQ(find("I10")->billable(), BILLABLE_YES);
  EXPECT_EQ(find("A00")->billable(), BILLABLE_NO);
  ASSERT_NE(find("C3411"), nullptr);
  EXPECT_EQ(find("C3411")->billable(), BILLABLE_YES);
  EXPECT_EQ(find("C3411")->block(), "C30-C39");
  EXPECT_EQ(find("T510X1A")->chapter(), "19");
}

TEST(Icd10cmImportTest, OrderFileCodeOutsideTheCategoriesFailsTheImport) {
  ScopedTempDir dir;
  const std::string order = dir.Path("order.txt");
  WriteFile(order, std::string("00001 Z9A     1 ") + std::string(60, 'x') + " long\n");
  absl::StatusOr<BuildResult> built = Import(Icd10cmDir(), order);
  ASSERT_FALSE(built.ok());
  EXPECT_THAT(built.status().message(),
              HasSubstr("order.txt:1: Z9A belongs to category Z9A, which icd10cm-categories"));
}

TEST(Icd10cmImportTest, BrokenCategoriesFileFailsWithFileAndLine) {
  ScopedTempDir dir;
  for (const char* name :
       {"icd10cm-chapters-April-1-2026.csv", "icd10cm-sections-April-1-2026.csv",
        "icd10cm-drug-April-1-2026-XML.xml", "icd10cm-eindex-April-1-2026-XML.xml",
        "icd10cm-neoplasm-April-1-2026-XML.xml"}) {
    CopyFile(Icd10cmDir() + "/" + name, dir.Path(std::string("2026/") + name));
  }
  WriteFile(
      dir.Path("2026/icd10cm-categories-April-1-2026.csv"),
      "ICD10-CM-CODE,description,section,chapter\r\nA00,Cholera,A00-A09,1\r\nA01,,A00-A09,1\r\n");
  absl::StatusOr<BuildResult> built = Import(dir.Path("2026"));
  ASSERT_FALSE(built.ok());
  EXPECT_THAT(built.status().message(),
              HasSubstr("icd10cm-categories-April-1-2026.csv:3: category A01 has no description"));
}

TEST(Icd10cmImportTest, MissingIndexFileIsNamed) {
  ScopedTempDir dir;
  CopyFile(Icd10cmDir() + "/icd10cm-chapters-April-1-2026.csv",
           dir.Path("2026/icd10cm-chapters-April-1-2026.csv"));
  absl::StatusOr<BuildResult> built = Import(dir.Path("2026"));
  ASSERT_FALSE(built.ok());
  EXPECT_THAT(built.status().message(), HasSubstr("no ICD-10-CM *sections*.csv file"));
}

// Reports (does not assert) the time of a whole import of the shared data.
TEST(Icd10cmImportTest, WholeSharedDataImportTimeIsReported) {
  SnapshotBuilderOptions options;
  options.hcpcs_dir = SharedDataPath("hcpcs");
  options.cpt_file = CA_CPT_SAMPLE_FILE;
  options.icd10cm_dir = Icd10cmDir();
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<BuildResult> built = SnapshotBuilder(options).Build();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(built->snapshot.releases_size(), 5);
  RecordProperty("import_ms", static_cast<int>(ms));
  std::cout << "whole shared-data import: " << ms << " ms\n";
}

}  // namespace
}  // namespace codingahead::importer
