#include "services/catalog/code_lookup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "absl/time/clock.h"
#include "common/status.h"
#include "services/catalog/test_catalog.h"

namespace codingahead::catalog {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

google::type::Date Day(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

class CodeLookupTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    index_ = new std::shared_ptr<const CatalogIndex>(SharedDataCatalog());
    ASSERT_NE(*index_, nullptr);
  }
  static void TearDownTestSuite() {
    delete index_;
    index_ = nullptr;
  }

  absl::StatusOr<v1::Code> Get(const std::string& code,
                               std::optional<google::type::Date> date = std::nullopt) {
    v1::GetCodeRequest request;
    request.set_code(code);
    if (date.has_value()) *request.mutable_date_of_service() = *date;
    return LookUpCode(**index_, request);
  }

  static std::vector<std::string> ViolatedFields(const absl::Status& status) {
    std::vector<std::string> fields;
    auto bad = common::GetDetail<google::rpc::BadRequest>(status);
    if (bad.has_value()) {
      for (const auto& v : bad->field_violations()) fields.push_back(v.field());
    }
    return fields;
  }

  static std::shared_ptr<const CatalogIndex>* index_;
};

std::shared_ptr<const CatalogIndex>* CodeLookupTest::index_ = nullptr;

TEST_F(CodeLookupTest, G0202IsActiveBeforeItsTermination) {
  auto code = Get("G0202", Day(2017, 6, 1));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(code->status().kind(), v1::CODE_STATUS_ACTIVE);
  EXPECT_EQ(code->code_set(), v1::CODE_SET_HCPCS);
  // Wording from the release in force on the date of service.
  EXPECT_EQ(code->release().id(), "hcpcs-2017");
  EXPECT_EQ(code->official_descriptor().release_id(), "hcpcs-2017");
  EXPECT_TRUE(code->official_descriptor().available());
  EXPECT_THAT(code->official_descriptor().long_description(), HasSubstr("mammography"));
  EXPECT_EQ(code->status().termination_date().year(), 2017);
  EXPECT_EQ(code->status().termination_date().month(), 12);
  EXPECT_EQ(code->status().termination_date().day(), 31);
}

TEST_F(CodeLookupTest, G0202IsTerminatedAfter2017AndReplacedBy77067) {
  auto code = Get("G0202", Day(2018, 1, 2));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(code->status().kind(), v1::CODE_STATUS_TERMINATED);
  // Validity from the newest release holding the code, whose action code
  // is N again: the status comes from the dates.
  EXPECT_EQ(code->status().status_release_id(), "hcpcs-2019");
  EXPECT_EQ(code->status().action_code(), "N");
  ASSERT_EQ(code->status().crosswalks_size(), 1);
  const auto& crosswalk = code->status().crosswalks(0);
  EXPECT_EQ(crosswalk.kind(), v1::Crosswalk::KIND_REPLACED_BY);
  EXPECT_EQ(crosswalk.code(), "77067");
  EXPECT_EQ(crosswalk.code_set(), v1::CODE_SET_CPT);
  // 77067 is a CPT code the sample does not carry: a bare code, no text.
  EXPECT_FALSE(crosswalk.target_descriptor().available());
  EXPECT_TRUE(crosswalk.target_descriptor().long_description().empty());
  EXPECT_THAT(code->status().summary(), HasSubstr("77067"));
}

TEST_F(CodeLookupTest, LastDayOfValidityIsStillActive) {
  auto code = Get("G0202", Day(2017, 12, 31));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(code->status().kind(), v1::CODE_STATUS_ACTIVE);
}

TEST_F(CodeLookupTest, DateBeforeEveryReleaseIsFailedPrecondition) {
  auto code = Get("G0202", Day(2016, 6, 1));
  ASSERT_EQ(code.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(code.status().message(), HasSubstr("hcpcs-2017"));
  EXPECT_THAT(code.status().message(), HasSubstr("hcpcs-2019"));
  auto detail = common::GetDetail<google::rpc::PreconditionFailure>(code.status());
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->violations(0).type(), "DATE_OF_SERVICE_NOT_COVERED");
}

TEST_F(CodeLookupTest, DateBeyondNewestReleaseIsFailedPrecondition) {
  // The 2019 annual file cannot say whether a code is valid in 2021.
  auto code = Get("E0601", Day(2021, 3, 1));
  EXPECT_EQ(code.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Get("E0601", Day(2019, 12, 31)).ok());
}

