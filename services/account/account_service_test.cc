// The account service over real gRPC on loopback, against real Redis and
// PostgreSQL: what the catalog and the front ends see.
#include "services/account/account_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/server.h"
#include "common/status.h"
#include "services/account/account_test_env.h"

namespace codingahead::account {
namespace {

using ::testing::HasSubstr;

constexpr char kGuestExhausted[] =
    "0 code page views remaining. Guest accounts are limited to 1 page view. "
    "Register free "
    "account to get 5 more views.";
constexpr char kFreeExhausted[] =
    "0 code page views remaining. Free accounts are limited to 6 code page "
    "views per month. "
    "Upgrade to Pro for unlimited views.";
constexpr char kServiceCredential[] = "front-end-credential-0123456789abcdef0123456789";
constexpr char kOperatorCredential[] = "operator-credential-0123456789abcdef0123456789ab";
constexpr char kPassword[] = "correct horse battery staple";

// Who calls: the end user directly, or a front end / the catalog with its
// service credential forwarding the user's address, or an operator.
struct As {
  std::string token = {};
  bool service = false;
  bool operator_ = false;
  std::string client_ip = {};
};

std::string Code(int i) { return absl::StrCat("A", 4000 + i); }

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto env = AccountTestEnv::Create();
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = *std::move(env);
    credentials_ =
        std::make_unique<common::CallerCredentials>(std::vector<std::string>{kServiceCredential},
                                                    std::vector<std::string>{kOperatorCredential});
    store_pool_ = std::make_unique<common::ThreadPool>(8);
    hash_pool_ = std::make_unique<common::ThreadPool>(2);
    service_ = std::make_unique<AccountServiceImpl>(&env_->logic(), credentials_.get(),
                                                    store_pool_.get(), hash_pool_.get());
    common::ServerConfig config;
    config.service_name = "account";
    config.listen = "127.0.0.1:0";
    config.access_log_sample_rate = 0;
    config.drain = absl::Seconds(5);
    auto server = common::ServiceServer::Start(config, nullptr, {service_.get()},
                                               {"codingahead.account.v1.AccountService"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::AccountService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_) server_->Shutdown(absl::Now() + absl::Seconds(5));
    server_.reset();
    service_.reset();
    store_pool_.reset();
    hash_pool_.reset();
    env_.reset();
  }

  static void Prepare(grpc::ClientContext* context, const As& as) {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!as.token.empty()) context->AddMetadata("authorization", "Bearer " + as.token);
    if (as.service) context->AddMetadata("x-service-credential", kServiceCredential);
    if (as.operator_) context->AddMetadata("x-service-credential", kOperatorCredential);
    if (!as.client_ip.empty()) context->AddMetadata("x-client-ip", as.client_ip);
  }

