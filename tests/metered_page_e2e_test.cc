// The metered code page end to end (DESIGN.md §4): real ca-catalog and
// ca-account binaries over loopback gRPC, a real Redis and PostgreSQL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

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

using ::testing::HasSubstr;
namespace catalog_v1 = ::codingahead::catalog::v1;
namespace account_v1 = ::codingahead::account::v1;

constexpr char kGuestExhausted[] =
    "0 code page views remaining. Guest accounts are limited to 1 page view. Register free "
    "account to get 5 more views.";
constexpr char kServiceCredential[] = "front-end-credential-0123456789abcdef0123456789";
constexpr char kOperatorCredential[] = "operator-credential-0123456789abcdef0123456789ab";
constexpr char kPassword[] = "correct horse battery staple 42";

// Distinct HCPCS codes present in every loaded release.
const std::vector<std::string>& Codes() {
  static const auto* codes = new std::vector<std::string>{
      "E0100", "E0105", "E0110", "E0111", "E0112", "E0113", "E0114", "E0116", "E0117", "E0118"};
  return *codes;
}

class MeteredPageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("ca-metered-e2e");
    CommandResult imported =
        RunCommand({CA_IMPORT_BINARY, absl::StrCat("--hcpcs_dir=", CA_SHARED_DATA_DIR, "/hcpcs"),
                    absl::StrCat("--cpt_file=", CA_CPT_SAMPLE_FILE),
                    absl::StrCat("--out_dir=", dir_->path(), "/catalog")});
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
    std::ofstream(dir_->path() + "/service-credential") << kServiceCredential << "\n";
    std::ofstream(dir_->path() + "/operator-credential") << kOperatorCredential << "\n";
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
    auto db_url = postgres_->CreateDatabase(absl::StrCat("metered_", ++database));
    ASSERT_TRUE(db_url.ok()) << db_url.status();
    std::string creds = dir_->path();
    auto suite = StartAccountAndCatalog(CA_ACCOUNT_BINARY, CA_CATALOG_BINARY, creds, redis_->url(),
                                        *db_url, CA_CONTENT_FILE);
    ASSERT_TRUE(suite.ok()) << suite.status();
    account_ = std::move(suite->account);
    catalog_ = std::move(suite->catalog);
    catalog_stub_ = catalog_v1::CatalogService::NewStub(catalog_->channel());
    account_stub_ = account_v1::AccountService::NewStub(account_->channel());
  }

  // A front end's call on behalf of the user at `client_ip`.
  void Prepare(grpc::ClientContext* context, const std::string& token,
               const std::string& client_ip = "198.51.100.7") {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    context->AddMetadata(common::kServiceCredentialHeader, kServiceCredential);
    context->AddMetadata(common::kClientIpHeader, client_ip);
    if (!token.empty()) context->AddMetadata(common::kAuthorizationHeader, "Bearer " + token);
  }

  std::string Guest(const std::string& client_ip = "198.51.100.7") {
    grpc::ClientContext context;
    Prepare(&context, "", client_ip);
    account_v1::StartGuestSessionResponse response;
    grpc::Status status = account_stub_->StartGuestSession(
        &context, account_v1::StartGuestSessionRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.session().token();
  }

  account_v1::RegisterResponse Register(const std::string& guest_token, const std::string& email) {
    grpc::ClientContext context;
    Prepare(&context, guest_token);
    account_v1::RegisterRequest request;
    request.set_email(email);
    request.set_password(kPassword);
    request.set_display_name("Ann Lee");
    account_v1::RegisterResponse response;
    grpc::Status status = account_stub_->Register(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Page(const std::string& token, const std::string& code,
                    catalog_v1::GetCodePageResponse* response, const std::string& request_id = "",
                    const std::string& client_ip = "198.51.100.7") {
    grpc::ClientContext context;
    Prepare(&context, token, client_ip);
    catalog_v1::GetCodePageRequest request;
    request.set_code(code);
    request.set_request_id(request_id);
    return catalog_stub_->GetCodePage(&context, request, response);
  }

  static testing::TempDir* dir_;
  static testing::PostgresServer* postgres_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<ServiceProcess> account_;
  std::unique_ptr<ServiceProcess> catalog_;
  std::unique_ptr<catalog_v1::CatalogService::Stub> catalog_stub_;
  std::unique_ptr<account_v1::AccountService::Stub> account_stub_;
};

testing::TempDir* MeteredPageTest::dir_ = nullptr;
testing::PostgresServer* MeteredPageTest::postgres_ = nullptr;

TEST_F(MeteredPageTest, GuestGetsOnePageWithPlaceholdersThenTheQuotaMessage) {
  std::string guest = Guest();
  catalog_v1::GetCodePageResponse page;
  ASSERT_TRUE(Page(guest, "E0601", &page).ok());
  EXPECT_EQ(page.page().code().code(), "E0601");
  EXPECT_TRUE(page.allowance().charged());
  EXPECT_EQ(page.allowance().views_remaining(), 0);
  EXPECT_FALSE(page.allowance().message().empty());
  ASSERT_GT(page.page().sections_size(), 0);
  for (const auto& s : page.page().sections()) {
    EXPECT_FALSE(s.visible());
    EXPECT_EQ(s.placeholder(), "Register to view content");
    EXPECT_EQ(s.fields_size(), 0);
  }

  catalog_v1::GetCodePageResponse refused;
  grpc::Status status = Page(guest, "E0602", &refused);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(), kGuestExhausted);
  auto quota = common::GetDetail<google::rpc::QuotaFailure>(status);
  ASSERT_TRUE(quota.has_value());
  EXPECT_GT(quota->violations_size(), 0);

  // Re-opening the unlocked code is free.
  catalog_v1::GetCodePageResponse again;
  ASSERT_TRUE(Page(guest, "E0601", &again).ok());
  EXPECT_FALSE(again.allowance().charged());

  // The header stays free for an exhausted caller.
  grpc::ClientContext context;
  Prepare(&context, guest);
  catalog_v1::GetCodeRequest header_request;
  header_request.set_code("E0602");
  catalog_v1::GetCodeResponse header;
  EXPECT_TRUE(catalog_stub_->GetCode(&context, header_request, &header).ok());
}

TEST_F(MeteredPageTest, NewGuestTokenFromTheSameAddressIsStillRefused) {
  catalog_v1::GetCodePageResponse page;
  ASSERT_TRUE(Page(Guest("203.0.113.9"), "E0601", &page, "", "203.0.113.9").ok());
  std::string second = Guest("203.0.113.9");
  grpc::Status status = Page(second, "E0602", &page, "", "203.0.113.9");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Another address is another allowance.
  EXPECT_TRUE(Page(Guest("203.0.113.10"), "E0602", &page, "", "203.0.113.10").ok());
}

TEST_F(MeteredPageTest, RegisteringKeepsTheGuestViewAndGrantsFiveMore) {
  std::string guest = Guest();
  catalog_v1::GetCodePageResponse page;
  ASSERT_TRUE(Page(guest, "E0601", &page).ok());
  std::string token = Register(guest, "ann@example.com").session().token();
  ASSERT_FALSE(token.empty());

  // The carried-over code is still unlocked, and free.
  ASSERT_TRUE(Page(token, "E0601", &page).ok());
  EXPECT_FALSE(page.allowance().charged());
  EXPECT_EQ(page.allowance().views_remaining(), 5);
  for (const auto& s : page.page().sections()) EXPECT_TRUE(s.visible()) << s.title();

  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Page(token, Codes()[i], &page).ok()) << Codes()[i];
    EXPECT_EQ(page.allowance().views_remaining(), 4 - i);
  }
  grpc::Status seventh = Page(token, Codes()[5], &page);
  EXPECT_EQ(seventh.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(common::GetDetail<google::rpc::QuotaFailure>(seventh).has_value());
}

