// CheckEdits against the fixture NCCI PTP and MUE tables of
// tools/importer/testdata (imported with the real importer code).
#include "services/catalog/edits.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "tools/importer/snapshot_builder.h"

namespace codingahead::catalog {
namespace {

namespace snapshot_v1 = ::codingahead::catalog::snapshot::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::string Fixture(const std::string& name) {
  return absl::StrCat(CA_EDITS_TESTDATA_DIR, "/", name);
}

// The fixture tables of 2026 Q1, imported once.
struct Loaded {
  snapshot_v1::Snapshot snapshot;
  std::unique_ptr<const EditTables> tables;
};

const Loaded& Fixtures() {
  static const Loaded* loaded = [] {
    importer::SnapshotBuilderOptions options;
    options.ncci_ptp_practitioner_file = Fixture("ncci_ptp_practitioner_2026q1.txt");
    options.ncci_ptp_hospital_file = Fixture("ncci_ptp_hospital_2026q1.txt");
    options.mue_practitioner_file = Fixture("mue_practitioner_2026q1.csv");
    options.mue_hospital_file = Fixture("mue_hospital_2026q1.csv");
    options.mue_dme_file = Fixture("mue_dme_2026q1.csv");
    options.pfs_rvu_file = Fixture("pfs_rvu_2026q1.csv");
    options.edits_quarter = "2026Q1";
    auto built = importer::SnapshotBuilder(options).Build();
    EXPECT_TRUE(built.ok()) << built.status();
    auto* result = new Loaded;
    if (!built.ok()) return result;
    result->snapshot = std::move(built->snapshot);
    auto tables = EditTables::Build(result->snapshot);
    EXPECT_TRUE(tables.ok()) << tables.status();
    if (tables.ok()) result->tables = *std::move(tables);
    return result;
  }();
  return *loaded;
}

// "2026-01-15", {"12001:1", "99213:1:25,59"}.
v1::CheckEditsRequest Request(const std::string& dos, v1::ProviderType provider,
                              const std::vector<std::string>& lines) {
  v1::CheckEditsRequest request;
  std::vector<std::string> date = absl::StrSplit(dos, '-');
  int y = 0, m = 0, d = 0;
  EXPECT_TRUE(absl::SimpleAtoi(date[0], &y) && absl::SimpleAtoi(date[1], &m) &&
              absl::SimpleAtoi(date[2], &d));
  request.mutable_date_of_service()->set_year(y);
  request.mutable_date_of_service()->set_month(m);
  request.mutable_date_of_service()->set_day(d);
  request.set_provider_type(provider);
  for (const std::string& text : lines) {
    std::vector<std::string> parts = absl::StrSplit(text, ':');
    v1::ClaimLine& line = *request.add_lines();
    line.set_code(parts[0]);
    int units = 0;
    EXPECT_TRUE(absl::SimpleAtoi(parts[1], &units));
    line.set_units(units);
    if (parts.size() > 2) {
      for (absl::string_view m : absl::StrSplit(parts[2], ',')) line.add_modifiers(std::string(m));
    }
  }
  return request;
}

v1::CheckEditsResponse Check(const std::string& dos, const std::vector<std::string>& lines,
                             v1::ProviderType provider = v1::PROVIDER_TYPE_PRACTITIONER) {
  absl::StatusOr<v1::CheckEditsResponse> response =
      CheckEdits(*Fixtures().tables, Request(dos, provider, lines));
  EXPECT_TRUE(response.ok()) << response.status();
  return response.ok() ? *response : v1::CheckEditsResponse();
}

// --- PTP ---

TEST(CheckEditsPtpTest, ColumnTwoLineIsDeniedWithoutAModifier) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"12001:1", "99213:1"});
  ASSERT_EQ(r.ptp_findings_size(), 1);
  const v1::PtpFinding& f = r.ptp_findings(0);
  EXPECT_EQ(f.column1_line(), 0);
  EXPECT_EQ(f.column2_line(), 1);
  EXPECT_EQ(f.column1_code(), "12001");
  EXPECT_EQ(f.column2_code(), "99213");
  EXPECT_EQ(f.modifier_indicator(), 1);
  EXPECT_TRUE(f.denied());
  EXPECT_EQ(f.bypassing_modifier(), "");
  EXPECT_EQ(f.rationale(), "Misuse of column two code with column one code");
  EXPECT_EQ(f.effective_date().year(), 2013);
  EXPECT_FALSE(f.has_deletion_date());
  EXPECT_THAT(r.release_ids(),
              ElementsAre("ncci-ptp-practitioner-2026q1", "mue-practitioner-2026q1"));
}