TEST_F(CodeLookupTest, NoDateAnswersFromNewestReleaseAndNamesIt) {
  auto code = Get("E0601");
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(code->release().id(), "hcpcs-2019");
  EXPECT_EQ(code->status().date_of_service().year(), 2019);
  EXPECT_EQ(code->status().kind(), v1::CODE_STATUS_ACTIVE);
  EXPECT_EQ(code->official_descriptor().notice().kind(), v1::Notice::KIND_PUBLIC_DOMAIN);
}

TEST_F(CodeLookupTest, CodeIsNormalised) {
  auto code = Get("  e0601 ");
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(code->code(), "E0601");
}

TEST_F(CodeLookupTest, ModifierIsFoundByItsTwoCharacters) {
  auto code = Get("LT");
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(code->kind(), v1::CODE_KIND_MODIFIER);
  EXPECT_THAT(code->official_descriptor().long_description(), HasSubstr("Left side"));
}

TEST_F(CodeLookupTest, CptSampleIsMarkedPlaceholderWithoutAmaNotice) {
  for (const char* c : {"99213", "0538T"}) {
    auto code = Get(c);
    ASSERT_TRUE(code.ok()) << c << ": " << code.status();
    EXPECT_EQ(code->code_set(), v1::CODE_SET_CPT);
    const auto& d = code->official_descriptor();
    EXPECT_TRUE(d.available());
    EXPECT_THAT(d.long_description(), HasSubstr("PLACEHOLDER — not CPT text"));
    EXPECT_EQ(d.notice().kind(), v1::Notice::KIND_PLACEHOLDER);
    EXPECT_THAT(d.notice().text(), Not(HasSubstr("AMA")));
    EXPECT_THAT(d.notice().text(), Not(HasSubstr("American Medical Association")));
    EXPECT_TRUE(code->release().placeholder());
  }
}