TEST_F(MeteredPageTest, ProIsUnmetered) {
  account_v1::RegisterResponse registered = Register("", "pro@example.com");
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  context.AddMetadata(common::kServiceCredentialHeader, kOperatorCredential);
  account_v1::ChangePlanRequest change;
  change.set_account_id(registered.principal().account_id());
  change.set_plan_id("pro");
  change.set_reason("e2e test");
  account_v1::ChangePlanResponse changed;
  ASSERT_TRUE(account_stub_->ChangePlan(&context, change, &changed).ok());

  std::string token = registered.session().token();
  catalog_v1::GetCodePageResponse page;
  for (const auto& code : Codes()) {
    ASSERT_TRUE(Page(token, code, &page).ok()) << code;
    EXPECT_TRUE(page.allowance().unmetered());
  }
}

TEST_F(MeteredPageTest, HundredConcurrentPagesForTheLastViewExactlyOneSucceeds) {
  std::string token = Register("", "race@example.com").session().token();
  catalog_v1::GetCodePageResponse page;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Page(token, Codes()[i], &page).ok());

  // 100 distinct codes that exist (GetCode is free), none unlocked yet.
  std::vector<std::string> codes;
  for (int n = 4000; n < 5000 && codes.size() < 100; ++n) {
    grpc::ClientContext context;
    Prepare(&context, "");
    catalog_v1::GetCodeRequest request;
    request.set_code(absl::StrCat("A", n));
    catalog_v1::GetCodeResponse header;
    if (catalog_stub_->GetCode(&context, request, &header).ok()) codes.push_back(request.code());
  }
  ASSERT_EQ(codes.size(), 100u);
  std::atomic<int> ok{0}, exhausted{0}, other{0};
  std::vector<std::thread> threads;
  for (const auto& code : codes) {
    threads.emplace_back([&, code] {
      catalog_v1::GetCodePageResponse response;
      grpc::Status status = Page(token, code, &response);
      if (status.ok()) {
        ++ok;
      } else if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        ++exhausted;
      } else {
        ++other;
        ADD_FAILURE() << code << ": " << status.error_message();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(exhausted.load(), 99);
}

TEST_F(MeteredPageTest, RequestIdIsBoundToItsCode) {
  std::string token = Register("", "idem@example.com").session().token();
  catalog_v1::GetCodePageResponse first, retry;
  ASSERT_TRUE(Page(token, "E0601", &first, "req-1").ok());
  ASSERT_TRUE(Page(token, "E0601", &retry, "req-1").ok());
  EXPECT_EQ(retry.allowance().views_remaining(), first.allowance().views_remaining());
  EXPECT_EQ(first.allowance().views_remaining(), 5);

  catalog_v1::GetCodePageResponse other;
  grpc::Status reused = Page(token, "E0602", &other, "req-1");
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto bad = common::GetDetail<google::rpc::BadRequest>(reused);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->field_violations(0).field(), "request_id");
}

TEST_F(MeteredPageTest, RedisStoppedIsUnavailableNeverAFreeViewAndCountsSurvive) {
  std::string token = Register("", "outage@example.com").session().token();
  catalog_v1::GetCodePageResponse page;
  ASSERT_TRUE(Page(token, "E0601", &page).ok());
  ASSERT_TRUE(Page(token, "E0602", &page).ok());
  ASSERT_EQ(page.allowance().views_remaining(), 4);

  ASSERT_TRUE(redis_->Stop().ok());
  grpc::Status down = Page(token, "E0603", &page);
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << down.error_message();

  ASSERT_TRUE(redis_->Restart().ok());
  ASSERT_TRUE(
      testing::WaitUntil([&] { return Page(token, "E0601", &page).ok(); }, absl::Seconds(10)));
  EXPECT_FALSE(page.allowance().charged());
  EXPECT_EQ(page.allowance().views_remaining(), 4) << "counts intact, nothing charged while down";
}

TEST_F(MeteredPageTest, BadSessionsAndInputAreRefusedPrecisely) {
  catalog_v1::GetCodePageResponse page;
  EXPECT_EQ(Page("", "E0601", &page).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Page("garbage", "E0601", &page).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Page(std::string(5000, 'x'), "E0601", &page).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  std::string guest = Guest();
  // Refused before anything is charged.
  EXPECT_EQ(Page(guest, "Q9998", &page).error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::Status bad_id = Page(guest, "E0601", &page, std::string(500, 'r'));
  EXPECT_EQ(bad_id.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Page(guest, "", &page).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // The guest's one view is still there.
  ASSERT_TRUE(Page(guest, "E0601", &page).ok());
  EXPECT_TRUE(page.allowance().charged());
}

// The README's cactl session.
TEST_F(MeteredPageTest, ReadmeCactlSession) {
  std::string creds = dir_->path() + "/cactl";
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
    // Feed the password through a shell pipe.
    std::string command = "printf '%s\\n' '" + stdin_text + "' |";
    for (const auto& a : argv) command += " '" + a + "'";
    return RunCommand({"/bin/sh", "-c", command});
  };

  EXPECT_EQ(cactl({"guest"}).exit_code, 0);
  CommandResult first = cactl({"page", "E0601"});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("Register to view content"));
  CommandResult second = cactl({"page", "E0602"});
  EXPECT_EQ(second.exit_code, 5) << second.output;
  EXPECT_THAT(second.output, HasSubstr(kGuestExhausted));

  CommandResult registered =
      cactl({"register", "ann@example.com", "--name", "Ann Lee", "--password_stdin"}, kPassword);
  ASSERT_EQ(registered.exit_code, 0) << registered.output;
  CommandResult third = cactl({"page", "E0602"});
  ASSERT_EQ(third.exit_code, 0) << third.output;
  EXPECT_THAT(third.output, ::testing::Not(HasSubstr("Register to view content")));
  EXPECT_THAT(third.output, HasSubstr("4 code page views remaining"));
  CommandResult quota = cactl({"quota"});
  ASSERT_EQ(quota.exit_code, 0) << quota.output;
  EXPECT_THAT(quota.output, HasSubstr("4 code page views remaining"));
  EXPECT_EQ(cactl({"logout"}).exit_code, 0);
  EXPECT_EQ(cactl({"quota"}).exit_code, 6);
  CommandResult login = cactl({"login", "ann@example.com", "--password_stdin"}, kPassword);
  ASSERT_EQ(login.exit_code, 0) << login.output;
  EXPECT_EQ(cactl({"page", "E0601"}).exit_code, 0);
}

}  // namespace
}  // namespace codingahead::e2e