TEST(CheckEditsPtpTest, FindingDoesNotDependOnLineOrder) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"99213:1", "12001:1"});
  ASSERT_EQ(r.ptp_findings_size(), 1);
  EXPECT_EQ(r.ptp_findings(0).column1_line(), 1);
  EXPECT_EQ(r.ptp_findings(0).column2_line(), 0);
  EXPECT_EQ(r.ptp_findings(0).column1_code(), "12001");
}

TEST(CheckEditsPtpTest, Modifier25OnTheEmColumnTwoLineBypasses) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"12001:1", "99213:1:25"});
  ASSERT_EQ(r.ptp_findings_size(), 1);
  EXPECT_FALSE(r.ptp_findings(0).denied());
  EXPECT_EQ(r.ptp_findings(0).bypassing_modifier(), "25");
}

TEST(CheckEditsPtpTest, Modifier25OnTheEmColumnOneLineBypasses) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"99291:1:25", "36556:1"});
  ASSERT_EQ(r.ptp_findings_size(), 1);
  EXPECT_FALSE(r.ptp_findings(0).denied());
  EXPECT_EQ(r.ptp_findings(0).bypassing_modifier(), "25");
}

TEST(CheckEditsPtpTest, Modifier25OnANonEmLineDoesNotBypass) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"29881:1", "29877:1:25"});
  ASSERT_EQ(r.ptp_findings_size(), 1);
  EXPECT_TRUE(r.ptp_findings(0).denied());
}

TEST(CheckEditsPtpTest, Modifier59AndXModifiersNeverBypassWhenThePairHasAnEmCode) {
  for (const char* m : {"59", "XE", "XS", "XP", "XU"}) {
    v1::CheckEditsResponse r = Check("2026-01-15", {"12001:1", absl::StrCat("99213:1:", m)});
    ASSERT_EQ(r.ptp_findings_size(), 1) << m;
    EXPECT_TRUE(r.ptp_findings(0).denied()) << m;
    r = Check("2026-01-15", {"99291:1", absl::StrCat("36556:1:", m)});
    ASSERT_EQ(r.ptp_findings_size(), 1) << m;
    EXPECT_TRUE(r.ptp_findings(0).denied()) << m;
  }
}

TEST(CheckEditsPtpTest, Modifier59OnTheColumnTwoLineBypassesANonEmPair) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"29881:1", "29877:1:59"});
  ASSERT_EQ(r.ptp_findings_size(), 1);
  EXPECT_FALSE(r.ptp_findings(0).denied());
  EXPECT_EQ(r.ptp_findings(0).bypassing_modifier(), "59");
  r = Check("2026-01-15", {"29881:1", "29877:1:xs"});
  EXPECT_EQ(r.ptp_findings(0).bypassing_modifier(), "XS");
}

TEST(CheckEditsPtpTest, Modifier59OnTheColumnOneLineDoesNotBypass) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"29881:1:59", "29877:1"});
  ASSERT_EQ(r.ptp_findings_size(), 1);
  EXPECT_TRUE(r.ptp_findings(0).denied());
}

