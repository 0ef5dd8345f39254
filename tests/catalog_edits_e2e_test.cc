// CheckEdits over the wire: ca-import with the NCCI PTP / MUE / PFS fixture
// tables of tools/importer/testdata, the catalog binary, the status codes and
// their details, and `cactl edits`; GetCatalogInfo listing the tables and
// `cactl info`; the PFS relative values of the code page's payment section
// (with ca-account, a real Redis and PostgreSQL) and `cactl page`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "account/v1/account.grpc.pb.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "common/metadata.h"
#include "common/status.h"
#include "common/testing/postgres_server.h"
#include "common/testing/redis_server.h"
#include "google/rpc/error_details.pb.h"
#include "tests/process_harness.h"

namespace codingahead::e2e {
namespace {

namespace v1 = ::codingahead::catalog::v1;
namespace account_v1 = ::codingahead::account::v1;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

// The CPT placeholder sample and the six 2026 Q1 fixture tables, imported
// into <dir>/catalog.
CommandResult ImportFixtures(const std::string& dir) {
  const std::string e = CA_EDITS_TESTDATA_DIR;
  return RunCommand(
      {CA_IMPORT_BINARY, absl::StrCat("--cpt_file=", CA_CPT_SAMPLE_FILE),
       absl::StrCat("--ncci_ptp_practitioner_file=", e, "/ncci_ptp_practitioner_2026q1.txt"),
       absl::StrCat("--ncci_ptp_hospital_file=", e, "/ncci_ptp_hospital_2026q1.txt"),
       absl::StrCat("--mue_practitioner_file=", e, "/mue_practitioner_2026q1.csv"),
       absl::StrCat("--mue_hospital_file=", e, "/mue_hospital_2026q1.csv"),
       absl::StrCat("--mue_dme_file=", e, "/mue_dme_2026q1.csv"),
       absl::StrCat("--pfs_rvu_file=", e, "/pfs_rvu_2026q1.csv"), "--edits_quarter=2026Q1",
       absl::StrCat("--out_dir=", dir, "/catalog")});
}

class CatalogEditsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("ca-catalog-edits-e2e");
    CommandResult imported = ImportFixtures(dir_->path());
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

TEST_F(CatalogEditsE2eTest, CatalogInfoListsTheEditTablesWithTheirCounts) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::GetCatalogInfoResponse info;
  grpc::Status status = stub_->GetCatalogInfo(&context, v1::GetCatalogInfoRequest(), &info);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(info.releases_size(), 1);
  EXPECT_EQ(info.releases(0).id(), "cpt-sample-2019");
  // id -> (kind, rows, source file); the fixtures' row counts.
  const std::map<std::string, std::tuple<v1::EditTable::Kind, int, std::string>> expected = {
      {"ncci-ptp-practitioner-2026q1",
       {v1::EditTable::KIND_NCCI_PTP_PRACTITIONER, 10, "ncci_ptp_practitioner_2026q1.txt"}},
      {"ncci-ptp-hospital-2026q1",
       {v1::EditTable::KIND_NCCI_PTP_HOSPITAL, 4, "ncci_ptp_hospital_2026q1.txt"}},
      {"mue-practitioner-2026q1",
       {v1::EditTable::KIND_MUE_PRACTITIONER, 12, "mue_practitioner_2026q1.csv"}},
      {"mue-outpatient-hospital-2026q1",
       {v1::EditTable::KIND_MUE_OUTPATIENT_HOSPITAL, 6, "mue_hospital_2026q1.csv"}},
      {"mue-dme-2026q1", {v1::EditTable::KIND_MUE_DME_SUPPLIER, 4, "mue_dme_2026q1.csv"}},
      {"pfs-rvu-2026q1", {v1::EditTable::KIND_PFS_RVU, 9, "pfs_rvu_2026q1.csv"}},
  };
  ASSERT_EQ(info.edit_tables_size(), 6);
  for (const v1::EditTable& t : info.edit_tables()) {
    SCOPED_TRACE(t.id());
    auto it = expected.find(t.id());
    ASSERT_NE(it, expected.end());
    EXPECT_EQ(t.kind(), std::get<0>(it->second));
    EXPECT_EQ(t.row_count(), std::get<1>(it->second));
    ASSERT_EQ(t.sources_size(), 1);
    EXPECT_EQ(t.sources(0).name(), std::get<2>(it->second));
    EXPECT_EQ(t.quarter(), "2026Q1");
    EXPECT_EQ(t.effective_date().year(), 2026);
    EXPECT_EQ(t.effective_date().month(), 1);
    EXPECT_EQ(t.effective_date().day(), 1);
    EXPECT_EQ(t.end_date().month(), 3);
    EXPECT_EQ(t.end_date().day(), 31);
  }
  EXPECT_EQ(info.edit_tables(0).id(), "ncci-ptp-practitioner-2026q1");  // snapshot order
  EXPECT_EQ(info.edit_tables(5).id(), "pfs-rvu-2026q1");

