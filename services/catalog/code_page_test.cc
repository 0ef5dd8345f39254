#include "services/catalog/code_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "services/catalog/code_lookup.h"
#include "services/catalog/icd10cm_test_catalog.h"
#include "services/catalog/test_catalog.h"
#include "tools/importer/snapshot_builder.h"

namespace codingahead::catalog {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CodePageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = SharedDataCatalog();
    ASSERT_NE(index_, nullptr);
    auto content = ContentStore::LoadFile(CA_CONTENT_FILE);
    ASSERT_TRUE(content.ok()) << content.status();
    content_ = *std::move(content);
  }

  v1::CodePage Page(const std::string& code, bool visible, int year = 0) {
    v1::GetCodeRequest request;
    request.set_code(code);
    if (year != 0) {
      request.mutable_date_of_service()->set_year(year);
      request.mutable_date_of_service()->set_month(6);
      request.mutable_date_of_service()->set_day(1);
    }
    auto header = LookUpCode(*index_, request);
    EXPECT_TRUE(header.ok()) << header.status();
    return BuildCodePage(*index_, content_, *header, visible);
  }

  static const v1::Section& SectionOf(const v1::CodePage& page, v1::Section::Kind kind) {
    for (const auto& s : page.sections()) {
      if (s.kind() == kind) return s;
    }
    static const v1::Section* none = new v1::Section();
    ADD_FAILURE() << "no section " << v1::Section::Kind_Name(kind);
    return *none;
  }

  static std::string FieldValue(const v1::Section& s, const std::string& name) {
    for (const auto& f : s.fields()) {
      if (f.name() == name) return f.value();
    }
    return "";
  }

  std::shared_ptr<const CatalogIndex> index_;
  ContentStore content_;
};

TEST_F(CodePageTest, GuestsSeePlaceholdersWithoutContent) {
  v1::CodePage page = Page("E0601", /*visible=*/false);
  ASSERT_EQ(page.sections_size(), 6);
  for (const auto& s : page.sections()) {
    EXPECT_FALSE(s.visible()) << s.title();
    EXPECT_EQ(s.placeholder(), "Register to view content");
    EXPECT_EQ(s.fields_size(), 0) << s.title();
    EXPECT_EQ(s.rows_size(), 0) << s.title();
    EXPECT_TRUE(s.text().empty()) << s.title();
  }
  // The header and the common language description are not gated.
  EXPECT_EQ(page.code().code(), "E0601");
  EXPECT_TRUE(page.common_language_description().available());
}

TEST_F(CodePageTest, SectionsComeFromTheRecordFields) {
  v1::CodePage page = Page("E0601", /*visible=*/true, 2019);
  const v1::Section& coverage = SectionOf(page, v1::Section::KIND_COVERAGE);
  EXPECT_TRUE(coverage.visible());
  ASSERT_FALSE(FieldValue(coverage, "Coverage code").empty());
  // Every coded value carries its meaning from the record layout.
  for (const auto& f : coverage.fields()) {
    if (f.name() == "Coverage code") {
      EXPECT_FALSE(f.meaning().empty());
    }
  }
  const v1::Section& payment = SectionOf(page, v1::Section::KIND_PAYMENT);
  EXPECT_FALSE(FieldValue(payment, "Pricing indicator").empty());
  const v1::Section& classification = SectionOf(page, v1::Section::KIND_CLASSIFICATION);
  EXPECT_FALSE(FieldValue(classification, "BETOS").empty());
  EXPECT_FALSE(FieldValue(classification, "Type of service").empty());
}

TEST_F(CodePageTest, HistorySpansEveryLoadedRelease) {
  v1::CodePage page = Page("G0202", /*visible=*/true, 2017);
  const v1::Section& history = SectionOf(page, v1::Section::KIND_HISTORY);
  ASSERT_EQ(history.rows_size(), 3);
  EXPECT_EQ(history.rows(0).cells(0).value(), "hcpcs-2017");
  EXPECT_EQ(history.rows(1).cells(0).value(), "hcpcs-2018");
  EXPECT_EQ(history.rows(1).cells(1).value(), "D");  // discontinued in 2018
  EXPECT_EQ(history.rows(2).cells(1).value(), "N");
  EXPECT_EQ(history.rows(2).cells(4).value(), "2017-12-31");
  const v1::Section& crosswalks = SectionOf(page, v1::Section::KIND_CROSSWALKS);
  ASSERT_EQ(crosswalks.fields_size(), 1);
  EXPECT_EQ(crosswalks.fields(0).value(), "77067");
  EXPECT_EQ(crosswalks.fields(0).meaning(), "No descriptor available");
}