TEST(CheckEditsPtpTest, DifferentAnatomicModifiersOnTheTwoLinesBypass) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"29881:1:LT", "29877:1:RT"});
  ASSERT_EQ(r.ptp_findings_size(), 1);
  EXPECT_FALSE(r.ptp_findings(0).denied());
  EXPECT_EQ(r.ptp_findings(0).bypassing_modifier(), "RT");
  r = Check("2026-01-15", {"29881:1:F1", "29877:1:F2"});
  EXPECT_FALSE(r.ptp_findings(0).denied());
}

TEST(CheckEditsPtpTest, TheSameAnatomicModifierOnBothLinesDoesNotBypass) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"29881:1:LT", "29877:1:LT"});
  ASSERT_EQ(r.ptp_findings_size(), 1);
  EXPECT_TRUE(r.ptp_findings(0).denied());
  EXPECT_EQ(r.ptp_findings(0).bypassing_modifier(), "");
}

TEST(CheckEditsPtpTest, AnAnatomicModifierOnOneLineOnlyDoesNotBypass) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"29881:1", "29877:1:LT"});
  ASSERT_EQ(r.ptp_findings_size(), 1);
  EXPECT_TRUE(r.ptp_findings(0).denied());
}

TEST(CheckEditsPtpTest, IndicatorZeroIsNeverBypassed) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"11042:1:LT", "97597:1:59,RT,XS,25"});
  ASSERT_EQ(r.ptp_findings_size(), 1);
  EXPECT_EQ(r.ptp_findings(0).modifier_indicator(), 0);
  EXPECT_TRUE(r.ptp_findings(0).denied());
  EXPECT_EQ(r.ptp_findings(0).bypassing_modifier(), "");
}

TEST(CheckEditsPtpTest, ADeletedEditDoesNotApplyOnItsDeletionDate) {
  v1::CheckEditsResponse before = Check("2026-01-31", {"64450:1", "20550:1"});
  ASSERT_EQ(before.ptp_findings_size(), 1);
  EXPECT_EQ(before.ptp_findings(0).deletion_date().month(), 2);
  EXPECT_EQ(before.ptp_findings(0).deletion_date().day(), 1);
  EXPECT_THAT(Check("2026-02-01", {"64450:1", "20550:1"}).ptp_findings(), IsEmpty());
  EXPECT_THAT(Check("2026-03-31", {"64450:1", "20550:1"}).ptp_findings(), IsEmpty());
}

TEST(CheckEditsPtpTest, AnEditAppliesFromItsEffectiveDate) {
  EXPECT_THAT(Check("2026-02-28", {"96372:1", "99211:1"}).ptp_findings(), IsEmpty());
  EXPECT_EQ(Check("2026-03-01", {"96372:1", "99211:1"}).ptp_findings_size(), 1);
}

TEST(CheckEditsPtpTest, IndicatorNineIsNeverReported) {
  // The fixture's indicator-9 row (97110/97140) was deleted on its effective
  // date, as CMS does; an indicator-9 row in force is not reported either.
  EXPECT_THAT(Check("2026-01-15", {"97110:1", "97140:1"}).ptp_findings(), IsEmpty());
  snapshot_v1::Snapshot snapshot;
  for (auto kind : {snapshot_v1::EDIT_TABLE_KIND_NCCI_PTP_PRACTITIONER,
                    snapshot_v1::EDIT_TABLE_KIND_MUE_PRACTITIONER}) {
    snapshot_v1::EditTable& table = *snapshot.add_edit_tables();
    table.set_id(snapshot_v1::EditTableKind_Name(kind));
    table.set_kind(kind);
    table.mutable_effective_date()->set_year(2026);
    table.mutable_effective_date()->set_month(1);
    table.mutable_effective_date()->set_day(1);
    table.mutable_end_date()->set_year(2026);
    table.mutable_end_date()->set_month(3);
    table.mutable_end_date()->set_day(31);
    if (kind == snapshot_v1::EDIT_TABLE_KIND_NCCI_PTP_PRACTITIONER) {
      for (int indicator : {9, 0}) {
        snapshot_v1::PtpEdit& edit = *table.add_ptp_edits();
        edit.set_column1_code(indicator == 9 ? "97110" : "93000");
        edit.set_column2_code(indicator == 9 ? "97140" : "93005");
        edit.set_modifier_indicator(indicator);
        edit.mutable_effective_date()->set_year(2020);
        edit.mutable_effective_date()->set_month(1);
        edit.mutable_effective_date()->set_day(1);
      }
    }
  }
  auto tables = EditTables::Build(snapshot);
  ASSERT_TRUE(tables.ok()) << tables.status();
  auto r = CheckEdits(**tables, Request("2026-01-15", v1::PROVIDER_TYPE_PRACTITIONER,
                                        {"97110:1", "97140:1", "93000:1", "93005:1"}));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->ptp_findings_size(), 1);
  EXPECT_EQ(r->ptp_findings(0).column1_code(), "93000");
}

