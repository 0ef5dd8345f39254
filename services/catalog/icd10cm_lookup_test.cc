// GetCode and GetCatalogInfo for ICD-10-CM FY2026 from the shared data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/status.h"
#include "services/catalog/code_lookup.h"
#include "services/catalog/icd10cm_test_catalog.h"

namespace codingahead::catalog {
namespace {

using ::testing::HasSubstr;

google::type::Date Day(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

absl::StatusOr<v1::Code> Get(const CatalogIndex& index, const std::string& code,
                             std::optional<google::type::Date> date = std::nullopt) {
  v1::GetCodeRequest request;
  request.set_code(code);
  if (date.has_value()) *request.mutable_date_of_service() = *date;
  return LookUpCode(index, request);
}

class Icd10cmLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = SharedDataCatalogWithIcd10cm();
    ASSERT_NE(index_, nullptr);
  }
  std::shared_ptr<const CatalogIndex> index_;
};

TEST_F(Icd10cmLookupTest, CategoryA00HasItsPublicDomainDescriptor) {
  absl::StatusOr<v1::Code> code = Get(*index_, "A00");
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(code->code(), "A00");
  EXPECT_EQ(code->code_set(), v1::CODE_SET_ICD10CM);
  EXPECT_EQ(code->official_descriptor().long_description(), "Cholera");
  EXPECT_TRUE(code->official_descriptor().available());
  EXPECT_EQ(code->official_descriptor().notice().kind(), v1::Notice::KIND_PUBLIC_DOMAIN);
  EXPECT_THAT(code->official_descriptor().notice().text(), HasSubstr("CDC"));
  EXPECT_EQ(code->release().id(), "icd10cm-2026");
  EXPECT_EQ(code->status().kind(), v1::CODE_STATUS_ACTIVE);
  EXPECT_EQ(code->status().date_of_service().month(), 4);
  EXPECT_EQ(code->billable(), v1::Code::BILLABLE_UNKNOWN);
  EXPECT_FALSE(code->incomplete());
}

TEST_F(Icd10cmLookupTest, LowerCaseAndDottedFormsAreNormalised) {
  absl::StatusOr<v1::Code> lower = Get(*index_, " a00 ");
  ASSERT_TRUE(lower.ok()) << lower.status();
  EXPECT_EQ(lower->code(), "A00");
  // "a00.0" is A000: not a loaded category, but the order-file catalog has it.
  std::shared_ptr<const CatalogIndex> with_order =
      Icd10cmCatalogWithOrderFile(CatalogTestdataPath("icd10cm_order_sample.txt"));
  ASSERT_NE(with_order, nullptr);
  absl::StatusOr<v1::Code> dotted = Get(*with_order, "a00.0");
  ASSERT_TRUE(dotted.ok()) << dotted.status();
  EXPECT_EQ(dotted->code(), "A00.0");
  EXPECT_EQ(dotted->billable(), v1::Code::BILLABLE_YES);
  EXPECT_FALSE(dotted->incomplete());
  EXPECT_EQ(dotted->official_descriptor().long_description(),
            "Cholera due to Vibrio cholerae 01, biovar cholerae");
  absl::StatusOr<v1::Code> header = Get(*with_order, "A00");
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->billable(), v1::Code::BILLABLE_NO);
  EXPECT_TRUE(header->incomplete());
  EXPECT_EQ(header->kind(), v1::CODE_KIND_GROUP);
}

TEST_F(Icd10cmLookupTest, IndexOnlyCodeIsIncompleteWithoutInventedText) {
  // C34.9- is listed by the Neoplasm Table (lung, malignant primary) only.
  absl::StatusOr<v1::Code> code = Get(*index_, "C34.9");
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(code->code(), "C34.9");
  EXPECT_EQ(code->code_set(), v1::CODE_SET_ICD10CM);
  EXPECT_TRUE(code->incomplete());
  EXPECT_THAT(code->incomplete_reason(), HasSubstr("may need more characters or a 7th character"));
  EXPECT_EQ(code->billable(), v1::Code::BILLABLE_UNKNOWN);
  EXPECT_FALSE(code->official_descriptor().available());
  EXPECT_EQ(code->official_descriptor().long_description(), "");
  EXPECT_THAT(code->official_descriptor().unavailable_reason(),
              HasSubstr("No descriptor available"));
  EXPECT_NE(code->status().kind(), v1::CODE_STATUS_ACTIVE);
  ASSERT_GT(code->index_terms_size(), 0);
  EXPECT_THAT(code->index_terms(),
              ::testing::Contains(HasSubstr(
                  "Neoplasm Table: Neoplasm, neoplastic > lung (Malignant Primary): C34.9-")));
}

TEST_F(Icd10cmLookupTest, OrderFileListingMakesTheIndexCodeCompleteAndBillable) {
  std::shared_ptr<const CatalogIndex> with_order =
      Icd10cmCatalogWithOrderFile(CatalogTestdataPath("icd10cm_order_sample.txt"));
  ASSERT_NE(with_order, nullptr);
  absl::StatusOr<v1::Code> code = Get(*with_order, "C34.11");
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(code->code(), "C34.11");
  EXPECT_EQ(code->billable(), v1::Code::BILLABLE_YES);
  EXPECT_FALSE(code->incomplete());
  EXPECT_TRUE(code->official_descriptor().available());
}

TEST_F(Icd10cmLookupTest, DatesOutsideTheFiscalYearUpdateAreRefused) {
  absl::StatusOr<v1::Code> inside = Get(*index_, "A00", Day(2026, 9, 30));
  ASSERT_TRUE(inside.ok()) << inside.status();
  for (const auto& day : {Day(2026, 10, 1), Day(2026, 3, 31)}) {
    absl::StatusOr<v1::Code> outside = Get(*index_, "A00", day);
    ASSERT_FALSE(outside.ok());
    EXPECT_EQ(outside.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(outside.status().message(), HasSubstr("icd10cm-2026 (2026-04-01 to 2026-09-30)"));
  }
}

TEST_F(Icd10cmLookupTest, HcpcsCodesStillAnswerAsBefore) {
  absl::StatusOr<v1::Code> code = Get(*index_, "E0601", Day(2019, 6, 1));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(code->code(), "E0601");
  EXPECT_EQ(code->code_set(), v1::CODE_SET_HCPCS);
  EXPECT_EQ(code->billable(), v1::Code::BILLABLE_UNSPECIFIED);
}

TEST_F(Icd10cmLookupTest, CatalogInfoListsTheReleaseWithCategoryCount) {
  v1::GetCatalogInfoResponse info = DescribeCatalog(*index_);
  const v1::Release* icd = nullptr;
  for (const auto& r : info.releases()) {
    if (r.id() == "icd10cm-2026") icd = &r;
  }
  ASSERT_NE(icd, nullptr);
  EXPECT_EQ(icd->code_set(), v1::CODE_SET_ICD10CM);
  EXPECT_EQ(icd->label(), "ICD-10-CM FY2026 (April 1, 2026 update)");
  EXPECT_EQ(icd->code_count(), 1918);
  EXPECT_EQ(icd->covers_through().year(), 2026);
  EXPECT_EQ(icd->covers_through().month(), 9);
  EXPECT_EQ(icd->covers_through().day(), 30);
}

}  // namespace
}  // namespace codingahead::catalog