TEST_F(CodePageTest, ProcessingNoteTextIsShown) {
  // Find a code with a processing note in 2019 and check its text is there.
  const auto& releases = index_->Releases(snapshot_v1::CODE_SET_HCPCS);
  const snapshot_v1::Release& r2019 = *releases.back().release;
  std::string code;
  for (const auto& record : r2019.records()) {
    if (!record.processing_note_number().empty()) {
      code = record.code();
      break;
    }
  }
  ASSERT_FALSE(code.empty());
  v1::CodePage page = Page(code, /*visible=*/true, 2019);
  const v1::Section& notes = SectionOf(page, v1::Section::KIND_PROCESSING_NOTES);
  ASSERT_EQ(notes.fields_size(), 1);
  EXPECT_FALSE(notes.text().empty());
}

TEST_F(CodePageTest, CommonLanguageDescriptionCarriesItsOwnNotice) {
  v1::CodePage page = Page("E0601", /*visible=*/true);
  const auto& cld = page.common_language_description();
  EXPECT_TRUE(cld.available());
  EXPECT_THAT(cld.long_description(), HasSubstr("CPAP"));
  EXPECT_EQ(cld.notice().kind(), v1::Notice::KIND_EDITORIAL);
  EXPECT_THAT(cld.notice().text(), HasSubstr("Coding Ahead"));
}

TEST_F(CodePageTest, MissingCommonLanguageSaysNotYetWritten) {
  v1::CodePage page = Page("A4206", /*visible=*/true);
  EXPECT_TRUE(page.common_language_description().available());
  v1::CodePage unwritten = Page("E0602", /*visible=*/true);
  EXPECT_FALSE(unwritten.common_language_description().available());
  EXPECT_THAT(unwritten.common_language_description().unavailable_reason(),
              HasSubstr("Not yet written"));
  EXPECT_TRUE(unwritten.common_language_description().long_description().empty());
}

TEST_F(CodePageTest, EmptySectionsSaySoRatherThanLookingBroken) {
  v1::CodePage page = Page("99213", /*visible=*/true);
  const v1::Section& coverage = SectionOf(page, v1::Section::KIND_COVERAGE);
  EXPECT_EQ(coverage.fields_size(), 0);
  EXPECT_THAT(coverage.text(), HasSubstr("No medicare coverage information"));
}

TEST_F(CodePageTest, Icd10cmPagesFindTheirRecordsThroughTheDottedCode) {
  std::shared_ptr<const CatalogIndex> index = SharedDataCatalogWithIcd10cm();
  ASSERT_NE(index, nullptr);
  v1::GetCodeRequest request;
  request.set_code("a00");
  auto header = LookUpCode(*index, request);
  ASSERT_TRUE(header.ok()) << header.status();
  v1::CodePage page = BuildCodePage(*index, content_, *header, /*visible=*/true);
  const v1::Section& history = SectionOf(page, v1::Section::KIND_HISTORY);
  ASSERT_EQ(history.rows_size(), 1);
  EXPECT_EQ(history.rows(0).cells(0).value(), "icd10cm-2026");
}

// --- PFS relative values in the payment section (docs/edits.md) -------------

// The shared data plus the 2026 Q1 NCCI/MUE/PFS fixtures.
class PaymentSectionTest : public CodePageTest {
 protected:
  void SetUp() override {
    CodePageTest::SetUp();
    index_ = SharedDataCatalogWithEditTables();
    ASSERT_NE(index_, nullptr);
  }

  // GetCodePage's page: `date_of_service` goes to the header and the PFS
  // file choice alike.
  v1::CodePage DatedPage(const std::string& code, bool visible, absl::CivilDay day) {
    v1::GetCodeRequest request;
    request.set_code(code);
    request.mutable_date_of_service()->set_year(static_cast<int32_t>(day.year()));
    request.mutable_date_of_service()->set_month(day.month());
    request.mutable_date_of_service()->set_day(day.day());
    auto header = LookUpCode(*index_, request);
    EXPECT_TRUE(header.ok()) << header.status();
    return BuildCodePage(*index_, content_, *header, visible, false, day);
  }