TEST(CheckEditsPtpTest, CodesAndModifiersAreReadCaseInsensitively) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"29881:1:lt", "29877:1:rt"});
  ASSERT_EQ(r.ptp_findings_size(), 1);
  EXPECT_EQ(r.ptp_findings(0).bypassing_modifier(), "RT");
}

// --- MUE ---

TEST(CheckEditsMueTest, DateOfServiceEditSumsUnitsAcrossLinesAndDeniesEveryLine) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"96372:2", "99213:1:25", "96372:3"});
  ASSERT_EQ(r.mue_findings_size(), 1);
  const v1::MueFinding& f = r.mue_findings(0);
  EXPECT_EQ(f.code(), "96372");
  EXPECT_THAT(f.lines(), ElementsAre(0, 2));
  EXPECT_EQ(f.units_billed(), 5);
  EXPECT_EQ(f.units_allowed(), 4);
  EXPECT_EQ(f.adjudication_indicator(), 3);
  EXPECT_EQ(f.adjudication_text(), "3 Date of Service Edit: Clinical");
  EXPECT_EQ(f.rationale(), "Clinical: Data");
}

TEST(CheckEditsMueTest, DateOfServiceEditWithinTheLimitIsNotReported) {
  EXPECT_THAT(Check("2026-01-15", {"96372:2", "96372:2"}).mue_findings(), IsEmpty());
}

TEST(CheckEditsMueTest, PolicyEditDeniesOverTheLimit) {
  v1::CheckEditsResponse r = Check("2026-01-15", {"99213:2"});
  ASSERT_EQ(r.mue_findings_size(), 1);
  EXPECT_EQ(r.mue_findings(0).adjudication_indicator(), 2);
  EXPECT_EQ(r.mue_findings(0).adjudication_text(), "2 Date of Service Edit: Policy");
  EXPECT_THAT(r.mue_findings(0).lines(), ElementsAre(0));
}

TEST(CheckEditsMueTest, LineEditJudgesEachLineOnItsOwn) {
  // 20610: MUE 2, MAI 1. 2 + 3 units: only the line over 2 is denied.
  v1::CheckEditsResponse r = Check("2026-01-15", {"20610:2:RT", "20610:3:LT"});
  ASSERT_EQ(r.mue_findings_size(), 1);
  EXPECT_THAT(r.mue_findings(0).lines(), ElementsAre(1));
  EXPECT_EQ(r.mue_findings(0).units_billed(), 3);
  EXPECT_EQ(r.mue_findings(0).units_allowed(), 2);
  EXPECT_EQ(r.mue_findings(0).adjudication_indicator(), 1);
  EXPECT_THAT(Check("2026-01-15", {"20610:2", "20610:2"}).mue_findings(), IsEmpty());
}

TEST(CheckEditsMueTest, CodesWithoutAnMueAreNotReported) {
  EXPECT_THAT(Check("2026-01-15", {"64450:40"}).mue_findings(), IsEmpty());
}

// --- provider types ---