  CommandResult cactl = Cactl({"info"});
  ASSERT_EQ(cactl.exit_code, 0) << cactl.output;
  EXPECT_THAT(cactl.output, ContainsRegex("ncci-ptp-practitioner-2026q1 +PTP practitioner +2026Q1 "
                                          "+2026-01-01 +2026-03-31 +10 +"
                                          "ncci_ptp_practitioner_2026q1.txt"));
  EXPECT_THAT(cactl.output, ContainsRegex("mue-outpatient-hospital-2026q1 +MUE outpatient hosp. "
                                          "+2026Q1 +2026-01-01 +2026-03-31 +6 +"
                                          "mue_hospital_2026q1.csv"));
  EXPECT_THAT(cactl.output, ContainsRegex("pfs-rvu-2026q1 +PFS RVU +2026Q1 +2026-01-01 "
                                          "+2026-03-31 +9 +pfs_rvu_2026q1.csv"));
}

// --- The code page's payment section: PFS relative values ------------------

constexpr char kServiceCredential[] = "front-end-credential-0123456789abcdef0123456789";
constexpr char kOperatorCredential[] = "operator-credential-0123456789abcdef0123456789ab";
constexpr char kPassword[] = "correct horse battery staple 42";

class CatalogEditsPageE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("ca-catalog-edits-page-e2e");
    CommandResult imported = ImportFixtures(dir_->path());
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
    std::ofstream(dir_->path() + "/service-credential") << kServiceCredential << "\n";
    std::ofstream(dir_->path() + "/operator-credential") << kOperatorCredential << "\n";
    auto postgres = testing::PostgresServer::Start();
    ASSERT_TRUE(postgres.ok()) << postgres.status();
    postgres_ = postgres->release();
  }
  static void TearDownTestSuite() {
    delete postgres_;
    postgres_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    auto redis = testing::RedisServer::Start({});
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    static int database = 0;
    auto db_url = postgres_->CreateDatabase(absl::StrCat("edits_page_", ++database));
    ASSERT_TRUE(db_url.ok()) << db_url.status();
    auto suite = StartAccountAndCatalog(CA_ACCOUNT_BINARY, CA_CATALOG_BINARY, dir_->path(),
                                        redis_->url(), *db_url, CA_CONTENT_FILE);
    ASSERT_TRUE(suite.ok()) << suite.status();
    account_ = std::move(suite->account);
    catalog_ = std::move(suite->catalog);
    catalog_stub_ = v1::CatalogService::NewStub(catalog_->channel());
    account_stub_ = account_v1::AccountService::NewStub(account_->channel());
  }

  // A front end's call on behalf of a user.
  void Prepare(grpc::ClientContext* context, const std::string& token) {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    context->AddMetadata(common::kServiceCredentialHeader, kServiceCredential);
    context->AddMetadata(common::kClientIpHeader, "198.51.100.7");
    if (!token.empty()) context->AddMetadata(common::kAuthorizationHeader, "Bearer " + token);
  }

  std::string Guest() {
    grpc::ClientContext context;
    Prepare(&context, "");
    account_v1::StartGuestSessionResponse response;
    grpc::Status status = account_stub_->StartGuestSession(
        &context, account_v1::StartGuestSessionRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.session().token();
  }

  std::string Register(const std::string& guest_token, const std::string& email) {
    grpc::ClientContext context;
    Prepare(&context, guest_token);
    account_v1::RegisterRequest request;
    request.set_email(email);
    request.set_password(kPassword);
    request.set_display_name("Ann Lee");
    account_v1::RegisterResponse response;
    grpc::Status status = account_stub_->Register(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.session().token();
  }

  // The payment section of `code`'s page, for the caller of `token`.
  v1::Section Payment(const std::string& token, const std::string& code,
                      const std::string& date = "") {
    grpc::ClientContext context;
    Prepare(&context, token);
    v1::GetCodePageRequest request;
    request.set_code(code);
    if (!date.empty()) {
      request.mutable_date_of_service()->set_year(std::stoi(date.substr(0, 4)));
      request.mutable_date_of_service()->set_month(std::stoi(date.substr(5, 2)));
      request.mutable_date_of_service()->set_day(std::stoi(date.substr(8, 2)));
    }
    v1::GetCodePageResponse response;
    grpc::Status status = catalog_stub_->GetCodePage(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::Section& s : response.page().sections()) {
      if (s.kind() == v1::Section::KIND_PAYMENT) return s;
    }
    ADD_FAILURE() << "no payment section";
    return v1::Section();
  }

  static std::string Field(const v1::Section& s, const std::string& name) {
    for (const auto& f : s.fields()) {
      if (f.name() == name) return f.value();
    }
    return "";
  }

  static testing::TempDir* dir_;
  static testing::PostgresServer* postgres_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<ServiceProcess> account_;
  std::unique_ptr<ServiceProcess> catalog_;
  std::unique_ptr<v1::CatalogService::Stub> catalog_stub_;
  std::unique_ptr<account_v1::AccountService::Stub> account_stub_;
};

testing::TempDir* CatalogEditsPageE2eTest::dir_ = nullptr;
testing::PostgresServer* CatalogEditsPageE2eTest::postgres_ = nullptr;

TEST_F(CatalogEditsPageE2eTest, GuestSeesTheGateAndARegisteredUserTheRvus) {
  const std::string guest = Guest();
  v1::Section gated = Payment(guest, "99213");
  EXPECT_FALSE(gated.visible());
  EXPECT_EQ(gated.placeholder(), "Register to view content");
  EXPECT_FALSE(gated.has_physician_fee_schedule());
  EXPECT_EQ(gated.fields_size(), 0);
  EXPECT_EQ(gated.rows_size(), 0);

  const std::string registered = Register(guest, "ann@example.com");
  v1::Section payment = Payment(registered, "99213");
  EXPECT_TRUE(payment.visible());
  ASSERT_TRUE(payment.has_physician_fee_schedule());
  const v1::PhysicianFeeSchedule& pfs = payment.physician_fee_schedule();
  EXPECT_EQ(pfs.table_id(), "pfs-rvu-2026q1");
  ASSERT_EQ(pfs.rows_size(), 1);
  const v1::RelativeValues& row = pfs.rows(0);
  EXPECT_EQ(row.status_code(), "A");
  EXPECT_DOUBLE_EQ(row.work_rvu(), 1.30);
  EXPECT_DOUBLE_EQ(row.non_facility_pe_rvu(), 1.26);
  EXPECT_DOUBLE_EQ(row.facility_pe_rvu(), 0.55);
  EXPECT_DOUBLE_EQ(row.malpractice_rvu(), 0.10);
  EXPECT_DOUBLE_EQ(row.non_facility_total_rvu(), 2.66);
  EXPECT_DOUBLE_EQ(row.facility_total_rvu(), 1.95);
  EXPECT_EQ(row.conversion_factor(), "33.4009");
  EXPECT_EQ(row.non_facility_amount().currency(), "USD");
  EXPECT_EQ(row.non_facility_amount().amount_minor(), 8885);
  EXPECT_EQ(row.facility_amount().amount_minor(), 6513);
  EXPECT_EQ(Field(payment, "Conversion factor"), "33.4009");
  ASSERT_EQ(payment.rows_size(), 1);
}

TEST_F(CatalogEditsPageE2eTest, ADateOfServiceNoPfsFileCoversIsNamedOnThePage) {
  const std::string registered = Register("", "dated@example.com");
  v1::Section payment = Payment(registered, "99213", "2019-06-01");
  EXPECT_TRUE(payment.visible());
  EXPECT_FALSE(payment.has_physician_fee_schedule());
  EXPECT_EQ(Field(payment, "PFS relative value file"), "none for 2019-06-01");
}

TEST_F(CatalogEditsPageE2eTest, CactlPageShowsTheRvuTableOnlyAfterRegistering) {
  const std::string creds = dir_->path() + "/cactl";
  ASSERT_EQ(RunCommand({"mkdir", "-p", creds}).exit_code, 0);
  std::ofstream(creds + "/service-credential") << kServiceCredential << "\n";
  std::ofstream(creds + "/operator-credential") << kOperatorCredential << "\n";
  auto cactl = [&](std::vector<std::string> args, const std::string& stdin_text = "") {
    std::vector<std::string> argv = {CA_CACTL_BINARY,
                                     absl::StrCat("--catalog_target=", catalog_->target()),
                                     absl::StrCat("--account_target=", account_->target()),
                                     absl::StrCat("--credentials_dir=", creds)};
    argv.insert(argv.end(), args.begin(), args.end());
    if (stdin_text.empty()) return RunCommand(argv);
    std::string command = "printf '%s\\n' '" + stdin_text + "' |";
    for (const auto& a : argv) command += " '" + a + "'";
    return RunCommand({"/bin/sh", "-c", command});
  };
  ASSERT_EQ(cactl({"guest"}).exit_code, 0);
  CommandResult guest = cactl({"page", "99213"});
  ASSERT_EQ(guest.exit_code, 0) << guest.output;
  EXPECT_THAT(guest.output, ContainsRegex("Payment\n  Register to view content\n"));
  EXPECT_THAT(guest.output, Not(HasSubstr("33.4009")));

  CommandResult registered =
      cactl({"register", "ann@example.com", "--name", "Ann Lee", "--password_stdin"}, kPassword);
  ASSERT_EQ(registered.exit_code, 0) << registered.output;
  CommandResult page = cactl({"page", "99213"});
  ASSERT_EQ(page.exit_code, 0) << page.output;
  EXPECT_THAT(page.output, HasSubstr("PFS relative value file: pfs-rvu-2026q1"));
  EXPECT_THAT(page.output, HasSubstr("Conversion factor: 33.4009"));
  // MOD ST WORK PE-NFAC PE-FAC MP TOT-NFAC TOT-FAC PAY-NFAC PAY-FAC PCTC GLOB indicators
  EXPECT_THAT(page.output, ContainsRegex("- +A +1.30 +1.26 +0.55 +0.10 +2.66 +1.95 +\\$88.85 "
                                         "+\\$65.13 +0 +XXX +0/0/0/0/0"));
}

}  // namespace
}  // namespace codingahead::e2e
