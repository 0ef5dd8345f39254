// CheckEdits over the wire: ca-import with the NCCI PTP / MUE / PFS fixture
// tables of tools/importer/testdata, the catalog binary, the status codes and
// their details, and `cactl edits`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "common/status.h"
#include "google/rpc/error_details.pb.h"
#include "tests/process_harness.h"

namespace codingahead::e2e {
namespace {

namespace v1 = ::codingahead::catalog::v1;
using ::testing::HasSubstr;

class CatalogEditsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("ca-catalog-edits-e2e");
    const std::string e = CA_EDITS_TESTDATA_DIR;
    CommandResult imported = RunCommand(
        {CA_IMPORT_BINARY, absl::StrCat("--cpt_file=", CA_CPT_SAMPLE_FILE),
         absl::StrCat("--ncci_ptp_practitioner_file=", e, "/ncci_ptp_practitioner_2026q1.txt"),
         absl::StrCat("--ncci_ptp_hospital_file=", e, "/ncci_ptp_hospital_2026q1.txt"),
         absl::StrCat("--mue_practitioner_file=", e, "/mue_practitioner_2026q1.csv"),
         absl::StrCat("--mue_hospital_file=", e, "/mue_hospital_2026q1.csv"),
         absl::StrCat("--mue_dme_file=", e, "/mue_dme_2026q1.csv"),
         absl::StrCat("--pfs_rvu_file=", e, "/pfs_rvu_2026q1.csv"), "--edits_quarter=2026Q1",
         absl::StrCat("--out_dir=", dir_->path(), "/catalog")});
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
    import_output_ = new std::string(imported.output);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
    delete import_output_;
    import_output_ = nullptr;
  }

  void SetUp() override {
    auto catalog = ServiceProcess::Start(CA_CATALOG_BINARY, "catalog", dir_->path(),
                                         {absl::StrCat("--snapshot_dir=", dir_->path(), "/catalog"),
                                          "--shutdown_grace_seconds=0", "--drain_seconds=5"});
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = *std::move(catalog);
    stub_ = v1::CatalogService::NewStub(catalog_->channel());
  }

  static v1::CheckEditsRequest Claim(int month, int day) {
    v1::CheckEditsRequest request;
    request.mutable_date_of_service()->set_year(2026);
    request.mutable_date_of_service()->set_month(month);
    request.mutable_date_of_service()->set_day(day);
    request.set_provider_type(v1::PROVIDER_TYPE_PRACTITIONER);
    return request;
  }

  grpc::Status Check(const v1::CheckEditsRequest& request, v1::CheckEditsResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return stub_->CheckEdits(&context, request, response);
  }

  CommandResult Cactl(std::vector<std::string> args) {
    std::vector<std::string> argv = {CA_CACTL_BINARY,
                                     absl::StrCat("--catalog_target=", catalog_->target())};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  static testing::TempDir* dir_;
  static std::string* import_output_;
  std::unique_ptr<ServiceProcess> catalog_;
  std::unique_ptr<v1::CatalogService::Stub> stub_;
};

testing::TempDir* CatalogEditsE2eTest::dir_ = nullptr;
std::string* CatalogEditsE2eTest::import_output_ = nullptr;

TEST_F(CatalogEditsE2eTest, ImportReportsEveryEditTable) {
  EXPECT_THAT(*import_output_, HasSubstr("ncci-ptp-practitioner-2026q1 rows=10"));
  EXPECT_THAT(*import_output_, HasSubstr("mue-dme-2026q1   rows=4"));
  EXPECT_THAT(*import_output_, HasSubstr("6 edit tables"));
}

TEST_F(CatalogEditsE2eTest, Modifier25BypassesAndMai3DeniesEveryLine) {
  v1::CheckEditsRequest request = Claim(1, 15);
  auto add = [&](const char* code, int units, std::vector<std::string> modifiers) {
    v1::ClaimLine& line = *request.add_lines();
    line.set_code(code);
    line.set_units(units);
    for (auto& m : modifiers) line.add_modifiers(m);
  };
  add("99213", 1, {"25"});
  add("12001", 1, {});
  add("96372", 2, {});
  add("96372", 3, {});
  v1::CheckEditsResponse response;
  grpc::Status status = Check(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.ptp_findings_size(), 1);
  EXPECT_FALSE(response.ptp_findings(0).denied());
  EXPECT_EQ(response.ptp_findings(0).bypassing_modifier(), "25");
  ASSERT_EQ(response.mue_findings_size(), 1);
  EXPECT_THAT(response.mue_findings(0).lines(), ::testing::ElementsAre(2, 3));
}

TEST_F(CatalogEditsE2eTest, BadLinesAreInvalidArgumentWithFieldViolations) {
  v1::CheckEditsRequest request = Claim(1, 15);
  request.add_lines()->set_code("12001");  // units 0
  v1::CheckEditsResponse response;
  grpc::Status status = Check(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto bad = common::GetDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad.has_value());
  ASSERT_EQ(bad->field_violations_size(), 1);
  EXPECT_EQ(bad->field_violations(0).field(), "lines[0].units");
}

TEST_F(CatalogEditsE2eTest, ADateOutsideTheLoadedQuarterIsFailedPrecondition) {
  v1::CheckEditsRequest request = Claim(4, 1);
  request.add_lines()->set_code("12001");
  request.mutable_lines(0)->set_units(1);
  v1::CheckEditsResponse response;
  grpc::Status status = Check(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("2026-01-01 to 2026-03-31"));
}

TEST_F(CatalogEditsE2eTest, CactlEditsShowsTheFindings) {
  CommandResult bypassed =
      Cactl({"edits", "--dos=2026-01-15", "--provider=practitioner", "99213:1:25", "12001:1"});
  ASSERT_EQ(bypassed.exit_code, 0) << bypassed.output;
  EXPECT_THAT(bypassed.output, HasSubstr("bypassed by modifier 25"));
  CommandResult same_side = Cactl({"edits", "--dos=2026-01-15", "29881:1:LT", "29877:1:LT"});
  ASSERT_EQ(same_side.exit_code, 0) << same_side.output;
  EXPECT_THAT(same_side.output, HasSubstr("DENIED (no qualifying modifier)"));
  CommandResult bad = Cactl({"edits", "--dos=2026-01-15", "--provider=dentist", "12001:1"});
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace codingahead::e2e