TEST(CheckEditsProviderTest, OutpatientHospitalUsesTheHospitalTables) {
  v1::CheckEditsResponse r =
      Check("2026-01-15", {"96374:1", "96372:5", "36415:2"}, v1::PROVIDER_TYPE_OUTPATIENT_HOSPITAL);
  ASSERT_EQ(r.ptp_findings_size(), 1);
  EXPECT_EQ(r.ptp_findings(0).column1_code(), "96374");
  EXPECT_THAT(r.release_ids(),
              ElementsAre("ncci-ptp-hospital-2026q1", "mue-outpatient-hospital-2026q1"));
  ASSERT_EQ(r.mue_findings_size(), 2);  // 96372 over 4; 36415 over 1 (OPH value)
  EXPECT_EQ(r.mue_findings(1).code(), "36415");
  EXPECT_EQ(r.mue_findings(1).units_allowed(), 1);
  // The practitioner table has no 96374/96372 edit and allows 2 of 36415.
  v1::CheckEditsResponse practitioner = Check("2026-01-15", {"96374:1", "96372:5", "36415:2"});
  EXPECT_THAT(practitioner.ptp_findings(), IsEmpty());
  EXPECT_EQ(practitioner.mue_findings_size(), 1);
}

TEST(CheckEditsProviderTest, DmeSupplierUsesTheDmeMueAndNoPtpTable) {
  v1::CheckEditsResponse r =
      Check("2026-01-15", {"E0601:2", "K0001:1", "K0001:2"}, v1::PROVIDER_TYPE_DME_SUPPLIER);
  EXPECT_THAT(r.ptp_findings(), IsEmpty());
  EXPECT_THAT(r.release_ids(), ElementsAre("mue-dme-2026q1"));
  ASSERT_EQ(r.mue_findings_size(), 2);
  EXPECT_EQ(r.mue_findings(0).code(), "E0601");
  EXPECT_EQ(r.mue_findings(1).code(), "K0001");
  EXPECT_THAT(r.mue_findings(1).lines(), ElementsAre(2));  // MAI 1: the 2-unit line only
}

// --- refusals ---

TEST(CheckEditsRefusalTest, ADateNoLoadedTableCoversIsFailedPrecondition) {
  absl::StatusOr<v1::CheckEditsResponse> r = CheckEdits(
      *Fixtures().tables, Request("2026-04-01", v1::PROVIDER_TYPE_PRACTITIONER, {"12001:1"}));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("2026-04-01"));
  EXPECT_THAT(r.status().message(),
              HasSubstr("ncci-ptp-practitioner-2026q1 (2026-01-01 to 2026-03-31)"));
  auto failure = common::GetDetail<google::rpc::PreconditionFailure>(r.status());
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->violations(0).type(), "EDIT_TABLE_NOT_LOADED");
}

TEST(CheckEditsRefusalTest, AProviderTypeWithoutItsTablesIsFailedPrecondition) {
  snapshot_v1::Snapshot snapshot;
  for (const auto& table : Fixtures().snapshot.edit_tables()) {
    if (table.kind() == snapshot_v1::EDIT_TABLE_KIND_NCCI_PTP_PRACTITIONER ||
        table.kind() == snapshot_v1::EDIT_TABLE_KIND_MUE_PRACTITIONER) {
      *snapshot.add_edit_tables() = table;
    }
  }
  auto tables = EditTables::Build(snapshot);
  ASSERT_TRUE(tables.ok());
  auto r = CheckEdits(**tables,
                      Request("2026-01-15", v1::PROVIDER_TYPE_OUTPATIENT_HOSPITAL, {"12001:1"}));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("EDIT_TABLE_KIND_NCCI_PTP_HOSPITAL and "
                                              "EDIT_TABLE_KIND_MUE_OUTPATIENT_HOSPITAL"));
  EXPECT_TRUE(
      CheckEdits(**tables, Request("2026-01-15", v1::PROVIDER_TYPE_PRACTITIONER, {"12001:1"}))
          .ok());
}

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  std::vector<std::string> fields;
  auto bad = common::GetDetail<google::rpc::BadRequest>(status);
  EXPECT_TRUE(bad.has_value()) << status;
  if (!bad.has_value()) return fields;
  for (const auto& v : bad->field_violations()) fields.push_back(v.field());
  return fields;
}

