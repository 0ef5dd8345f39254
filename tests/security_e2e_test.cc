// Security properties of the real binaries over loopback gRPC, with real
// Redis and PostgreSQL: no secret reaches the logs, and licensed CPT text is
// served only under the configured, accepted licence terms (DESIGN.md §5).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "account/v1/account.grpc.pb.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "common/metadata.h"
#include "common/status.h"
#include "common/testing/postgres_server.h"
#include "common/testing/redis_server.h"
#include "tests/process_harness.h"

namespace codingahead::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
namespace account_v1 = ::codingahead::account::v1;
namespace catalog_v1 = ::codingahead::catalog::v1;

// Distinctive values, so a hit in the log can only be a leak.
constexpr char kServiceCredential[] = "svc-cred-LEAKCHECK-6f1d0a9b8c7e5f4a3b2c1d0e";
constexpr char kOperatorCredential[] = "op-cred-LEAKCHECK-0a1b2c3d4e5f6a7b8c9d0e1f";
constexpr char kThrottleKey[] = "throttle-key-LEAKCHECK-9e8d7c6b5a4f3e2d1c0b";
constexpr char kPassword[] = "Quartz LEAKCHECK lantern 7731 mosaic";
constexpr char kWrongPassword[] = "Wrong LEAKCHECK guess 5519 harbor";
constexpr char kNewPassword[] = "Violet LEAKCHECK orbit 4420 tundra";

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("ca-security-e2e");
    std::ofstream(dir_->path() + "/service-credential") << kServiceCredential << "\n";
    std::ofstream(dir_->path() + "/operator-credential") << kOperatorCredential << "\n";
    std::ofstream(dir_->path() + "/throttle-key") << kThrottleKey << "\n";
    auto postgres = testing::PostgresServer::Start();
    ASSERT_TRUE(postgres.ok()) << postgres.status();
    postgres_ = postgres->release();
  }
  static void TearDownTestSuite() {
    delete postgres_;
    delete dir_;
  }

  void SetUp() override {
    auto redis = testing::RedisServer::Start({});
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    static int database = 0;
    auto db_url = postgres_->CreateDatabase(absl::StrCat("security_", ++database));
    ASSERT_TRUE(db_url.ok()) << db_url.status();
    db_url_ = *db_url;
  }

  void StartAccount(std::vector<std::string> extra = {}) {
    std::vector<std::string> flags = {
        absl::StrCat("--redis_url=", redis_->url()), absl::StrCat("--postgres_url=", db_url_),
        absl::StrCat("--service_credentials_file=", dir_->path(), "/service-credential"),
        absl::StrCat("--operator_credentials_file=", dir_->path(), "/operator-credential"),
        absl::StrCat("--throttle_key_file=", dir_->path(), "/throttle-key")};
    flags.insert(flags.end(), extra.begin(), extra.end());
    auto account = ServiceProcess::Start(CA_ACCOUNT_BINARY, "account", dir_->path(), flags);
    ASSERT_TRUE(account.ok()) << account.status();
    account_ = *std::move(account);
    account_stub_ = account_v1::AccountService::NewStub(account_->channel());
  }

  void Prepare(grpc::ClientContext* context, const std::string& token,
               const std::string& credential = kServiceCredential) {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    context->AddMetadata(common::kServiceCredentialHeader, credential);
    context->AddMetadata(common::kClientIpHeader, "198.51.100.44");
    if (!token.empty()) context->AddMetadata(common::kAuthorizationHeader, "Bearer " + token);
  }

  account_v1::RegisterResponse Register(const std::string& email) {
    grpc::ClientContext context;
    Prepare(&context, "");
    account_v1::RegisterRequest request;
    request.set_email(email);
    request.set_password(kPassword);
    request.set_display_name("Lee Kim");
    account_v1::RegisterResponse response;
    grpc::Status status = account_stub_->Register(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Login(const std::string& email, const std::string& password,
                     account_v1::LoginResponse* response) {
    grpc::ClientContext context;
    Prepare(&context, "");
    account_v1::LoginRequest request;
    request.set_email(email);
    request.set_password(password);
    return account_stub_->Login(&context, request, response);
  }

  static testing::TempDir* dir_;
  static testing::PostgresServer* postgres_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::string db_url_;
  std::unique_ptr<ServiceProcess> account_;
  std::unique_ptr<account_v1::AccountService::Stub> account_stub_;
};

testing::TempDir* SecurityTest::dir_ = nullptr;
testing::PostgresServer* SecurityTest::postgres_ = nullptr;

// --- Logs ---------------------------------------------------------------------

TEST_F(SecurityTest, NoPasswordTokenCredentialOrThrottleKeyReachesTheLog) {
  // Every RPC in the access log, at debug level: the most the log can say.
  StartAccount({"--access_log_sample_rate=1", "--log_level=debug"});
  const std::string email = "leak.check@example.com";
  account_v1::RegisterResponse registered = Register(email);
  const std::string first_token = registered.session().token();
  ASSERT_FALSE(first_token.empty());

  account_v1::LoginResponse good;
  ASSERT_TRUE(Login(email, kPassword, &good).ok());
  account_v1::LoginResponse bad;
  EXPECT_EQ(Login(email, kWrongPassword, &bad).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // A malformed request echoes nothing either.
  EXPECT_EQ(Login(email, std::string(200, 'L') + kWrongPassword, &bad).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  {
    grpc::ClientContext context;
    Prepare(&context, good.session().token());
    account_v1::ChangePasswordRequest request;
    request.set_current_password(kWrongPassword);
    request.set_new_password(kNewPassword);
    account_v1::ChangePasswordResponse response;
    EXPECT_EQ(account_stub_->ChangePassword(&context, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    grpc::ClientContext context;
    Prepare(&context, good.session().token());
    account_v1::ChangePasswordRequest request;
    request.set_current_password(kPassword);
    request.set_new_password(kNewPassword);
    account_v1::ChangePasswordResponse response;
    grpc::Status status = account_stub_->ChangePassword(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.other_sessions_ended(), 1);  // the Register session
  }
  {
    // The ended session, then a wrong bearer token shaped like a real one.
    grpc::ClientContext context;
    Prepare(&context, first_token);
    account_v1::ValidateSessionResponse response;
    EXPECT_EQ(
        account_stub_->ValidateSession(&context, account_v1::ValidateSessionRequest(), &response)
            .error_code(),
        grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext context;
    Prepare(&context, "", kOperatorCredential);
    account_v1::ChangePlanRequest request;
    request.set_account_id(registered.principal().account_id());
    request.set_plan_id("pro");
    request.set_reason("leak check");
    account_v1::ChangePlanResponse response;
    grpc::Status status = account_stub_->ChangePlan(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  {
    grpc::ClientContext context;
    Prepare(&context, good.session().token());
    account_v1::LogoutResponse response;
    EXPECT_TRUE(account_stub_->Logout(&context, account_v1::LogoutRequest(), &response).ok());
  }
  {
    grpc::ClientContext context;
    Prepare(&context, good.session().token());
    account_v1::LogoutResponse response;
    EXPECT_EQ(account_stub_->Logout(&context, account_v1::LogoutRequest(), &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  // Shut down so every line is written (the log is closed by the process).
  ASSERT_TRUE(account_->process().Stop(SIGTERM, absl::Seconds(30)).ok());

  const std::string log = account_->Log();
  // The log did record these calls: a log that says nothing proves nothing.
  EXPECT_THAT(log, HasSubstr("AccountService/Login"));
  EXPECT_THAT(log, HasSubstr("AccountService/ChangePassword"));
  EXPECT_THAT(log, HasSubstr("AccountService/Logout"));
  EXPECT_THAT(log, HasSubstr("UNAUTHENTICATED"));
  std::vector<std::string> secrets = {kPassword,    kWrongPassword,     kNewPassword,
                                      "LEAKCHECK",  kServiceCredential, kOperatorCredential,
                                      kThrottleKey, first_token,        good.session().token()};
  // The secret part of each token alone, too.
  for (const std::string& token : {first_token, good.session().token()}) {
    secrets.push_back(token.substr(token.find('.') + 1));
  }
  for (const std::string& secret : secrets) {
    EXPECT_THAT(log, Not(HasSubstr(secret))) << "leaked: " << secret;
  }
}

// --- Bytes protobuf refuses -------------------------------------------------------

std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  auto bad = common::GetDetail<google::rpc::BadRequest>(status);
  if (bad.has_value()) {
    for (const auto& v : bad->field_violations()) fields.push_back(v.field());
  }
  return fields;
}

TEST_F(SecurityTest, NonUtf8BytesOnTheWireAreInvalidArgumentOnTheField) {
  // A client library that does not check UTF-8 (C++'s only logs) sends the
  // bytes as they are; protobuf refuses to parse them on the server.
  StartAccount({"--access_log_sample_rate=1", "--log_level=debug"});
  {
    grpc::ClientContext context;
    Prepare(&context, "");
    account_v1::RegisterRequest request;
    request.set_email("lee\xff@example.com");
    request.set_password(kPassword);
    request.set_display_name("Lee \xc3\x28Kim");
    account_v1::RegisterResponse response;
    grpc::Status status = account_stub_->Register(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("email", "display_name"));
  }
  {
    account_v1::LoginResponse response;
    grpc::Status status =
        Login("lee@example.com", std::string(kWrongPassword) + "\xfe\xff", &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("password"));
    EXPECT_THAT(status.error_message(), Not(HasSubstr("LEAKCHECK")));
  }
  {
    grpc::ClientContext context;
    Prepare(&context, "");
    account_v1::ValidateSessionRequest request;
    request.set_token("g_0123456789abcdef.\x80\x81");
    account_v1::ValidateSessionResponse response;
    grpc::Status status = account_stub_->ValidateSession(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("token"));
  }
  {
    grpc::ClientContext context;
    Prepare(&context, "", kOperatorCredential);
    account_v1::ChangePlanRequest request;
    request.set_account_id(1);
    request.set_plan_id("pro");
    request.set_reason("upgrade \xc0\xaf");  // an overlong encoding of '/'
    account_v1::ChangePlanResponse response;
    grpc::Status status = account_stub_->ChangePlan(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("reason"));
  }
  // The refused Register created nothing: the clean spelling registers.
  Register("lee@example.com");
  ASSERT_TRUE(account_->process().Stop(SIGTERM, absl::Seconds(30)).ok());
  const std::string log = account_->Log();
  EXPECT_THAT(log, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(log, Not(HasSubstr("LEAKCHECK")));
  // protobuf's own complaint is a JSON debug line like every other line.
  EXPECT_THAT(log, HasSubstr("\"msg\":\"protobuf\""));
  EXPECT_THAT(log, Not(HasSubstr("[libprotobuf")));
}

// --- cactl question ----------------------------------------------------------------

TEST_F(SecurityTest, CactlQuestionChargesOneAndSaysWhatIsLeft) {
  StartAccount();
  const std::string token = Register("cactl.question@example.com").session().token();
  const std::string session_file = dir_->path() + "/cactl-question-session";
  std::ofstream(session_file) << token << "\n";
  auto question = [&] {
    return RunCommand({CA_CACTL_BINARY, "question", "--account_target=" + account_->target(),
                       "--credentials_dir=" + dir_->path(), "--session_file=" + session_file});
  };
  for (int left : {2, 1, 0}) {
    CommandResult asked = question();
    EXPECT_EQ(asked.exit_code, 0) << asked.output;
    EXPECT_THAT(asked.output, HasSubstr(absl::StrCat(left, " assistant question")));
  }
  CommandResult refused = question();
  EXPECT_EQ(refused.exit_code, 5) << refused.output;  // allowance exhausted
  EXPECT_THAT(refused.output, HasSubstr("Free accounts are limited to 3 questions a day"));
}

// --- Licensed CPT ---------------------------------------------------------------

class LicensedCptTest : public SecurityTest {
 protected:
  static constexpr char kTerms[] = "2026-e2e";

  void SetUp() override {
    SecurityTest::SetUp();
    if (!imported_) {
      CommandResult imported = RunCommand(
          {CA_IMPORT_BINARY, absl::StrCat("--cpt_file=", CA_CPT_LICENSED_FIXTURE_FILE),
           "--cpt_placeholder=false", absl::StrCat("--out_dir=", dir_->path(), "/licensed")});
      ASSERT_EQ(imported.exit_code, 0) << imported.output;
      imported_ = true;
    }
    StartAccount({absl::StrCat("--cpt_terms_version=", kTerms)});
    catalog_ = StartCatalog("catalog", kTerms);
    ASSERT_NE(catalog_, nullptr);
    catalog_stub_ = catalog_v1::CatalogService::NewStub(catalog_->channel());
  }

  std::unique_ptr<ServiceProcess> StartCatalog(const std::string& name, const std::string& terms) {
    auto catalog = ServiceProcess::Start(
        CA_CATALOG_BINARY, name, dir_->path(),
        {absl::StrCat("--snapshot_dir=", dir_->path(), "/licensed"),
         absl::StrCat("--account_target=", account_->target()),
         absl::StrCat("--client_credential_file=", dir_->path(), "/service-credential"),
         absl::StrCat("--service_credentials_file=", dir_->path(), "/service-credential"),
         absl::StrCat("--cpt_terms_version=", terms)});
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    return catalog.ok() ? *std::move(catalog) : nullptr;
  }

  catalog_v1::CodeDescriptor PageDescriptor(catalog_v1::CatalogService::Stub* stub,
                                            const std::string& token) {
    grpc::ClientContext context;
    Prepare(&context, token);
    catalog_v1::GetCodePageRequest request;
    request.set_code("99213");
    catalog_v1::GetCodePageResponse response;
    grpc::Status status = stub->GetCodePage(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
    return response.page().code().official_descriptor();
  }

  catalog_v1::CodeDescriptor HeaderDescriptor() {
    grpc::ClientContext context;
    Prepare(&context, "");
    catalog_v1::GetCodeRequest request;
    request.set_code("99213");
    catalog_v1::GetCodeResponse response;
    grpc::Status status = catalog_stub_->GetCode(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.code().official_descriptor();
  }

  grpc::Status AcceptTerms(const std::string& token, const std::string& version) {
    grpc::ClientContext context;
    Prepare(&context, token);
    account_v1::AcceptTermsRequest request;
    request.set_terms_version(version);
    account_v1::AcceptTermsResponse response;
    return account_stub_->AcceptTerms(&context, request, &response);
  }

  static bool imported_;
  std::unique_ptr<ServiceProcess> catalog_;
  std::unique_ptr<catalog_v1::CatalogService::Stub> catalog_stub_;
};

bool LicensedCptTest::imported_ = false;

TEST_F(LicensedCptTest, DescriptorAppearsOnTheCodePageOnlyAfterAcceptingTheTerms) {
  const std::string token = Register("licensed@example.com").session().token();
  catalog_v1::CodeDescriptor before = PageDescriptor(catalog_stub_.get(), token);
  EXPECT_FALSE(before.available());
  EXPECT_EQ(before.long_description(), "");
  EXPECT_EQ(before.notice().kind(), catalog_v1::Notice::KIND_LICENSED);
  EXPECT_THAT(before.unavailable_reason(), HasSubstr("accepting the CPT licence terms"));

  // Another version than the configured one is refused and changes nothing.
  EXPECT_EQ(AcceptTerms(token, "2025").error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_FALSE(PageDescriptor(catalog_stub_.get(), token).available());

  ASSERT_TRUE(AcceptTerms(token, kTerms).ok());
  catalog_v1::CodeDescriptor after = PageDescriptor(catalog_stub_.get(), token);
  EXPECT_TRUE(after.available());
  EXPECT_EQ(after.long_description(),
            "FIXTURE-LICENSED-TEXT 99213: invented wording for the licensed-serving tests");
  EXPECT_EQ(after.notice().kind(), catalog_v1::Notice::KIND_LICENSED);

  // The free header never carries licensed text, accepted terms or not.
  catalog_v1::CodeDescriptor header = HeaderDescriptor();
  EXPECT_FALSE(header.available());
  EXPECT_EQ(header.long_description(), "");
  EXPECT_THAT(header.unavailable_reason(), HasSubstr("licence terms"));

  // A catalog requiring a newer version withholds it again.
  std::unique_ptr<ServiceProcess> newer = StartCatalog("catalog-2027", "2027");
  ASSERT_NE(newer, nullptr);
  auto newer_stub = catalog_v1::CatalogService::NewStub(newer->channel());
  EXPECT_FALSE(PageDescriptor(newer_stub.get(), token).available());
}

TEST_F(LicensedCptTest, GuestsNeverSeeLicensedText) {
  grpc::ClientContext context;
  Prepare(&context, "");
  account_v1::StartGuestSessionResponse guest;
  ASSERT_TRUE(
      account_stub_->StartGuestSession(&context, account_v1::StartGuestSessionRequest(), &guest)
          .ok());
  EXPECT_EQ(AcceptTerms(guest.session().token(), kTerms).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  catalog_v1::CodeDescriptor page = PageDescriptor(catalog_stub_.get(), guest.session().token());
  EXPECT_FALSE(page.available());
  EXPECT_EQ(page.long_description(), "");
}

}  // namespace
}  // namespace codingahead::e2e