  static std::string Cell(const v1::SectionRow& row, const std::string& name) {
    for (const auto& cell : row.cells()) {
      if (cell.name() == name) return cell.value();
    }
    return "";
  }
};

TEST_F(PaymentSectionTest, RegisteredPageShowsTheCodesRvusAndNationalAmounts) {
  v1::CodePage page = Page("99213", /*visible=*/true);
  const v1::Section& payment = SectionOf(page, v1::Section::KIND_PAYMENT);
  EXPECT_TRUE(payment.visible());
  ASSERT_TRUE(payment.has_physician_fee_schedule());
  const v1::PhysicianFeeSchedule& pfs = payment.physician_fee_schedule();
  // No date of service: the newest loaded PFS file, named.
  EXPECT_EQ(pfs.table_id(), "pfs-rvu-2026q1");
  ASSERT_EQ(pfs.rows_size(), 1);
  const v1::RelativeValues& row = pfs.rows(0);
  EXPECT_EQ(row.modifier(), "");
  EXPECT_EQ(row.status_code(), "A");
  EXPECT_DOUBLE_EQ(row.work_rvu(), 1.30);
  EXPECT_DOUBLE_EQ(row.non_facility_pe_rvu(), 1.26);
  EXPECT_DOUBLE_EQ(row.facility_pe_rvu(), 0.55);
  EXPECT_DOUBLE_EQ(row.malpractice_rvu(), 0.10);
  EXPECT_DOUBLE_EQ(row.non_facility_total_rvu(), 2.66);
  EXPECT_DOUBLE_EQ(row.facility_total_rvu(), 1.95);
  EXPECT_EQ(row.global_days(), "XXX");
  EXPECT_EQ(row.conversion_factor(), "33.4009");
  EXPECT_EQ(row.non_facility_amount().amount_minor(), 8885);  // 2.66 x 33.4009 = 88.846394
  EXPECT_EQ(row.facility_amount().amount_minor(), 6513);      // 1.95 x 33.4009 = 65.131755
  EXPECT_EQ(row.non_facility_amount().currency(), "USD");
  EXPECT_EQ(FieldValue(payment, "PFS relative value file"), "pfs-rvu-2026q1");
  EXPECT_EQ(FieldValue(payment, "Conversion factor"), "33.4009");
  ASSERT_EQ(payment.rows_size(), 1);
  EXPECT_EQ(Cell(payment.rows(0), "Work RVU"), "1.30");
  EXPECT_EQ(Cell(payment.rows(0), "Non-facility payment"), "$88.85");
  EXPECT_EQ(Cell(payment.rows(0), "Facility payment"), "$65.13");
  // The payment section no longer says it is empty.
  EXPECT_TRUE(payment.text().empty());
}

TEST_F(PaymentSectionTest, GuestPageGatesTheRvusLikeEveryOtherSection) {
  v1::CodePage page = Page("99213", /*visible=*/false);
  const v1::Section& payment = SectionOf(page, v1::Section::KIND_PAYMENT);
  EXPECT_FALSE(payment.visible());
  EXPECT_EQ(payment.placeholder(), "Register to view content");
  EXPECT_FALSE(payment.has_physician_fee_schedule());
  EXPECT_EQ(payment.fields_size(), 0);
  EXPECT_EQ(payment.rows_size(), 0);
  EXPECT_THAT(page.DebugString(), Not(HasSubstr("33.4009")));
  EXPECT_THAT(page.DebugString(), Not(HasSubstr("8885")));
}

TEST_F(PaymentSectionTest, TheFreeHeaderCarriesNoRvus) {
  v1::GetCodeRequest request;
  request.set_code("99213");
  auto header = LookUpCode(*index_, request);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_THAT(header->DebugString(), Not(HasSubstr("33.4009")));
  EXPECT_THAT(header->DebugString(), Not(HasSubstr("pfs-rvu")));
}