TEST(CheckEditsRefusalTest, MalformedLinesAreFieldViolations) {
  v1::CheckEditsRequest request =
      Request("2026-01-15", v1::PROVIDER_TYPE_PRACTITIONER,
              {"12001:1", ":1", "123456:1", "12-01:1", "1200:1", "12001:0", "12001:100000",
               "12001:1:25,59,LT,RT,XS", "12001:1:L", "12001:1:2$"});
  auto r = CheckEdits(*Fixtures().tables, request);
  EXPECT_THAT(
      ViolatedFields(r.status()),
      UnorderedElementsAre("lines[1].code", "lines[2].code", "lines[3].code", "lines[4].code",
                           "lines[5].units", "lines[6].units", "lines[7].modifiers",
                           "lines[8].modifiers[0]", "lines[9].modifiers[0]"));
}

TEST(CheckEditsRefusalTest, NoLinesTooManyLinesNoDateNoProviderAreFieldViolations) {
  v1::CheckEditsRequest empty;
  EXPECT_THAT(ViolatedFields(CheckEdits(*Fixtures().tables, empty).status()),
              UnorderedElementsAre("lines", "date_of_service", "provider_type"));
  std::vector<std::string> many(kMaxClaimLines + 1, "12001:1");
  EXPECT_THAT(ViolatedFields(CheckEdits(*Fixtures().tables,
                                        Request("2026-01-15", v1::PROVIDER_TYPE_PRACTITIONER, many))
                                 .status()),
              ElementsAre("lines"));
  std::vector<std::string> hundred(kMaxClaimLines, "12001:1");
  EXPECT_TRUE(
      CheckEdits(*Fixtures().tables, Request("2026-01-15", v1::PROVIDER_TYPE_PRACTITIONER, hundred))
          .ok());
  v1::CheckEditsRequest bad_date =
      Request("2026-01-15", v1::PROVIDER_TYPE_PRACTITIONER, {"12001:1"});
  bad_date.mutable_date_of_service()->set_month(13);
  EXPECT_THAT(ViolatedFields(CheckEdits(*Fixtures().tables, bad_date).status()),
              ElementsAre(HasSubstr("date_of_service")));
}

// --- helpers ---

TEST(EditTablesTest, EmCodesAre99202Through99499) {
  EXPECT_TRUE(IsEvaluationAndManagementCode("99202"));
  EXPECT_TRUE(IsEvaluationAndManagementCode("99213"));
  EXPECT_TRUE(IsEvaluationAndManagementCode("99499"));
  EXPECT_FALSE(IsEvaluationAndManagementCode("99201"));
  EXPECT_FALSE(IsEvaluationAndManagementCode("99500"));
  EXPECT_FALSE(IsEvaluationAndManagementCode("G0463"));
}

TEST(EditTablesTest, RvuRowsAreFoundByCodeAndModifierInTheirQuarter) {
  const EditTables& tables = *Fixtures().tables;
  const snapshot_v1::RvuRecord* knee = tables.Rvu(absl::CivilDay(2026, 2, 1), "29881", "");
  ASSERT_NE(knee, nullptr);
  EXPECT_DOUBLE_EQ(knee->work_rvu(), 7.03);
  const snapshot_v1::RvuRecord* professional =
      tables.Rvu(absl::CivilDay(2026, 2, 1), "71045", "26");
  ASSERT_NE(professional, nullptr);
  EXPECT_DOUBLE_EQ(professional->non_facility_total(), 0.26);
  EXPECT_EQ(tables.Rvu(absl::CivilDay(2026, 4, 1), "29881", ""), nullptr);
}

}  // namespace
}  // namespace codingahead::catalog
