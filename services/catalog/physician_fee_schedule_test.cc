// The PFS relative values of the code page's payment section, from the
// 2026 Q1 fixture file tools/importer/testdata/pfs_rvu_2026q1.csv (imported
// with the real importer code).
#include "services/catalog/physician_fee_schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "tools/importer/snapshot_builder.h"

namespace codingahead::catalog {
namespace {

namespace snapshot_v1 = ::codingahead::catalog::snapshot::v1;
using ::testing::HasSubstr;

struct Loaded {
  snapshot_v1::Snapshot snapshot;
  std::unique_ptr<const EditTables> tables;
};

std::unique_ptr<Loaded> Index(snapshot_v1::Snapshot snapshot) {
  auto loaded = std::make_unique<Loaded>();
  loaded->snapshot = std::move(snapshot);
  auto tables = EditTables::Build(loaded->snapshot);
  EXPECT_TRUE(tables.ok()) << tables.status();
  if (tables.ok()) loaded->tables = *std::move(tables);
  return loaded;
}

snapshot_v1::Snapshot ImportPfsFixture() {
  importer::SnapshotBuilderOptions options;
  options.pfs_rvu_file = absl::StrCat(CA_EDITS_TESTDATA_DIR, "/pfs_rvu_2026q1.csv");
  options.edits_quarter = "2026Q1";
  auto built = importer::SnapshotBuilder(options).Build();
  EXPECT_TRUE(built.ok()) << built.status();
  return built.ok() ? built->snapshot : snapshot_v1::Snapshot();
}

// pfs-rvu-2026q1 alone.
const Loaded& Q1() {
  static const Loaded* loaded = Index(ImportPfsFixture()).release();
  return *loaded;
}

// pfs-rvu-2026q1 and a copy of it as 2026 Q2 with another conversion factor.
const Loaded& Q1AndQ2() {
  static const Loaded* loaded = [] {
    snapshot_v1::Snapshot snapshot = ImportPfsFixture();
    snapshot_v1::EditTable q2 = snapshot.edit_tables(0);
    q2.set_id("pfs-rvu-2026q2");
    q2.set_label("PFS relative value file 2026 Q2");
    q2.mutable_effective_date()->set_month(4);
    q2.mutable_end_date()->set_month(6);
    q2.mutable_end_date()->set_day(30);
    for (auto& row : *q2.mutable_rvu_records()) row.set_conversion_factor("34.0000");
    // Loaded before Q1: the newest is the latest quarter, not the last table.
    snapshot_v1::EditTable q1 = snapshot.edit_tables(0);
    snapshot.clear_edit_tables();
    *snapshot.add_edit_tables() = q2;
    *snapshot.add_edit_tables() = q1;
    return Index(std::move(snapshot)).release();
  }();
  return *loaded;
}

const snapshot_v1::RvuRecord& Row(const std::string& code, const std::string& modifier = "") {
  const snapshot_v1::RvuRecord* row = Q1().tables->Rvu(absl::CivilDay(2026, 1, 15), code, modifier);
  EXPECT_NE(row, nullptr) << code << "-" << modifier;
  static const snapshot_v1::RvuRecord* none = new snapshot_v1::RvuRecord();
  return row == nullptr ? *none : *row;
}

v1::Code Header(const std::string& code, v1::CodeSet code_set,
                v1::CodeKind kind = v1::CODE_KIND_CODE) {
  v1::Code header;
  header.set_code(code);
  header.set_code_set(code_set);
  header.set_kind(kind);
  return header;
}

std::string Cell(const v1::SectionRow& row, const std::string& name) {
  for (const auto& cell : row.cells()) {
    if (cell.name() == name) return cell.value();
  }
  ADD_FAILURE() << "no cell " << name;
  return "";
}

const v1::SectionField* Field(const v1::Section& section, const std::string& name) {
  for (const auto& field : section.fields()) {
    if (field.name() == name) return &field;
  }
  return nullptr;
}

TEST(PaymentCentsTest, TotalRvusTimesThePublishedFactorRoundedHalfUpToTheCent) {
  EXPECT_EQ(PaymentCents(2.66, "33.4009"), 8885);  // 88.846394
  EXPECT_EQ(PaymentCents(1.95, "33.4009"), 6513);  // 65.131755
  EXPECT_EQ(PaymentCents(16.89, "33.4009"), 56414);
  EXPECT_EQ(PaymentCents(0.50, ".01"), 1);  // exactly half a cent: up
  EXPECT_EQ(PaymentCents(0.49, ".01"), 0);
  EXPECT_EQ(PaymentCents(2.00, "34"), 6800);
  EXPECT_EQ(PaymentCents(0.00, "33.4009"), 0);
}

TEST(PaymentCentsTest, AFactorThatIsNotADecimalGivesNoAmount) {
  EXPECT_EQ(PaymentCents(1.0, ""), std::nullopt);
  EXPECT_EQ(PaymentCents(1.0, "."), std::nullopt);
  EXPECT_EQ(PaymentCents(1.0, "33.40.09"), std::nullopt);
  EXPECT_EQ(PaymentCents(1.0, "$33"), std::nullopt);
  EXPECT_EQ(PaymentCents(-1.0, "33.4009"), std::nullopt);
}

TEST(NationalPaymentAmountTest, ActiveCodeIsPaidInBothSettings) {
  v1::PaymentAmount non_facility = NationalPaymentAmount(Row("99213"), /*facility=*/false);
  EXPECT_TRUE(non_facility.available());
  EXPECT_EQ(non_facility.currency(), "USD");
  EXPECT_EQ(non_facility.amount_minor(), 8885);
  v1::PaymentAmount facility = NationalPaymentAmount(Row("99213"), /*facility=*/true);
  EXPECT_EQ(facility.amount_minor(), 6513);
}

TEST(NationalPaymentAmountTest, ASettingMarkedNaHasNoAmount) {
  v1::PaymentAmount non_facility = NationalPaymentAmount(Row("29877"), /*facility=*/false);
  EXPECT_FALSE(non_facility.available());
  EXPECT_EQ(non_facility.amount_minor(), 0);
  EXPECT_EQ(non_facility.unavailable_reason(), "NA: not paid in the non-facility setting");
  v1::PaymentAmount facility = NationalPaymentAmount(Row("29877"), /*facility=*/true);
  EXPECT_TRUE(facility.available());
  EXPECT_EQ(facility.amount_minor(), 56414);  // 16.89 x 33.4009
}

TEST(NationalPaymentAmountTest, AStatusThePfsDoesNotPayHasNoAmount) {
  // G0008: status X, and flagged not used for Medicare payment.
  for (bool facility : {false, true}) {
    v1::PaymentAmount amount = NationalPaymentAmount(Row("G0008"), facility);
    EXPECT_FALSE(amount.available());
    EXPECT_EQ(amount.unavailable_reason(), "RVUs not used for Medicare payment");
  }
  snapshot_v1::RvuRecord bundled = Row("99213");
  bundled.set_status_code("B");
  v1::PaymentAmount amount = NationalPaymentAmount(bundled, /*facility=*/false);
  EXPECT_FALSE(amount.available());
  EXPECT_EQ(amount.unavailable_reason(),
            "Status B (Bundled: always paid as part of other services): no PFS payment amount");
  for (const char* paid : {"R", "T"}) {
    snapshot_v1::RvuRecord row = Row("99213");
    row.set_status_code(paid);
    EXPECT_EQ(NationalPaymentAmount(row, false).amount_minor(), 8885) << paid;
  }
}

TEST(ToApiRelativeValuesTest, EveryPublishedValueIsCarried) {
  v1::RelativeValues knee = ToApiRelativeValues(Row("29881"));
  EXPECT_EQ(knee.modifier(), "");
  EXPECT_EQ(knee.status_code(), "A");
  EXPECT_FALSE(knee.not_used_for_medicare_payment());
  EXPECT_DOUBLE_EQ(knee.work_rvu(), 7.03);
  EXPECT_TRUE(knee.non_facility_na());
  EXPECT_DOUBLE_EQ(knee.facility_pe_rvu(), 6.55);
  EXPECT_FALSE(knee.facility_na());
  EXPECT_DOUBLE_EQ(knee.malpractice_rvu(), 1.39);
  EXPECT_DOUBLE_EQ(knee.non_facility_total_rvu(), 14.97);
  EXPECT_DOUBLE_EQ(knee.facility_total_rvu(), 14.97);
  EXPECT_EQ(knee.pctc_indicator(), "0");
  EXPECT_EQ(knee.global_days(), "090");
  EXPECT_DOUBLE_EQ(knee.preop_fraction(), 0.09);
  EXPECT_DOUBLE_EQ(knee.intraop_fraction(), 0.84);
  EXPECT_DOUBLE_EQ(knee.postop_fraction(), 0.07);
  EXPECT_EQ(knee.multiple_procedure_indicator(), "3");
  EXPECT_EQ(knee.bilateral_surgery_indicator(), "1");
  EXPECT_EQ(knee.assistant_at_surgery_indicator(), "1");
  EXPECT_EQ(knee.co_surgeons_indicator(), "0");
  EXPECT_EQ(knee.team_surgery_indicator(), "0");
  EXPECT_EQ(knee.endoscopic_base_code(), "29870");
  EXPECT_EQ(knee.conversion_factor(), "33.4009");
  EXPECT_FALSE(knee.non_facility_amount().available());
  EXPECT_EQ(knee.facility_amount().amount_minor(), 50001);  // 14.97 x 33.4009 = 500.011473
}

TEST(FillPhysicianFeeScheduleTest, EveryRowOfTheCodeInFileOrderWithAmounts) {
  v1::Section payment;
  FillPhysicianFeeSchedule(*Q1().tables, Header("71045", v1::CODE_SET_CPT), std::nullopt, &payment);
  ASSERT_TRUE(payment.has_physician_fee_schedule());
  const v1::PhysicianFeeSchedule& pfs = payment.physician_fee_schedule();
  EXPECT_EQ(pfs.table_id(), "pfs-rvu-2026q1");
  EXPECT_EQ(pfs.label(), "PFS relative value file 2026 Q1");
  EXPECT_EQ(pfs.effective_date().month(), 1);
  EXPECT_EQ(pfs.end_date().month(), 3);
  EXPECT_EQ(pfs.end_date().day(), 31);
  ASSERT_EQ(pfs.rows_size(), 3);
  EXPECT_EQ(pfs.rows(0).modifier(), "");
  EXPECT_EQ(pfs.rows(1).modifier(), "26");
  EXPECT_EQ(pfs.rows(2).modifier(), "TC");
  EXPECT_EQ(pfs.rows(0).non_facility_amount().amount_minor(), 2973);  // 0.89 x 33.4009
  EXPECT_EQ(pfs.rows(1).non_facility_amount().amount_minor(), 868);   // 0.26 x 33.4009
  EXPECT_EQ(pfs.rows(2).facility_amount().amount_minor(), 2104);      // 0.63 x 33.4009
  // The same values as fields and rows for display.
  const v1::SectionField* file = Field(payment, "PFS relative value file");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->value(), "pfs-rvu-2026q1");
  EXPECT_EQ(file->meaning(),
            "PFS relative value file 2026 Q1, dates of service 2026-01-01 to 2026-03-31");
  const v1::SectionField* factor = Field(payment, "Conversion factor");
  ASSERT_NE(factor, nullptr);
  EXPECT_EQ(factor->value(), "33.4009");
  EXPECT_THAT(factor->meaning(), HasSubstr("every GPCI 1.0"));
  ASSERT_EQ(payment.rows_size(), 3);
  EXPECT_EQ(Cell(payment.rows(1), "Modifier"), "26");
  EXPECT_EQ(Cell(payment.rows(1), "Work RVU"), "0.18");
  EXPECT_EQ(Cell(payment.rows(1), "Non-facility total RVU"), "0.26");
  EXPECT_EQ(Cell(payment.rows(1), "Non-facility payment"), "$8.68");
  EXPECT_EQ(Cell(payment.rows(1), "PC/TC indicator"), "1");
  EXPECT_EQ(Cell(payment.rows(0), "Global days"), "XXX");
  EXPECT_EQ(Cell(payment.rows(2), "Facility payment"), "$21.04");
  for (const auto& row : payment.rows()) EXPECT_EQ(row.cells_size(), payment.rows(0).cells_size());
}

TEST(FillPhysicianFeeScheduleTest, MeaningsAndMissingAmountsAreSpelledOut) {
  v1::Section payment;
  FillPhysicianFeeSchedule(*Q1().tables, Header("29877", v1::CODE_SET_CPT), std::nullopt, &payment);
  ASSERT_EQ(payment.rows_size(), 1);
  const v1::SectionRow& row = payment.rows(0);
  EXPECT_EQ(Cell(row, "Non-facility PE RVU"), "NA");
  EXPECT_EQ(Cell(row, "Non-facility payment"), "n/a");
  EXPECT_EQ(Cell(row, "Facility payment"), "$564.14");
  EXPECT_EQ(Cell(row, "Pre / intra / post-op share"), "0.09 / 0.84 / 0.07");
  for (const auto& cell : row.cells()) {
    if (cell.name() == "Non-facility payment") {
      EXPECT_EQ(cell.meaning(), "NA: not paid in the non-facility setting");
    }
    if (cell.name() == "Facility payment") {
      EXPECT_EQ(cell.meaning(), "16.89 RVU x 33.4009, national (GPCI 1.0)");
    }
    if (cell.name() == "Global days") {
      EXPECT_EQ(cell.meaning(), "Major surgery: the day before and 90 days after");
    }
    if (cell.name() == "Status") {
      EXPECT_THAT(cell.meaning(), HasSubstr("Active"));
    }
  }
}

TEST(FillPhysicianFeeScheduleTest, ACodeTheFileDoesNotListSaysSo) {
  v1::Section payment;
  FillPhysicianFeeSchedule(*Q1().tables, Header("E0601", v1::CODE_SET_HCPCS), std::nullopt,
                           &payment);
  ASSERT_TRUE(payment.has_physician_fee_schedule());
  EXPECT_EQ(payment.physician_fee_schedule().table_id(), "pfs-rvu-2026q1");
  EXPECT_EQ(payment.physician_fee_schedule().rows_size(), 0);
  EXPECT_EQ(payment.rows_size(), 0);
  ASSERT_EQ(payment.fields_size(), 1);
  EXPECT_EQ(payment.fields(0).meaning(),
            "PFS relative value file 2026 Q1, dates of service 2026-01-01 to 2026-03-31: does "
            "not list E0601");
}

TEST(FillPhysicianFeeScheduleTest, ADateOfServiceUsesTheFileCoveringIt) {
  v1::Section february;
  FillPhysicianFeeSchedule(*Q1AndQ2().tables, Header("99213", v1::CODE_SET_CPT),
                           absl::CivilDay(2026, 2, 1), &february);
  EXPECT_EQ(february.physician_fee_schedule().table_id(), "pfs-rvu-2026q1");
  EXPECT_EQ(february.physician_fee_schedule().rows(0).non_facility_amount().amount_minor(), 8885);
  // Without a date: the newest quarter, whatever the load order.
  v1::Section newest;
  FillPhysicianFeeSchedule(*Q1AndQ2().tables, Header("99213", v1::CODE_SET_CPT), std::nullopt,
                           &newest);
  EXPECT_EQ(newest.physician_fee_schedule().table_id(), "pfs-rvu-2026q2");
  EXPECT_EQ(newest.physician_fee_schedule().rows(0).conversion_factor(), "34.0000");
  EXPECT_EQ(newest.physician_fee_schedule().rows(0).non_facility_amount().amount_minor(),
            9044);  // 2.66 x 34
}

TEST(FillPhysicianFeeScheduleTest, ADateNoFileCoversNamesTheLoadedFiles) {
  v1::Section payment;
  FillPhysicianFeeSchedule(*Q1().tables, Header("99213", v1::CODE_SET_CPT),
                           absl::CivilDay(2019, 6, 1), &payment);
  EXPECT_FALSE(payment.has_physician_fee_schedule());
  EXPECT_EQ(payment.rows_size(), 0);
  ASSERT_EQ(payment.fields_size(), 1);
  EXPECT_EQ(payment.fields(0).value(), "none for 2019-06-01");
  EXPECT_EQ(payment.fields(0).meaning(),
            "No loaded PFS relative value file covers the date of service 2019-06-01; loaded: "
            "pfs-rvu-2026q1 (2026-01-01 to 2026-03-31)");
}

TEST(FillPhysicianFeeScheduleTest, NothingForModifiersIcd10cmOrWithoutAPfsFile) {
  for (const v1::Code& header :
       {Header("LT", v1::CODE_SET_HCPCS, v1::CODE_KIND_MODIFIER),
        Header("I10", v1::CODE_SET_ICD10CM), Header("99213", v1::CODE_SET_UNSPECIFIED)}) {
    v1::Section payment;
    FillPhysicianFeeSchedule(*Q1().tables, header, std::nullopt, &payment);
    EXPECT_EQ(payment.ByteSizeLong(), 0u) << header.code();
  }
  snapshot_v1::Snapshot empty;
  auto none = Index(empty);
  for (std::optional<absl::CivilDay> day :
       {std::optional<absl::CivilDay>(), std::optional(absl::CivilDay(2026, 1, 15))}) {
    v1::Section payment;
    FillPhysicianFeeSchedule(*none->tables, Header("99213", v1::CODE_SET_CPT), day, &payment);
    EXPECT_EQ(payment.ByteSizeLong(), 0u);
  }
}

TEST(PfsMeaningsTest, PublishedIndicatorsHaveMeaningsAndUnknownOnesNone) {
  EXPECT_THAT(PfsStatusMeaning("X"), HasSubstr("Statutory exclusion"));
  EXPECT_THAT(PctcMeaning("1"), HasSubstr("professional (26) and technical (TC)"));
  EXPECT_THAT(BilateralSurgeryMeaning("1"), HasSubstr("150%"));
  EXPECT_EQ(AssistantAtSurgeryMeaning("1"), "Statutory restriction: assistant at surgery not paid");
  EXPECT_EQ(CoSurgeonsMeaning("2"), "Co-surgeons permitted");
  EXPECT_EQ(TeamSurgeryMeaning("0"), "Team surgeons not permitted");
  EXPECT_EQ(MultipleProcedureMeaning("3"), "Multiple endoscopy rules");
  EXPECT_EQ(PfsStatusMeaning("Q"), "");
  EXPECT_EQ(GlobalDaysMeaning("999"), "");
}

}  // namespace
}  // namespace codingahead::catalog