TEST_F(PaymentSectionTest, HcpcsPaymentFieldsAndThePfsRowTogether) {
  // G0008: status X and not used for Medicare payment: RVUs shown, no amount.
  v1::CodePage page = Page("G0008", /*visible=*/true);
  const v1::Section& payment = SectionOf(page, v1::Section::KIND_PAYMENT);
  EXPECT_FALSE(FieldValue(payment, "Pricing indicator").empty());
  ASSERT_EQ(payment.physician_fee_schedule().rows_size(), 1);
  const v1::RelativeValues& row = payment.physician_fee_schedule().rows(0);
  EXPECT_EQ(row.status_code(), "X");
  EXPECT_TRUE(row.not_used_for_medicare_payment());
  EXPECT_FALSE(row.non_facility_amount().available());
  EXPECT_FALSE(row.facility_amount().available());
  EXPECT_EQ(row.facility_amount().unavailable_reason(), "RVUs not used for Medicare payment");
  EXPECT_EQ(Cell(payment.rows(0), "Facility payment"), "n/a");
}

TEST_F(PaymentSectionTest, ADateOfServiceNoPfsFileCoversSaysSo) {
  v1::CodePage page = DatedPage("G0008", /*visible=*/true, absl::CivilDay(2019, 6, 1));
  const v1::Section& payment = SectionOf(page, v1::Section::KIND_PAYMENT);
  EXPECT_FALSE(payment.has_physician_fee_schedule());
  EXPECT_EQ(payment.rows_size(), 0);
  EXPECT_EQ(FieldValue(payment, "PFS relative value file"), "none for 2019-06-01");
  EXPECT_FALSE(FieldValue(payment, "Pricing indicator").empty());
}

TEST_F(PaymentSectionTest, ACodeThePfsFileDoesNotListIsNamedAsSuch) {
  v1::CodePage page = Page("E0601", /*visible=*/true);
  const v1::Section& payment = SectionOf(page, v1::Section::KIND_PAYMENT);
  ASSERT_TRUE(payment.has_physician_fee_schedule());
  EXPECT_EQ(payment.physician_fee_schedule().rows_size(), 0);
  EXPECT_EQ(payment.rows_size(), 0);
  EXPECT_EQ(FieldValue(payment, "PFS relative value file"), "pfs-rvu-2026q1");
  EXPECT_FALSE(FieldValue(payment, "Pricing indicator").empty());
}

TEST_F(CodePageTest, WithoutAPfsFileThePaymentSectionIsAsBefore) {
  v1::CodePage page = Page("99213", /*visible=*/true);
  const v1::Section& payment = SectionOf(page, v1::Section::KIND_PAYMENT);
  EXPECT_FALSE(payment.has_physician_fee_schedule());
  EXPECT_EQ(payment.fields_size(), 0);
  EXPECT_EQ(payment.text(), "No payment information in the loaded releases.");
}

// --- Licensed CPT (DESIGN.md §5) ----------------------------------------------

// HCPCS plus a CPT file in the licensed layout imported as licensed
// (cpt_placeholder=false). The wording is an invented test fixture, not AMA
// text.
std::shared_ptr<const CatalogIndex> LicensedCatalog() {
  static auto* index = [] {
    importer::SnapshotBuilderOptions options;
    options.hcpcs_dir = std::string(CA_SHARED_DATA_DIR) + "/hcpcs";
    std::string sample = CA_CPT_SAMPLE_FILE;
    options.cpt_file = sample.substr(0, sample.rfind('/')) + "/cpt_licensed_fixture.tsv";
    options.cpt_placeholder = false;
    auto built = importer::SnapshotBuilder(options).Build();
    if (!built.ok()) {
      ADD_FAILURE() << built.status();
      return new std::shared_ptr<const CatalogIndex>();
    }
    auto index = CatalogIndex::Build(std::move(built->snapshot), absl::Now());
    if (!index.ok()) {
      ADD_FAILURE() << index.status();
      return new std::shared_ptr<const CatalogIndex>();
    }
    return new std::shared_ptr<const CatalogIndex>(*index);
  }();
  return *index;
}

v1::Code LicensedHeader(const std::string& code) {
  v1::GetCodeRequest request;
  request.set_code(code);
  auto header = LookUpCode(*LicensedCatalog(), request);
  EXPECT_TRUE(header.ok()) << header.status();
  return header.ok() ? *header : v1::Code();
}