  // A guest token, created through a front end for the user at `client_ip`.
  std::string Guest(const std::string& client_ip = "198.51.100.7") {
    grpc::ClientContext context;
    Prepare(&context, {.service = true, .client_ip = client_ip});
    v1::StartGuestSessionResponse response;
    grpc::Status status = stub_->StartGuestSession(&context, {}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.session().token();
  }

  grpc::Status Register(const std::string& email, v1::RegisterResponse* response,
                        const std::string& guest_token = "",
                        const std::string& password = kPassword) {
    grpc::ClientContext context;
    Prepare(&context, {.token = guest_token, .service = true});
    v1::RegisterRequest request;
    request.set_email(email);
    request.set_password(password);
    request.set_display_name("Ann Lee");
    return stub_->Register(&context, request, response);
  }

  std::string Account(const std::string& email, const std::string& guest_token = "") {
    v1::RegisterResponse response;
    grpc::Status status = Register(email, &response, guest_token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.session().token();
  }

  // ConsumeView as the catalog calls it: service credential, the user's
  // token and address in the metadata.
  grpc::Status View(const std::string& token, const std::string& code,
                    v1::ConsumeViewResponse* response, const std::string& request_id = "",
                    const std::string& client_ip = "198.51.100.7") {
    grpc::ClientContext context;
    Prepare(&context, {.token = token, .service = true, .client_ip = client_ip});
    v1::ConsumeViewRequest request;
    request.set_code(code);
    request.set_code_set("CODE_SET_HCPCS");
    request.set_request_id(request_id);
    return stub_->ConsumeView(&context, request, response);
  }

  grpc::Status Quota(const std::string& token, v1::GetQuotaResponse* response) {
    grpc::ClientContext context;
    Prepare(&context, {.token = token});
    return stub_->GetQuota(&context, {}, response);
  }

  grpc::Status Login(const std::string& email, const std::string& password,
                     v1::LoginResponse* response) {
    grpc::ClientContext context;
    Prepare(&context, {});
    v1::LoginRequest request;
    request.set_email(email);
    request.set_password(password);
    return stub_->Login(&context, request, response);
  }

  grpc::Status Validate(const std::string& token, v1::ValidateSessionResponse* response) {
    grpc::ClientContext context;
    Prepare(&context, {.token = token, .service = true});
    return stub_->ValidateSession(&context, {}, response);
  }

  grpc::Status ChangePlan(int64_t account_id, const std::string& plan, const As& as,
                          v1::ChangePlanResponse* response) {
    grpc::ClientContext context;
    Prepare(&context, as);
    v1::ChangePlanRequest request;
    request.set_account_id(account_id);
    request.set_plan_id(plan);
    request.set_reason("support ticket 42");
    return stub_->ChangePlan(&context, request, response);
  }

  std::unique_ptr<AccountTestEnv> env_;
  std::unique_ptr<common::CallerCredentials> credentials_;
  std::unique_ptr<common::ThreadPool> store_pool_;
  std::unique_ptr<common::ThreadPool> hash_pool_;
  std::unique_ptr<AccountServiceImpl> service_;
  std::unique_ptr<common::ServiceServer> server_;
  std::unique_ptr<v1::AccountService::Stub> stub_;
};

TEST_F(AccountServiceTest, GuestGetsOneViewThenResourceExhaustedWithTheExactMessage) {
  std::string guest = Guest();
  v1::ConsumeViewResponse first;
  grpc::Status status = View(guest, "E0601", &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(first.charged());
  EXPECT_FALSE(first.sections_visible());
  EXPECT_EQ(first.principal().kind(), v1::Principal::KIND_GUEST);
  EXPECT_EQ(first.principal().plan().id(), "guest");
  EXPECT_EQ(first.views().kind(), v1::Allowance::KIND_CODE_PAGE_VIEWS);
  EXPECT_EQ(first.views().limit(), 1);
  EXPECT_EQ(first.views().used(), 1);
  EXPECT_EQ(first.views().remaining(), 0);
  EXPECT_EQ(first.views().message(), kGuestExhausted);

  v1::ConsumeViewResponse second;
  grpc::Status refused = View(guest, "E0602", &second);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refused.error_message(), kGuestExhausted);
  auto quota = common::GetDetail<google::rpc::QuotaFailure>(refused);
  ASSERT_TRUE(quota.has_value());
  ASSERT_GE(quota->violations_size(), 1);
  EXPECT_EQ(quota->violations(quota->violations_size() - 1).subject(),
            first.principal().owner_id());
}

TEST_F(AccountServiceTest, ReopeningAnUnlockedCodeIsFree) {
  std::string guest = Guest();
  v1::ConsumeViewResponse response;
  ASSERT_TRUE(View(guest, "E0601", &response).ok());
  for (int i = 0; i < 3; ++i) {
    v1::ConsumeViewResponse again;
    grpc::Status status = View(guest, "e0601", &again);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(again.charged());
    EXPECT_EQ(again.views().used(), 1);
  }
}

TEST_F(AccountServiceTest, NewGuestTokenFromTheSameAddressIsRefused) {
  v1::ConsumeViewResponse response;
  ASSERT_TRUE(View(Guest("203.0.113.9"), "E0601", &response, "", "203.0.113.9").ok());
  grpc::Status refused = View(Guest("203.0.113.9"), "E0602", &response, "", "203.0.113.9");
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refused.error_message(), kGuestExhausted);
  auto quota = common::GetDetail<google::rpc::QuotaFailure>(refused);
  ASSERT_TRUE(quota.has_value());
  EXPECT_EQ(quota->violations(0).subject(), "ip:203.0.113.9");
  EXPECT_TRUE(View(Guest("203.0.113.10"), "E0602", &response, "", "203.0.113.10").ok());
}

TEST_F(AccountServiceTest, RegisteringKeepsTheGuestViewGrantsFiveMoreAndRefusesTheSeventh) {
  std::string guest = Guest();
  v1::ConsumeViewResponse response;
  ASSERT_TRUE(View(guest, "E0601", &response).ok());
  v1::RegisterResponse registered;
  grpc::Status status = Register("ann@example.com", &registered, guest);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(registered.principal().kind(), v1::Principal::KIND_ACCOUNT);
  EXPECT_EQ(registered.principal().plan().id(), "free");
  EXPECT_EQ(registered.principal().email(), "ann@example.com");
  EXPECT_EQ(registered.views().remaining(), 5);
  EXPECT_EQ(registered.views().message(), "5 code page views remaining.");
  std::string token = registered.session().token();
  EXPECT_THAT(token,
              ::testing::StartsWith(absl::StrCat("a", registered.principal().account_id(), ".")));

  ASSERT_TRUE(View(token, "E0601", &response).ok());
  EXPECT_FALSE(response.charged());
  EXPECT_TRUE(response.sections_visible());
  for (int i = 0; i < 5; ++i) {
    status = View(token, Code(i), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(response.charged());
    EXPECT_EQ(response.views().remaining(), 4 - i);
  }
  EXPECT_EQ(response.views().message(), kFreeExhausted);
  grpc::Status seventh = View(token, Code(5), &response);
  ASSERT_EQ(seventh.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(seventh.error_message(), kFreeExhausted);
  auto quota = common::GetDetail<google::rpc::QuotaFailure>(seventh);
  ASSERT_TRUE(quota.has_value());
  EXPECT_EQ(quota->violations(0).subject(),
            absl::StrCat("acct:", registered.principal().account_id()));
}

TEST_F(AccountServiceTest, ProAfterAnOperatorsChangePlanIsUnmetered) {
  v1::RegisterResponse registered;
  ASSERT_TRUE(Register("pro@example.com", &registered).ok());
  v1::ChangePlanResponse changed;
  grpc::Status status =
      ChangePlan(registered.principal().account_id(), "pro", {.operator_ = true}, &changed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(changed.principal().plan().id(), "pro");
  for (int i = 0; i < 12; ++i) {
    v1::ConsumeViewResponse response;
    status = View(registered.session().token(), Code(i), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(response.views().unmetered());
    EXPECT_FALSE(response.charged());
    EXPECT_TRUE(response.sections_visible());
    EXPECT_EQ(response.views().message(), "Unlimited code page views with your plan.");
  }
}

TEST_F(AccountServiceTest, ChangePlanWithoutAnOperatorCredentialIsPermissionDenied) {
  v1::RegisterResponse registered;
  ASSERT_TRUE(Register("denied@example.com", &registered).ok());
  v1::ChangePlanResponse changed;
  for (const As& as : {As{}, As{.token = registered.session().token()}, As{.service = true}}) {
    EXPECT_EQ(ChangePlan(registered.principal().account_id(), "pro", as, &changed).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  v1::ConsumeViewResponse response;
  ASSERT_TRUE(View(registered.session().token(), "E0601", &response).ok());
  EXPECT_FALSE(response.views().unmetered());
}

TEST_F(AccountServiceTest, HundredConcurrentViewsForTheLastViewExactlyOneSucceeds) {
  std::string token = Account("race@example.com");
  v1::ConsumeViewResponse response;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(View(token, Code(i), &response).ok());
  std::atomic<int> ok{0}, exhausted{0};
  std::vector<std::thread> threads;
  for (int i = 100; i < 200; ++i) {
    threads.emplace_back([&, i] {
      v1::ConsumeViewResponse r;
      grpc::Status status = View(token, Code(i), &r);
      if (status.ok()) {
        ++ok;
      } else if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        ++exhausted;
      } else {
        ADD_FAILURE() << status.error_code() << " " << status.error_message();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(exhausted.load(), 99);
  v1::GetQuotaResponse quota;
  ASSERT_TRUE(Quota(token, &quota).ok());
  EXPECT_EQ(quota.allowances(0).used(), 6);
}

TEST_F(AccountServiceTest, RequestIdReusedForAnotherCodeIsInvalidArgument) {
  std::string token = Account("reuse@example.com");
  v1::ConsumeViewResponse response;
  ASSERT_TRUE(View(token, "E0601", &response, "req-1").ok());
  grpc::Status reused = View(token, "E0602", &response, "req-1");
  ASSERT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto bad = common::GetDetail<google::rpc::BadRequest>(reused);
  ASSERT_TRUE(bad.has_value());
  ASSERT_EQ(bad->field_violations_size(), 1);
  EXPECT_EQ(bad->field_violations(0).field(), "request_id");
  v1::GetQuotaResponse quota;
  ASSERT_TRUE(Quota(token, &quota).ok());
  EXPECT_EQ(quota.allowances(0).used(), 1);
}

TEST_F(AccountServiceTest, RetriedRequestIdIsChargedOnce) {
  std::string token = Account("retry@example.com");
  v1::ConsumeViewResponse first;
  ASSERT_TRUE(View(token, "E0601", &first, "req-1").ok());
  for (int i = 0; i < 3; ++i) {
    v1::ConsumeViewResponse retry;
    ASSERT_TRUE(View(token, "E0601", &retry, "req-1").ok());
    EXPECT_EQ(retry.charged(), first.charged());
    EXPECT_EQ(retry.views().remaining(), first.views().remaining());
  }
  EXPECT_TRUE(first.charged());
  EXPECT_EQ(first.views().remaining(), 5);
  v1::GetQuotaResponse quota;
  ASSERT_TRUE(Quota(token, &quota).ok());
  EXPECT_EQ(quota.allowances(0).used(), 1);
}

TEST_F(AccountServiceTest, RedisDownIsUnavailableNeverAFreeViewAndCountsSurviveARestart) {
  std::string token = Account("outage@example.com");
  std::string guest = Guest();
  v1::ConsumeViewResponse response;
  ASSERT_TRUE(View(token, "E0601", &response).ok());
  ASSERT_TRUE(View(token, "E0602", &response).ok());

  // appendfsync everysec acknowledges writes before they reach the AOF (a
  // crash may lose the last second): wait until Redis wrote them, then crash.
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto info = env_->redis().Command({"INFO", "persistence"});
        return info.ok() && absl::StrContains(info->str(), "aof_buffer_length:0\r\n") &&
               absl::StrContains(info->str(), "aof_pending_bio_fsync:0\r\n");
      },
      absl::Seconds(10)));
  ASSERT_TRUE(env_->redis_server().Kill().ok());
  grpc::Status down = View(token, "E0603", &response);
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << down.error_message();
  EXPECT_EQ(View(guest, "E0603", &response).error_code(), grpc::StatusCode::UNAVAILABLE);
  v1::ValidateSessionResponse validated;
  EXPECT_EQ(Validate(token, &validated).error_code(), grpc::StatusCode::UNAVAILABLE);
  // Malformed tokens are refused without a Redis round trip.
  EXPECT_EQ(View("a1.garbage", "E0603", &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  {
    grpc::ClientContext context;
    Prepare(&context, {.service = true});
    v1::StartGuestSessionResponse started;
    EXPECT_EQ(stub_->StartGuestSession(&context, {}, &started).error_code(),
              grpc::StatusCode::UNAVAILABLE);
  }

  ASSERT_TRUE(env_->redis_server().Restart().ok());
  v1::GetQuotaResponse quota;
  grpc::Status back = Quota(token, &quota);
  ASSERT_TRUE(back.ok()) << back.error_message();
  EXPECT_EQ(quota.allowances(0).used(), 2);
  EXPECT_EQ(quota.allowances(0).remaining(), 4);
  ASSERT_TRUE(View(token, "E0603", &response).ok());
  EXPECT_TRUE(response.charged());
  EXPECT_EQ(response.views().remaining(), 3);
  // The guest's view was not spent while Redis was down.
  ASSERT_TRUE(View(guest, "E0604", &response).ok());
  EXPECT_TRUE(response.charged());
}

TEST_F(AccountServiceTest, ClientIpFromACallerWithoutServiceCredentialIsIgnored) {
  // Straight from the user (no service credential): x-client-ip is ignored,
  // the loopback peer address is charged.
  auto direct = [&](const std::string& token, const std::string& code,
                    const std::string& claimed_ip) {
    grpc::ClientContext context;
    Prepare(&context, {.token = token, .client_ip = claimed_ip});
    v1::ConsumeViewRequest request;
    request.set_code(code);
    request.set_code_set("HCPCS");
    v1::ConsumeViewResponse response;
    return stub_->ConsumeView(&context, request, &response);
  };
  ASSERT_TRUE(direct(Guest(), "E0601", "192.0.2.1").ok());
  grpc::Status refused = direct(Guest(), "E0602", "192.0.2.2");
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  auto quota = common::GetDetail<google::rpc::QuotaFailure>(refused);
  ASSERT_TRUE(quota.has_value());
  EXPECT_EQ(quota->violations(0).subject(), "ip:127.0.0.1");
  // Through the catalog (service credential) the forwarded address counts.
  v1::ConsumeViewResponse response;
  EXPECT_TRUE(View(Guest(), "E0602", &response, "", "192.0.2.2").ok());
  EXPECT_EQ(View(Guest(), "E0603", &response, "", "192.0.2.2").error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(AccountServiceTest, MissingGarbageAndExpiredTokensAreUnauthenticated) {
  v1::ConsumeViewResponse response;
  std::string account = Account("expiry@example.com");
  const std::string valid_secret = account.substr(account.find('.') + 1);
  for (const std::string& token :
       {std::string(""), std::string("garbage"), std::string("Bearer"),
        "a1." + std::string(43, '!'), "g0123456789abcdef." + valid_secret,
        "a999999." + valid_secret, account + "x"}) {
    EXPECT_EQ(View(token, "E0601", &response).error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << token;
    v1::ValidateSessionResponse validated;
    EXPECT_EQ(Validate(token, &validated).error_code(), grpc::StatusCode::UNAUTHENTICATED) << token;
  }
  {
    grpc::ClientContext context;
    Prepare(&context, {});
    context.AddMetadata("authorization", "Basic dXNlcjpwYXNz");
    v1::GetQuotaResponse quota;
    EXPECT_EQ(stub_->GetQuota(&context, {}, &quota).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  v1::ValidateSessionResponse validated;
  ASSERT_TRUE(Validate(account, &validated).ok());
  env_->clock().Advance(absl::Minutes(31));
  EXPECT_EQ(Validate(account, &validated).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(View(account, "E0601", &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AccountServiceTest, LogoutEndsTheSessionAndAReplayIsUnauthenticated) {
  std::string token = Account("logout@example.com");
  auto logout = [&] {
    grpc::ClientContext context;
    Prepare(&context, {.token = token});
    v1::LogoutResponse response;
    return stub_->Logout(&context, {}, &response);
  };
  ASSERT_TRUE(logout().ok());
  EXPECT_EQ(logout().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  v1::ValidateSessionResponse validated;
  EXPECT_EQ(Validate(token, &validated).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AccountServiceTest, ValidateSessionReturnsThePrincipalAndGetQuotaChargesNothing) {
  std::string token = Account("who@example.com");
  v1::ValidateSessionResponse validated;
  ASSERT_TRUE(Validate(token, &validated).ok());
  EXPECT_EQ(validated.principal().kind(), v1::Principal::KIND_ACCOUNT);
  EXPECT_EQ(validated.principal().email(), "who@example.com");
  EXPECT_EQ(validated.principal().display_name(), "Ann Lee");
  EXPECT_EQ(validated.principal().plan().id(), "free");
  EXPECT_TRUE(validated.principal().plan().sections_visible());
  EXPECT_EQ(validated.expires_at().seconds() - validated.idle_expires_at().seconds(),
            11 * 3600 + 30 * 60);
  // The token may also travel in the request (a service validating for a user).
  {
    grpc::ClientContext context;
    Prepare(&context, {.service = true});
    v1::ValidateSessionRequest request;
    request.set_token(token);
    v1::ValidateSessionResponse by_field;
    ASSERT_TRUE(stub_->ValidateSession(&context, request, &by_field).ok());
    EXPECT_EQ(by_field.principal().account_id(), validated.principal().account_id());
  }
  for (int i = 0; i < 3; ++i) {
    v1::GetQuotaResponse quota;
    ASSERT_TRUE(Quota(token, &quota).ok());
    EXPECT_EQ(quota.allowances(0).used(), 0);
    EXPECT_EQ(quota.allowances(0).remaining(), 6);
    EXPECT_EQ(quota.allowances(0).message(), "6 code page views remaining.");
  }
}

TEST_F(AccountServiceTest, OversizedAndMissingFieldsAreInvalidArgumentNamingTheField) {
  auto field_of = [](const grpc::Status& status) -> std::string {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    auto bad = common::GetDetail<google::rpc::BadRequest>(status);
    if (!bad.has_value() || bad->field_violations_size() == 0) return "<none>";
    return bad->field_violations(0).field();
  };
  auto reg = [&](const std::string& email, const std::string& password, const std::string& name,
                 const std::string& request_id) {
    grpc::ClientContext context;
    Prepare(&context, {});
    v1::RegisterRequest request;
    request.set_email(email);
    request.set_password(password);
    request.set_display_name(name);
    request.set_request_id(request_id);
    v1::RegisterResponse response;
    return stub_->Register(&context, request, &response);
  };
  EXPECT_EQ(field_of(reg(std::string(250, 'a') + "@b.com", kPassword, "A", "")), "email");
  EXPECT_EQ(field_of(reg("", kPassword, "A", "")), "email");
  EXPECT_EQ(field_of(reg("a@b.com", std::string(129, 'p'), "A", "")), "password");
  EXPECT_EQ(field_of(reg("a@b.com", "short", "A", "")), "password");
  EXPECT_EQ(field_of(reg("a@b.com", kPassword, std::string(101, 'n'), "")), "display_name");
  EXPECT_EQ(field_of(reg("a@b.com", kPassword, "", "")), "display_name");
  EXPECT_EQ(field_of(reg("a@b.com", kPassword, "A", std::string(129, 'r'))), "request_id");

  v1::LoginResponse login;
  EXPECT_EQ(field_of(Login(std::string(255, 'a'), kPassword, &login)), "email");
  EXPECT_EQ(field_of(Login("a@b.com", std::string(129, 'p'), &login)), "password");
  EXPECT_EQ(field_of(Login("a@b.com", "", &login)), "password");

  std::string token = Guest();
  auto view = [&](const std::string& code, const std::string& code_set,
                  const std::string& request_id, const std::string& field_token) {
    grpc::ClientContext context;
    Prepare(&context, {.token = token, .service = true});
    v1::ConsumeViewRequest request;
    request.set_code(code);
    request.set_code_set(code_set);
    request.set_request_id(request_id);
    request.set_token(field_token);
    v1::ConsumeViewResponse response;
    return stub_->ConsumeView(&context, request, &response);
  };
  EXPECT_EQ(field_of(view(std::string(17, 'A'), "HCPCS", "", "")), "code");
  EXPECT_EQ(field_of(view("", "HCPCS", "", "")), "code");
  EXPECT_EQ(field_of(view("E0601", std::string(33, 'H'), "", "")), "code_set");
  EXPECT_EQ(field_of(view("E0601", "", "", "")), "code_set");
  EXPECT_EQ(field_of(view("E0601", "HCPCS", std::string(129, 'r'), "")), "request_id");
  EXPECT_EQ(field_of(view("E0601", "HCPCS", "bad id", "")), "request_id");
  EXPECT_EQ(field_of(view("E0601", "HCPCS", "", std::string(1025, 't'))), "token");
  {
    grpc::ClientContext context;
    Prepare(&context, {});
    v1::ValidateSessionRequest request;
    request.set_token(std::string(1025, 't'));
    v1::ValidateSessionResponse response;
    EXPECT_EQ(field_of(stub_->ValidateSession(&context, request, &response)), "token");
  }
  v1::ChangePlanResponse changed;
  EXPECT_EQ(field_of(ChangePlan(0, "pro", {.operator_ = true}, &changed)), "account_id");
  EXPECT_EQ(field_of(ChangePlan(1, std::string(33, 'p'), {.operator_ = true}, &changed)),
            "plan_id");
  // Nothing was charged by the refused calls.
  v1::GetQuotaResponse quota;
  ASSERT_TRUE(Quota(token, &quota).ok());
  EXPECT_EQ(quota.allowances(0).used(), 0);
}

TEST_F(AccountServiceTest, ConsumeQuestionChargesThreeADayThenQuotaFailure) {
  std::string token = Account("questions@example.com");
  auto ask = [&](const std::string& request_id, v1::ConsumeQuestionResponse* response) {
    grpc::ClientContext context;
    Prepare(&context, {.token = token, .service = true});
    v1::ConsumeQuestionRequest request;
    request.set_request_id(request_id);
    return stub_->ConsumeQuestion(&context, request, response);
  };
  v1::ConsumeQuestionResponse response;
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(ask(absl::StrCat("q", i), &response).ok());
    EXPECT_EQ(response.questions().remaining(), 3 - i);
  }
  ASSERT_TRUE(ask("q1", &response).ok());  // a retry
  EXPECT_EQ(response.questions().used(), 3);
  grpc::Status refused = ask("q4", &response);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(), HasSubstr("0 assistant questions remaining today."));
  auto quota = common::GetDetail<google::rpc::QuotaFailure>(refused);
  ASSERT_TRUE(quota.has_value());
  EXPECT_THAT(quota->violations(0).subject(), ::testing::StartsWith("acct:"));
}

// Proto3 strings must be UTF-8: the protobuf runtime refuses such a request
// before the service sees it, and gRPC 1.51's callback server answers a
// request that does not parse UNIMPLEMENTED with no message
// (docs/account.md "Bad input"). Nothing is created.
TEST_F(AccountServiceTest, NonUtf8StringOverTheWireIsInvalidArgumentOnTheField) {
  grpc::ClientContext context;
  Prepare(&context, {.service = true});
  v1::RegisterRequest request;
  request.set_email("utf8@example.com");
  request.set_password(kPassword);
  request.set_display_name("Ann \xff Lee");
  v1::RegisterResponse response;
  grpc::Status status = stub_->Register(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  auto bad = common::GetDetail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad.has_value());
  ASSERT_EQ(bad->field_violations_size(), 1);
  EXPECT_EQ(bad->field_violations(0).field(), "display_name");
  EXPECT_EQ(bad->field_violations(0).description(), "must be valid UTF-8");
  EXPECT_TRUE(response.session().token().empty());
  EXPECT_TRUE(Register("utf8@example.com", &response).ok());
}

TEST_F(AccountServiceTest, DuplicateEmailIsAlreadyExists) {
  v1::RegisterResponse response;
  ASSERT_TRUE(Register("dup@example.com", &response).ok());
  grpc::Status again = Register("  DUP@Example.com ", &response);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(again.error_message(), HasSubstr("already exists"));
}

TEST_F(AccountServiceTest, WrongPasswordAndUnknownEmailLookTheSame) {
  std::string token = Account("same@example.com");
  v1::LoginResponse response;
  grpc::Status wrong = Login("same@example.com", "not the password", &response);
  grpc::Status unknown = Login("nobody@example.com", kPassword, &response);
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong.error_message(), "email or password is incorrect");
  EXPECT_EQ(unknown.error_message(), wrong.error_message());
  EXPECT_EQ(unknown.error_details(), wrong.error_details());

  grpc::Status ok = Login("  Same@Example.COM", kPassword, &response);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(response.principal().email(), "same@example.com");
  EXPECT_NE(response.session().token(), token);
}

// --- Accounts and security (ASVS L2) over gRPC ---------------------------

TEST_F(AccountServiceTest, WeakPasswordIsInvalidArgumentNamingWhy) {
  v1::RegisterResponse response;
  grpc::Status weak = Register("weakpw@example.com", &response, "", "password1");
  ASSERT_EQ(weak.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto bad = common::GetDetail<google::rpc::BadRequest>(weak);
  ASSERT_TRUE(bad.has_value());
  ASSERT_EQ(bad->field_violations_size(), 1);
  EXPECT_EQ(bad->field_violations(0).field(), "password");
  EXPECT_THAT(bad->field_violations(0).description(), HasSubstr("commonly used"));
  EXPECT_THAT(weak.error_message() + bad->DebugString(), ::testing::Not(HasSubstr("password1")));
}

TEST_F(AccountServiceTest, LoginThrottleAnswersWithRetryInfoAndQuotaFailure) {
  Account("slow@example.com");
  v1::LoginResponse response;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Login("slow@example.com", "not the password", &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  grpc::Status blocked = Login("slow@example.com", kPassword, &response);
  ASSERT_EQ(blocked.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  auto retry = common::GetDetail<google::rpc::RetryInfo>(blocked);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 1);
  auto quota = common::GetDetail<google::rpc::QuotaFailure>(blocked);
  ASSERT_TRUE(quota.has_value());
  EXPECT_EQ(quota->violations(0).subject(), "login:email");
  env_->clock().Advance(absl::Seconds(1));
  grpc::Status ok = Login("slow@example.com", kPassword, &response);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
}

TEST_F(AccountServiceTest, ChangePasswordLogoutAllAndAcceptTerms) {
  v1::RegisterResponse registered;
  ASSERT_TRUE(Register("flow@example.com", &registered).ok());
  const std::string mine = registered.session().token();
  v1::LoginResponse other;
  ASSERT_TRUE(Login("flow@example.com", kPassword, &other).ok());

  {
    grpc::ClientContext context;
    Prepare(&context, {.token = mine});
    v1::AcceptTermsRequest request;
    request.set_terms_version("1999");
    v1::AcceptTermsResponse response;
    grpc::Status old = stub_->AcceptTerms(&context, request, &response);
    EXPECT_EQ(old.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(old.error_message(), HasSubstr("2026"));
  }
  {
    grpc::ClientContext context;
    Prepare(&context, {.token = mine});
    v1::AcceptTermsRequest request;
    request.set_terms_version("2026");
    v1::AcceptTermsResponse response;
    grpc::Status accepted = stub_->AcceptTerms(&context, request, &response);
    ASSERT_TRUE(accepted.ok()) << accepted.error_message();
    EXPECT_EQ(response.terms_version(), "2026");
  }
  v1::ValidateSessionResponse validated;
  ASSERT_TRUE(Validate(other.session().token(), &validated).ok());
  EXPECT_EQ(validated.principal().accepted_terms_version(), "2026");

  {
    grpc::ClientContext context;
    Prepare(&context, {.token = mine});
    v1::ChangePasswordRequest request;
    request.set_current_password(kPassword);
    request.set_new_password("violet lantern orbit mosaic 77");
    v1::ChangePasswordResponse response;
    grpc::Status changed = stub_->ChangePassword(&context, request, &response);
    ASSERT_TRUE(changed.ok()) << changed.error_message();
    EXPECT_EQ(response.other_sessions_ended(), 1);
  }
  EXPECT_EQ(Validate(other.session().token(), &validated).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(Validate(mine, &validated).ok());
  ASSERT_TRUE(Login("flow@example.com", "violet lantern orbit mosaic 77", &other).ok());

  {
    grpc::ClientContext context;
    Prepare(&context, {.token = mine});
    v1::LogoutAllResponse response;
    grpc::Status all = stub_->LogoutAll(&context, {}, &response);
    ASSERT_TRUE(all.ok()) << all.error_message();
    EXPECT_EQ(response.sessions_ended(), 2);
  }
  EXPECT_EQ(Validate(mine, &validated).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Validate(other.session().token(), &validated).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  {
    grpc::ClientContext context;
    Prepare(&context, {.token = mine});
    v1::LogoutResponse response;
    EXPECT_EQ(stub_->Logout(&context, {}, &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
}

}  // namespace
}  // namespace codingahead::account