TEST_F(CodeLookupTest, UnknownCodeIsNotFound) {
  EXPECT_EQ(Get("Z9999").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get("E9999").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CodeLookupTest, EmptyCodeIsInvalidWithFieldViolation) {
  auto code = Get("   ");
  EXPECT_EQ(code.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(code.status()), ::testing::ElementsAre("code"));
}

TEST_F(CodeLookupTest, OverLongCodeIsInvalid) {
  auto code = Get(std::string(10000, 'E'));
  EXPECT_EQ(code.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(code.status()), ::testing::ElementsAre("code"));
  EXPECT_EQ(Get("E06011234").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CodeLookupTest, MalformedCodesAreInvalid) {
  for (const std::string& bad :
       std::vector<std::string>{"E06#1", "E0601;DROP", std::string("E06\0001", 5), "é0601", "E"}) {
    auto code = Get(bad);
    EXPECT_EQ(code.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(ViolatedFields(code.status()), ::testing::ElementsAre("code")) << bad;
  }
}

TEST_F(CodeLookupTest, ImpossibleDatesAreInvalidWithTheRightField) {
  auto feb30 = Get("E0601", Day(2019, 2, 30));
  EXPECT_EQ(feb30.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(feb30.status()), ::testing::ElementsAre("date_of_service.day"));

  auto month13 = Get("E0601", Day(2019, 13, 1));
  EXPECT_THAT(ViolatedFields(month13.status()), ::testing::ElementsAre("date_of_service.month"));

  auto partial = Get("E0601", Day(2019, 0, 0));
  EXPECT_THAT(ViolatedFields(partial.status()), ::testing::ElementsAre("date_of_service.month"));

  auto negative = Get("E0601", Day(-5, 1, 1));
  EXPECT_THAT(ViolatedFields(negative.status()), ::testing::ElementsAre("date_of_service.year"));
}

TEST_F(CodeLookupTest, EveryProblemIsReportedAtOnce) {
  v1::GetCodeRequest request;
  request.set_code("E0#");
  request.set_code_set(static_cast<v1::CodeSet>(42));
  *request.mutable_date_of_service() = Day(2019, 2, 29);
  auto code = LookUpCode(**index_, request);
  EXPECT_THAT(ViolatedFields(code.status()),
              ::testing::UnorderedElementsAre("code", "code_set", "date_of_service.day"));
}

TEST_F(CodeLookupTest, CodeSetFilterIsHonoured) {
  v1::GetCodeRequest request;
  request.set_code("E0601");
  request.set_code_set(v1::CODE_SET_CPT);
  EXPECT_EQ(LookUpCode(**index_, request).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CodeLookupTest, CatalogInfoListsReleasesWithCounts) {
  v1::GetCatalogInfoResponse info = DescribeCatalog(**index_);
  std::map<std::string, std::pair<int, int>> counts;
  for (const auto& r : info.releases()) counts[r.id()] = {r.code_count(), r.modifier_count()};
  EXPECT_EQ(counts["hcpcs-2017"], std::make_pair(6155, 343));
  EXPECT_EQ(counts["hcpcs-2018"], std::make_pair(6205, 354));
  EXPECT_EQ(counts["hcpcs-2019"], std::make_pair(6440, 360));
  EXPECT_TRUE(counts.count("cpt-sample-2019"));
  EXPECT_EQ(info.snapshot_id().size(), 16u);
  // Older releases say when they were superseded; the newest how far it reaches.
  for (const auto& r : info.releases()) {
    if (r.id() == "hcpcs-2017") {
      EXPECT_EQ(r.superseded_date().year(), 2017);
    }
    if (r.id() == "hcpcs-2019") {
      EXPECT_FALSE(r.has_superseded_date());
      EXPECT_EQ(r.covers_through().year(), 2019);
      EXPECT_EQ(r.covers_through().month(), 12);
      EXPECT_EQ(r.covers_through().day(), 31);
    }
  }
}

TEST(CatalogInfoEditTablesTest, ListsEveryEditTableAndPfsFileWithItsRowCount) {
  std::shared_ptr<const CatalogIndex> index = SharedDataCatalogWithEditTables();
  ASSERT_NE(index, nullptr);
  v1::GetCatalogInfoResponse info = DescribeCatalog(*index);
  struct Expected {
    const char* id;
    v1::EditTable::Kind kind;
    const char* label;
    int rows;
    const char* file;
  };
  // The fixtures of tools/importer/testdata, in import order.
  const Expected expected[] = {
      {"ncci-ptp-practitioner-2026q1", v1::EditTable::KIND_NCCI_PTP_PRACTITIONER,
       "NCCI PTP practitioner 2026 Q1", 10, "ncci_ptp_practitioner_2026q1.txt"},
      {"ncci-ptp-hospital-2026q1", v1::EditTable::KIND_NCCI_PTP_HOSPITAL,
       "NCCI PTP hospital 2026 Q1", 4, "ncci_ptp_hospital_2026q1.txt"},
      {"mue-practitioner-2026q1", v1::EditTable::KIND_MUE_PRACTITIONER,
       "MUE practitioner services 2026 Q1", 12, "mue_practitioner_2026q1.csv"},
      {"mue-outpatient-hospital-2026q1", v1::EditTable::KIND_MUE_OUTPATIENT_HOSPITAL,
       "MUE outpatient hospital services 2026 Q1", 6, "mue_hospital_2026q1.csv"},
      {"mue-dme-2026q1", v1::EditTable::KIND_MUE_DME_SUPPLIER, "MUE DME supplier services 2026 Q1",
       4, "mue_dme_2026q1.csv"},
      {"pfs-rvu-2026q1", v1::EditTable::KIND_PFS_RVU, "PFS relative value file 2026 Q1", 9,
       "pfs_rvu_2026q1.csv"},
  };
  ASSERT_EQ(info.edit_tables_size(), 6);
  for (int i = 0; i < 6; ++i) {
    const v1::EditTable& t = info.edit_tables(i);
    SCOPED_TRACE(expected[i].id);
    EXPECT_EQ(t.id(), expected[i].id);
    EXPECT_EQ(t.kind(), expected[i].kind);
    EXPECT_EQ(t.label(), expected[i].label);
    EXPECT_EQ(t.quarter(), "2026Q1");
    EXPECT_EQ(t.effective_date().year(), 2026);
    EXPECT_EQ(t.effective_date().month(), 1);
    EXPECT_EQ(t.effective_date().day(), 1);
    EXPECT_EQ(t.end_date().month(), 3);
    EXPECT_EQ(t.end_date().day(), 31);
    EXPECT_EQ(t.row_count(), expected[i].rows);
    ASSERT_EQ(t.sources_size(), 1);
    EXPECT_EQ(t.sources(0).name(), expected[i].file);
    EXPECT_EQ(t.sources(0).sha256().size(), 64u);
    EXPECT_EQ(t.sources(0).size_bytes(),
              static_cast<int64_t>(std::filesystem::file_size(std::string(CA_EDITS_TESTDATA_DIR) +
                                                              "/" + expected[i].file)));
  }
  // The releases are listed as before.
  EXPECT_EQ(info.releases_size(), 4);
}

TEST(CatalogInfoEditTablesTest, ACatalogWithoutEditTablesListsNone) {
  EXPECT_EQ(DescribeCatalog(*SharedDataCatalog()).edit_tables_size(), 0);
}

}  // namespace
}  // namespace codingahead::catalog