TEST(LicensedCptTest, FreeHeaderNeverCarriesLicensedText) {
  ASSERT_NE(LicensedCatalog(), nullptr);
  v1::Code header = LicensedHeader("99213");
  EXPECT_EQ(header.code_set(), v1::CODE_SET_CPT);
  EXPECT_FALSE(header.release().placeholder());
  EXPECT_EQ(header.release().id(), "cpt-2019");
  const v1::CodeDescriptor& d = header.official_descriptor();
  EXPECT_FALSE(d.available());
  EXPECT_EQ(d.long_description(), "");
  EXPECT_EQ(d.notice().kind(), v1::Notice::KIND_LICENSED);
  EXPECT_THAT(d.unavailable_reason(), HasSubstr("accepting the CPT licence terms"));
}

TEST(LicensedCptTest, PageShowsLicensedTextOnlyUnderAcceptedTerms) {
  ASSERT_NE(LicensedCatalog(), nullptr);
  ContentStore content;
  v1::Code header = LicensedHeader("99213");
  for (bool visible : {false, true}) {
    v1::CodePage withheld = BuildCodePage(*LicensedCatalog(), content, header, visible, false);
    EXPECT_FALSE(withheld.code().official_descriptor().available());
    EXPECT_THAT(withheld.DebugString(), Not(HasSubstr("FIXTURE-LICENSED-TEXT")));
  }
  v1::CodePage shown = BuildCodePage(*LicensedCatalog(), content, header, true, true);
  const v1::CodeDescriptor& d = shown.code().official_descriptor();
  EXPECT_TRUE(d.available());
  EXPECT_EQ(d.long_description(),
            "FIXTURE-LICENSED-TEXT 99213: invented wording for the licensed-serving tests");
  EXPECT_EQ(d.unavailable_reason(), "");
  EXPECT_EQ(d.notice().kind(), v1::Notice::KIND_LICENSED);
  EXPECT_THAT(d.notice().text(), HasSubstr("licence terms you accepted"));
  EXPECT_EQ(d.release_id(), "cpt-2019");
}

TEST(LicensedCptTest, CrosswalkTargetsAreRevealedOnlyUnderAcceptedTerms) {
  ASSERT_NE(LicensedCatalog(), nullptr);
  ContentStore content;
  // G0202 (HCPCS) is replaced by 77067, a CPT code of the licensed fixture.
  v1::Code header = LicensedHeader("G0202");
  ASSERT_GT(header.status().crosswalks_size(), 0);
  const v1::Crosswalk& free = header.status().crosswalks(0);
  EXPECT_EQ(free.code(), "77067");
  EXPECT_FALSE(free.target_descriptor().available());
  v1::CodePage withheld = BuildCodePage(*LicensedCatalog(), content, header, true, false);
  EXPECT_THAT(withheld.DebugString(), Not(HasSubstr("FIXTURE-LICENSED-TEXT")));
  v1::CodePage shown = BuildCodePage(*LicensedCatalog(), content, header, true, true);
  EXPECT_TRUE(shown.code().status().crosswalks(0).target_descriptor().available());
  EXPECT_THAT(shown.code().status().crosswalks(0).target_descriptor().long_description(),
              HasSubstr("FIXTURE-LICENSED-TEXT 77067"));
  // The HCPCS descriptor itself stays public domain.
  EXPECT_EQ(shown.code().official_descriptor().notice().kind(), v1::Notice::KIND_PUBLIC_DOMAIN);
}

TEST(LicensedCptTest, PlaceholderSampleIsUnaffectedByTerms) {
  auto index = SharedDataCatalog();
  ASSERT_NE(index, nullptr);
  v1::GetCodeRequest request;
  request.set_code("99213");
  auto header = LookUpCode(*index, request);
  ASSERT_TRUE(header.ok());
  ContentStore content;
  v1::CodePage page = BuildCodePage(*index, content, *header, true, true);
  EXPECT_EQ(page.code().official_descriptor().notice().kind(), v1::Notice::KIND_PLACEHOLDER);
  EXPECT_THAT(page.code().official_descriptor().long_description(),
              HasSubstr("PLACEHOLDER — not CPT text"));
}

}  // namespace
}  // namespace codingahead::catalog
