// The account rules (DESIGN.md §4) against real Redis and PostgreSQL, with a
// fake clock so periods and expiries move without sleeping.
#include "services/account/account_logic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "common/status.h"
#include "services/account/account_test_env.h"
#include "services/account/redis_keys.h"

namespace codingahead::account {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr char kPassword[] = "correct horse battery staple";

absl::Time Utc(int y, int m, int d, int hh, int mm, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

Caller WithToken(const std::string& token, const std::string& address = "198.51.100.7") {
  Caller caller;
  caller.bearer = absl::StatusOr<std::string>(token);
  caller.client_address = address;
  return caller;
}

Caller Anonymous(const std::string& address = "198.51.100.7") {
  Caller caller;
  caller.client_address = address;
  return caller;
}

v1::ConsumeViewRequest ViewOf(const std::string& code, const std::string& request_id = "") {
  v1::ConsumeViewRequest request;
  request.set_code(code);
  request.set_code_set("CODE_SET_HCPCS");
  request.set_request_id(request_id);
  return request;
}

std::string Code(int i) { return absl::StrCat("A", 4000 + i); }

class AccountLogicTest : public ::testing::Test {
 protected:
  void SetUp() override { StartEnv(TestEpoch()); }

  void StartEnv(absl::Time start, AccountOptions options = {}) {
    env_.reset();
    auto env = AccountTestEnv::Create(options, start);
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = *std::move(env);
  }

  AccountLogic& logic() { return env_->logic(); }

  std::string Guest(const std::string& address = "198.51.100.7") {
    auto started = logic().StartGuestSession(Anonymous(address));
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? started->session().token() : "";
  }

  v1::RegisterResponse Register(const std::string& email, const std::string& guest_token = "") {
    v1::RegisterRequest request;
    request.set_email(email);
    request.set_password(kPassword);
    request.set_display_name("Ann Lee");
    auto registered =
        logic().Register(request, guest_token.empty() ? Anonymous() : WithToken(guest_token));
    EXPECT_TRUE(registered.ok()) << registered.status();
    return registered.ok() ? *registered : v1::RegisterResponse();
  }

  absl::StatusOr<v1::ConsumeViewResponse> View(const std::string& token, const std::string& code,
                                               const std::string& address = "198.51.100.7") {
    return logic().ConsumeView(ViewOf(code), WithToken(token, address));
  }

  std::unique_ptr<AccountTestEnv> env_;
};

TEST_F(AccountLogicTest, GuestSessionIsAGuestPrincipalWithTheGuestPlan) {
  std::string token = Guest();
  EXPECT_THAT(token, MatchesRegex("g[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}"));
  auto validated = logic().ValidateSession({}, WithToken(token));
  ASSERT_TRUE(validated.ok()) << validated.status();
  EXPECT_EQ(validated->principal().kind(), v1::Principal::KIND_GUEST);
  EXPECT_THAT(validated->principal().owner_id(), MatchesRegex("guest:[0-9a-f]{16}"));
  EXPECT_EQ(validated->principal().plan().id(), "guest");
  EXPECT_FALSE(validated->principal().plan().sections_visible());
  EXPECT_EQ(absl::FromUnixSeconds(validated->expires_at().seconds()),
            TestEpoch() + absl::Hours(24));
}

TEST_F(AccountLogicTest, OnlyTheSecretsDigestIsStoredInRedis) {
  std::string token = Guest();
  std::string secret = token.substr(token.find('.') + 1);
  auto keys = env_->redis().Command({"KEYS", "*"});
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->array().size(), 1u);
  std::string key = keys->array()[0].str();
  EXPECT_THAT(key, MatchesRegex("ca:sess:\\{g[0-9a-f]{16}\\}:[0-9a-f]{64}"));
  EXPECT_THAT(key, Not(HasSubstr(secret)));
  auto fields = env_->redis().Command({"HGETALL", key});
  ASSERT_TRUE(fields.ok());
  for (const auto& f : fields->array()) EXPECT_THAT(f.str(), Not(HasSubstr(secret)));
  auto ttl = env_->redis().Command({"TTL", key});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer(), 24 * 3600 - 60);
}

TEST_F(AccountLogicTest, AViewUsedOnJanuary31IsForgottenOnFebruary1) {
  StartEnv(Utc(2024, 1, 31, 23, 50));
  std::string token = Register("month@example.com").session().token();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(View(token, Code(i)).ok()) << i;
  env_->clock().Set(Utc(2024, 1, 31, 23, 59));
  EXPECT_EQ(View(token, Code(6)).status().code(), absl::StatusCode::kResourceExhausted);

  env_->clock().Set(Utc(2024, 2, 1, 0, 0, 30));
  auto february = View(token, Code(6));
  ASSERT_TRUE(february.ok()) << february.status();
  EXPECT_TRUE(february->charged());
  EXPECT_EQ(february->views().remaining(), 5);
  EXPECT_EQ(absl::FromUnixSeconds(february->views().period_start().seconds()),
            Utc(2024, 2, 1, 0, 0));
  EXPECT_EQ(absl::FromUnixSeconds(february->views().period_end().seconds()), Utc(2024, 3, 1, 0, 0));
  // January's codes are charged again in February.
  auto again = View(token, Code(0));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->charged());
  EXPECT_EQ(again->views().remaining(), 4);
}

TEST_F(AccountLogicTest, CarryOverIsIdempotent) {
  std::string guest = Guest();
  ASSERT_TRUE(View(guest, "E0601").ok());
  v1::RegisterResponse registered = Register("carry@example.com", guest);
  EXPECT_EQ(registered.views().used(), 1);
  EXPECT_EQ(registered.views().remaining(), 5);

  // Both steps again, as a retried registration would run them.
  auto guest_token = ParseSessionToken(guest);
  ASSERT_TRUE(guest_token.ok());
  auto unlocked = env_->allowances().ReadGuestUnlocked(*guest_token, env_->clock().Now());
  ASSERT_TRUE(unlocked.ok() && unlocked->has_value());
  EXPECT_THAT(**unlocked, ::testing::ElementsAre("HCPCS:E0601"));
  MonthPeriod month = MonthOf(env_->clock().Now());
  auto again = env_->allowances().CarryIntoAccount(
      SessionOwner::Account(registered.principal().account_id()), guest_token->owner.tag,
      {month.name, month.end}, **unlocked, env_->clock().Now());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->already_carried);
  EXPECT_EQ(again->used, 1);

  auto quota = logic().GetQuota(WithToken(registered.session().token()));
  ASSERT_TRUE(quota.ok()) << quota.status();
  EXPECT_EQ(quota->allowances(0).remaining(), 5);
  auto reopened = View(registered.session().token(), "E0601");
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(reopened->charged());
}

TEST_F(AccountLogicTest, CarryMarkerHasATtl) {
  std::string guest = Guest();
  ASSERT_TRUE(View(guest, "E0601").ok());
  v1::RegisterResponse registered = Register("marker@example.com", guest);
  auto keys = env_->redis().Command({"KEYS", "ca:carry:*"});
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->array().size(), 1u);
  EXPECT_THAT(keys->array()[0].str(),
              MatchesRegex(absl::StrCat("ca:carry:\\{a", registered.principal().account_id(),
                                        "\\}:g[0-9a-f]{16}")));
  auto all = env_->redis().Command({"KEYS", "*"});
  ASSERT_TRUE(all.ok());
  for (const auto& key : all->array()) {
    auto ttl = env_->redis().Command({"PTTL", key.str()});
    ASSERT_TRUE(ttl.ok());
    EXPECT_GT(ttl->integer(), 0) << key.str() << " has no TTL";
  }
}

TEST_F(AccountLogicTest, RegisteringWithAnExpiredGuestSessionIsUnauthenticated) {
  std::string guest = Guest();
  env_->clock().Advance(absl::Hours(25));
  v1::RegisterRequest request;
  request.set_email("late@example.com");
  request.set_password(kPassword);
  request.set_display_name("Late");
  EXPECT_EQ(logic().Register(request, WithToken(guest)).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(logic().Register(request, WithToken("garbage")).status().code(),
            absl::StatusCode::kUnauthenticated);
  std::string account = Register("first@example.com").session().token();
  EXPECT_EQ(logic().Register(request, WithToken(account)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(AccountLogicTest, AccountSessionsExpireWhenIdleAndAfterTheirLifetime) {
  std::string idle = Register("idle@example.com").session().token();
  env_->clock().Advance(absl::Minutes(29));
  ASSERT_TRUE(logic().ValidateSession({}, WithToken(idle)).ok());  // renews
  env_->clock().Advance(absl::Minutes(29));
  ASSERT_TRUE(logic().ValidateSession({}, WithToken(idle)).ok());
  env_->clock().Advance(absl::Minutes(31));
  EXPECT_EQ(logic().ValidateSession({}, WithToken(idle)).status().code(),
            absl::StatusCode::kUnauthenticated);

  v1::LoginRequest login;
  login.set_email("idle@example.com");
  login.set_password(kPassword);
  auto busy = logic().Login(login, Anonymous());
  ASSERT_TRUE(busy.ok()) << busy.status();
  std::string token = busy->session().token();
  for (int i = 0; i < 35; ++i) {  // 35 x 20 min = 11 h 40 min of use
    env_->clock().Advance(absl::Minutes(20));
    ASSERT_TRUE(logic().ValidateSession({}, WithToken(token)).ok()) << i;
  }
  env_->clock().Advance(absl::Minutes(20));  // 12 h: the absolute lifetime
  EXPECT_EQ(logic().ValidateSession({}, WithToken(token)).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(View(token, "E0601").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(AccountLogicTest, GuestSessionsLastTwentyFourHours) {
  std::string guest = Guest();
  env_->clock().Advance(absl::Hours(23));
  EXPECT_TRUE(logic().GetQuota(WithToken(guest)).ok());
  env_->clock().Advance(absl::Hours(1));
  EXPECT_EQ(logic().GetQuota(WithToken(guest)).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(AccountLogicTest, AddressIsRefundedWhenTheGuestCannotBeCharged) {
  std::string first = Guest("203.0.113.1");
  ASSERT_TRUE(View(first, "E0601", "203.0.113.1").ok());
  // The same guest on another network: its own view is used, so the new
  // address is charged first and then refunded.
  EXPECT_EQ(View(first, "E0602", "203.0.113.2").status().code(),
            absl::StatusCode::kResourceExhausted);
  // A garbage-but-well-formed guest token charges and refunds too.
  std::string forged = "g0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  EXPECT_EQ(View(forged, "E0603", "203.0.113.2").status().code(),
            absl::StatusCode::kUnauthenticated);
  // So the second address still has its view.
  auto second = View(Guest("203.0.113.2"), "E0604", "203.0.113.2");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->charged());
}

TEST_F(AccountLogicTest, ReopeningTheGuestsOwnCodeDoesNotChargeAnyAddress) {
  std::string guest = Guest("203.0.113.1");
  ASSERT_TRUE(View(guest, "E0601", "203.0.113.1").ok());
  auto same_address = View(guest, "E0601", "203.0.113.1");
  ASSERT_TRUE(same_address.ok()) << same_address.status();
  EXPECT_FALSE(same_address->charged());
  auto other_address = View(guest, "E0601", "203.0.113.2");
  ASSERT_TRUE(other_address.ok()) << other_address.status();
  EXPECT_FALSE(other_address->charged());
  EXPECT_TRUE(View(Guest("203.0.113.2"), "E0602", "203.0.113.2").ok());
}

TEST_F(AccountLogicTest, ExhaustedAddressStillLetsAGuestReopenItsOwnCode) {
  std::string mobile = Guest("203.0.113.1");
  ASSERT_TRUE(View(mobile, "E0601", "203.0.113.1").ok());
  ASSERT_TRUE(View(Guest("203.0.113.2"), "E0602", "203.0.113.2").ok());
  auto reopened = View(mobile, "E0601", "203.0.113.2");
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_FALSE(reopened->charged());
}

TEST_F(AccountLogicTest, Ipv6AddressesShareTheirSlash64) {
  ASSERT_TRUE(View(Guest(), "E0601", "2001:db8:1:2::1").ok());
  auto same_64 = View(Guest(), "E0602", "2001:db8:1:2:ffff:ffff:ffff:ffff");
  EXPECT_EQ(same_64.status().code(), absl::StatusCode::kResourceExhausted);
  auto quota = common::GetDetail<google::rpc::QuotaFailure>(same_64.status());
  ASSERT_TRUE(quota.has_value());
  EXPECT_EQ(quota->violations(0).subject(), "ip:2001:db8:1:2::/64");
  EXPECT_TRUE(View(Guest(), "E0603", "2001:db8:1:3::1").ok());
}

TEST_F(AccountLogicTest, AddressWindowSlidesOverTwentyFourHours) {
  ASSERT_TRUE(View(Guest("203.0.113.5"), "E0601", "203.0.113.5").ok());
  env_->clock().Advance(absl::Hours(23) + absl::Minutes(59));
  EXPECT_EQ(View(Guest("203.0.113.5"), "E0602", "203.0.113.5").status().code(),
            absl::StatusCode::kResourceExhausted);
  env_->clock().Advance(absl::Minutes(2));
  EXPECT_TRUE(View(Guest("203.0.113.5"), "E0602", "203.0.113.5").ok());
}

TEST_F(AccountLogicTest, GetQuotaCountsTheAddressAndChargesNothing) {
  ASSERT_TRUE(View(Guest("203.0.113.9"), "E0601", "203.0.113.9").ok());
  std::string second = Guest("203.0.113.9");
  auto quota = logic().GetQuota(WithToken(second, "203.0.113.9"));
  ASSERT_TRUE(quota.ok()) << quota.status();
  ASSERT_EQ(quota->allowances_size(), 1);
  EXPECT_EQ(quota->allowances(0).limit(), 1);
  EXPECT_EQ(quota->allowances(0).used(), 0);
  EXPECT_EQ(quota->allowances(0).remaining(), 0);

  std::string fresh = Guest("203.0.113.10");
  for (int i = 0; i < 3; ++i) {
    auto q = logic().GetQuota(WithToken(fresh, "203.0.113.10"));
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->allowances(0).remaining(), 1);
    EXPECT_EQ(q->allowances(0).message(), "1 code page view remaining.");
  }
}

TEST_F(AccountLogicTest, PasswordIsStoredAsArgon2idPhc) {
  Register("phc@example.com");
  auto hash = env_->postgres().WithTransaction([](pqxx::work& txn) -> absl::StatusOr<std::string> {
    return txn.exec1("SELECT password_hash FROM accounts")[0].as<std::string>();
  });
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_THAT(*hash, MatchesRegex("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$.*"));
}

TEST_F(AccountLogicTest, AuditLogRecordsEventsWithoutSecrets) {
  v1::RegisterResponse registered = Register("audit@example.com");
  v1::LoginRequest login;
  login.set_email("audit@example.com");
  login.set_password("wrong password!");
  EXPECT_EQ(logic().Login(login, Anonymous()).status().code(), absl::StatusCode::kUnauthenticated);
  login.set_email("nobody-with-my-password@example.com");
  login.set_password(kPassword);
  EXPECT_EQ(logic().Login(login, Anonymous()).status().code(), absl::StatusCode::kUnauthenticated);
  login.set_email("audit@example.com");
  auto ok = logic().Login(login, Anonymous());
  ASSERT_TRUE(ok.ok()) << ok.status();
  v1::ChangePlanRequest change;
  change.set_account_id(registered.principal().account_id());
  change.set_plan_id("pro");
  change.set_reason("ticket 123");
  ASSERT_TRUE(logic().ChangePlan(change).ok());

  auto rows = env_->postgres().WithTransaction(
      [](pqxx::work& txn) -> absl::StatusOr<std::vector<std::string>> {
        std::vector<std::string> out;
        for (const auto& row : txn.exec("SELECT event || ' ' || coalesce(account_id::text, '-') "
                                        "|| ' ' || details::text FROM audit_log ORDER BY id")) {
          out.push_back(row[0].as<std::string>());
        }
        return out;
      });
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 5u);
  const std::string id = absl::StrCat(registered.principal().account_id());
  EXPECT_THAT((*rows)[0], HasSubstr("register " + id));
  EXPECT_THAT((*rows)[1], HasSubstr("login_failed " + id));
  EXPECT_THAT((*rows)[1], HasSubstr("wrong_password"));
  EXPECT_THAT((*rows)[2], HasSubstr("login_failed - "));
  EXPECT_THAT((*rows)[2], HasSubstr("unknown_email"));
  EXPECT_THAT((*rows)[3], HasSubstr("login_ok " + id));
  EXPECT_THAT((*rows)[4], HasSubstr("plan_change " + id));
  EXPECT_THAT((*rows)[4], HasSubstr("ticket 123"));
  for (const std::string& row : *rows) {
    EXPECT_THAT(row, Not(HasSubstr(kPassword)));
    EXPECT_THAT(row, Not(HasSubstr("wrong password!")));
    EXPECT_THAT(row, Not(HasSubstr("argon2")));
    EXPECT_THAT(row, Not(HasSubstr("nobody-with-my-password")));
    EXPECT_THAT(row, Not(HasSubstr(ok->session().token().substr(4))));
  }
}

TEST_F(AccountLogicTest, ChangePlanAppliesToEveryLiveSessionOnItsNextCall) {
  v1::RegisterResponse registered = Register("plans@example.com");
  v1::LoginRequest login;
  login.set_email("plans@example.com");
  login.set_password(kPassword);
  auto second = logic().Login(login, Anonymous());
  ASSERT_TRUE(second.ok());
  v1::ChangePlanRequest change;
  change.set_account_id(registered.principal().account_id());
  change.set_plan_id("pro");
  change.set_reason("upgrade");
  auto changed = logic().ChangePlan(change);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->principal().plan().id(), "pro");
  EXPECT_EQ(changed->principal().email(), "plans@example.com");

  for (const std::string& token : {registered.session().token(), second->session().token()}) {
    auto validated = logic().ValidateSession({}, WithToken(token));
    ASSERT_TRUE(validated.ok());
    EXPECT_EQ(validated->principal().plan().id(), "pro");
    EXPECT_TRUE(validated->principal().plan().consultant());
  }
  for (int i = 0; i < 10; ++i) {
    auto view = View(registered.session().token(), Code(i));
    ASSERT_TRUE(view.ok()) << view.status();
    EXPECT_TRUE(view->views().unmetered());
    EXPECT_FALSE(view->charged());
    EXPECT_EQ(view->views().message(), "Unlimited code page views with your plan.");
  }
  auto third = logic().Login(login, Anonymous());
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->principal().plan().id(), "pro");

  change.set_plan_id("free");
  ASSERT_TRUE(logic().ChangePlan(change).ok());
  auto metered = View(second->session().token(), "E0601");
  ASSERT_TRUE(metered.ok());
  EXPECT_TRUE(metered->charged());
  EXPECT_EQ(metered->views().remaining(), 5);
}

TEST_F(AccountLogicTest, ChangePlanRefusesUnknownAccountsAndPlans) {
  v1::RegisterResponse registered = Register("refuse@example.com");
  v1::ChangePlanRequest change;
  change.set_account_id(registered.principal().account_id() + 1000);
  change.set_plan_id("pro");
  change.set_reason("x");
  EXPECT_EQ(logic().ChangePlan(change).status().code(), absl::StatusCode::kNotFound);

  for (const char* plan : {"platinum", "guest"}) {
    change.set_account_id(registered.principal().account_id());
    change.set_plan_id(plan);
    absl::Status status = logic().ChangePlan(change).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << plan;
    auto bad = common::GetDetail<google::rpc::BadRequest>(status);
    ASSERT_TRUE(bad.has_value());
    EXPECT_EQ(bad->field_violations(0).field(), "plan_id");
  }
  change.set_plan_id("pro");
  change.set_reason("");
  auto bad = common::GetDetail<google::rpc::BadRequest>(logic().ChangePlan(change).status());
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->field_violations(0).field(), "reason");
}

TEST_F(AccountLogicTest, HundredConcurrentGuestsFromOneAddressGetOneView) {
  std::vector<std::string> guests;
  for (int i = 0; i < 100; ++i) guests.push_back(Guest("203.0.113.77"));
  std::atomic<int> ok{0}, exhausted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 100; ++i) {
    threads.emplace_back([&, i] {
      auto view = View(guests[i], Code(i), "203.0.113.77");
      if (view.ok()) {
        ++ok;
      } else if (view.status().code() == absl::StatusCode::kResourceExhausted) {
        ++exhausted;
      } else {
        ADD_FAILURE() << view.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(exhausted.load(), 99);
}

// --- ConsumeQuestion ----------------------------------------------------------

v1::ConsumeQuestionRequest QuestionOf(const std::string& request_id = "") {
  v1::ConsumeQuestionRequest request;
  request.set_request_id(request_id);
  return request;
}

TEST_F(AccountLogicTest, FreeAccountGetsThreeQuestionsADayThenResourceExhaustedUntilMidnight) {
  v1::RegisterResponse registered = Register("asker@example.com");
  const std::string token = registered.session().token();
  for (int i = 1; i <= 3; ++i) {
    auto asked = logic().ConsumeQuestion(QuestionOf(), WithToken(token));
    ASSERT_TRUE(asked.ok()) << asked.status();
    EXPECT_TRUE(asked->charged());
    EXPECT_EQ(asked->principal().email(), "asker@example.com");
    EXPECT_EQ(asked->questions().kind(), v1::Allowance::KIND_QUESTIONS);
    EXPECT_EQ(asked->questions().limit(), 3);
    EXPECT_EQ(asked->questions().used(), i);
    EXPECT_EQ(asked->questions().remaining(), 3 - i);
    EXPECT_EQ(asked->questions().period_end().seconds(),
              absl::ToUnixSeconds(Utc(2024, 1, 16, 0, 0)));
  }
  auto refused = logic().ConsumeQuestion(QuestionOf(), WithToken(token));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted) << refused.status();
  EXPECT_EQ(refused.status().message(),
            "0 assistant questions remaining today. Free accounts are limited to 3 questions a "
            "day. Upgrade to Pro for unlimited questions.");
  auto quota = common::GetDetail<google::rpc::QuotaFailure>(refused.status());
  ASSERT_TRUE(quota.has_value());
  ASSERT_EQ(quota->violations_size(), 1);
  EXPECT_EQ(quota->violations(0).subject(),
            absl::StrCat("acct:", registered.principal().account_id()));
  auto info = common::GetDetail<google::rpc::ErrorInfo>(refused.status());
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "ASSISTANT_QUESTIONS_EXHAUSTED");
  auto retry = common::GetDetail<google::rpc::RetryInfo>(refused.status());
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 12 * 3600);  // 12:00 → midnight UTC

  // The counter's key lives to the end of the day plus the margin, no longer.
  auto ttl = env_->redis().Command(
      {"PTTL", QuestionsKey(absl::StrCat("a", registered.principal().account_id()), "2024-01-15")});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(*ttl->AsInteger(), 0);
  EXPECT_LE(*ttl->AsInteger(), (12 + 24) * 3600 * 1000);
}

TEST_F(AccountLogicTest, QuestionsCountPerUtcDay) {
  StartEnv(Utc(2024, 1, 15, 23, 50));
  const std::string token = Register("late@example.com").session().token();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(logic().ConsumeQuestion(QuestionOf(), WithToken(token)).ok());
  }
  EXPECT_EQ(logic().ConsumeQuestion(QuestionOf(), WithToken(token)).status().code(),
            absl::StatusCode::kResourceExhausted);
  env_->clock().Advance(absl::Minutes(11));  // 00:01 on January 16
  auto asked = logic().ConsumeQuestion(QuestionOf(), WithToken(token));
  ASSERT_TRUE(asked.ok()) << asked.status();
  EXPECT_EQ(asked->questions().used(), 1);
  EXPECT_EQ(asked->questions().remaining(), 2);
}

TEST_F(AccountLogicTest, RetriedQuestionRequestIdIsChargedOnce) {
  const std::string token = Register("retry-q@example.com").session().token();
  auto first = logic().ConsumeQuestion(QuestionOf("q-1"), WithToken(token));
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = logic().ConsumeQuestion(QuestionOf("q-1"), WithToken(token));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->charged());
  EXPECT_EQ(again->questions().used(), 1);
  auto other = logic().ConsumeQuestion(QuestionOf("q-2"), WithToken(token));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->questions().used(), 2);
  ASSERT_TRUE(logic().ConsumeQuestion(QuestionOf("q-3"), WithToken(token)).ok());
  EXPECT_EQ(logic().ConsumeQuestion(QuestionOf("q-4"), WithToken(token)).status().code(),
            absl::StatusCode::kResourceExhausted);
  // A retry of a charged request still answers after the allowance is spent.
  auto late_retry = logic().ConsumeQuestion(QuestionOf("q-1"), WithToken(token));
  ASSERT_TRUE(late_retry.ok()) << late_retry.status();
  EXPECT_EQ(late_retry->questions().used(), 3);
}

TEST_F(AccountLogicTest, GuestsHaveNoQuestionsAndAreToldToRegister) {
  auto refused = logic().ConsumeQuestion(QuestionOf(), WithToken(Guest()));
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted) << refused.status();
  EXPECT_EQ(refused.status().message(),
            "0 assistant questions remaining today. Guest accounts cannot ask the assistant. "
            "Register free account to ask 3 questions a day.");
  EXPECT_FALSE(common::GetDetail<google::rpc::RetryInfo>(refused.status()).has_value());
}

TEST_F(AccountLogicTest, ProQuestionsAreUnmetered) {
  v1::RegisterResponse registered = Register("pro-q@example.com");
  v1::ChangePlanRequest change;
  change.set_account_id(registered.principal().account_id());
  change.set_plan_id("pro");
  change.set_reason("upgrade");
  ASSERT_TRUE(logic().ChangePlan(change).ok());
  for (int i = 0; i < 10; ++i) {
    auto asked = logic().ConsumeQuestion(QuestionOf(), WithToken(registered.session().token()));
    ASSERT_TRUE(asked.ok()) << asked.status();
    EXPECT_FALSE(asked->charged());
    EXPECT_TRUE(asked->questions().unmetered());
    EXPECT_EQ(asked->questions().message(), "Unlimited assistant questions with your plan.");
  }
}

TEST_F(AccountLogicTest, QuestionNeedsALiveSessionAndAWellFormedRequestId) {
  EXPECT_EQ(logic().ConsumeQuestion(QuestionOf(), Anonymous()).status().code(),
            absl::StatusCode::kUnauthenticated);
  const std::string token = Register("expiring-q@example.com").session().token();
  auto bad = logic().ConsumeQuestion(QuestionOf("has space"), WithToken(token));
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  auto fields = common::GetDetail<google::rpc::BadRequest>(bad.status());
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(fields->field_violations(0).field(), "request_id");
  v1::ConsumeQuestionRequest explicit_token;
  explicit_token.set_token(std::string(2000, 'a'));
  auto oversized = logic().ConsumeQuestion(explicit_token, Anonymous());
  ASSERT_EQ(oversized.status().code(), absl::StatusCode::kInvalidArgument);
  env_->clock().Advance(absl::Minutes(31));  // past the 30 min idle timeout
  EXPECT_EQ(logic().ConsumeQuestion(QuestionOf(), WithToken(token)).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(AccountLogicTest, TwentyConcurrentQuestionsOnThreeLeftExactlyThreeSucceed) {
  const std::string token = Register("race-q@example.com").session().token();
  std::atomic<int> ok{0}, exhausted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      auto asked = logic().ConsumeQuestion(QuestionOf(absl::StrCat("race-", i)), WithToken(token));
      if (asked.ok()) {
        ++ok;
      } else if (asked.status().code() == absl::StatusCode::kResourceExhausted) {
        ++exhausted;
      } else {
        ADD_FAILURE() << asked.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 3);
  EXPECT_EQ(exhausted.load(), 17);
}

TEST_F(AccountLogicTest, PostgresDownIsUnavailable) {
  Register("before@example.com");
  // The fixture runs with synchronous_commit=off: flush before the crash.
  ASSERT_TRUE(env_->postgres()
                  .WithConnection([](pqxx::connection& c) -> absl::Status {
                    pqxx::nontransaction(c).exec("CHECKPOINT");
                    return absl::OkStatus();
                  })
                  .ok());
  SharedPostgres().Kill();
  v1::RegisterRequest request;
  request.set_email("during@example.com");
  request.set_password(kPassword);
  request.set_display_name("During");
  absl::Status registered = logic().Register(request, Anonymous()).status();
  v1::LoginRequest login;
  login.set_email("before@example.com");
  login.set_password(kPassword);
  absl::Status logged_in = logic().Login(login, Anonymous()).status();
  ASSERT_TRUE(SharedPostgres().Restart().ok());
  EXPECT_EQ(registered.code(), absl::StatusCode::kUnavailable) << registered;
  EXPECT_EQ(logged_in.code(), absl::StatusCode::kUnavailable) << logged_in;
  // Pooled connections broken by the restart fail once each, then recover.
  absl::Status after;
  EXPECT_TRUE(testing::WaitUntil(
      [&] {
        after = logic().Login(login, Anonymous()).status();
        return after.ok();
      },
      absl::Seconds(20)))
      << after;
}

}  // namespace
}  // namespace codingahead::account

namespace codingahead::account {
namespace {

// Waits for a non-blocking call's answer.
template <typename Response>
class Answer {
 public:
  AccountLogic::Done<Response> Callback() {
    return [this](absl::StatusOr<Response> result) {
      result_ = std::move(result);
      done_.Notify();
    };
  }
  absl::StatusOr<Response> Get() {
    if (!done_.WaitForNotificationWithTimeout(absl::Seconds(10))) {
      return absl::InternalError("no answer within 10 s");
    }
    return *result_;
  }

 private:
  absl::Notification done_;
  std::optional<absl::StatusOr<Response>> result_;
};

absl::StatusOr<v1::ConsumeViewResponse> ViewAsync(AccountLogic& logic, const std::string& token,
                                                  const std::string& code,
                                                  const std::string& request_id = "") {
  Answer<v1::ConsumeViewResponse> answer;
  EXPECT_TRUE(
      logic.ConsumeViewAsync(ViewOf(code, request_id), WithToken(token), answer.Callback()));
  return answer.Get();
}

absl::StatusOr<v1::ValidateSessionResponse> ValidateAsync(AccountLogic& logic,
                                                          const std::string& token) {
  Answer<v1::ValidateSessionResponse> answer;
  logic.ValidateSessionAsync({}, WithToken(token), answer.Callback());
  return answer.Get();
}

TEST_F(AccountLogicTest, NonBlockingValidateSessionAnswersLikeTheBlockingOne) {
  v1::RegisterResponse registered = Register("async-validate@example.com");
  const std::string token = registered.session().token();
  auto blocking = logic().ValidateSession({}, WithToken(token));
  auto nonblocking = ValidateAsync(logic(), token);
  ASSERT_TRUE(blocking.ok()) << blocking.status();
  ASSERT_TRUE(nonblocking.ok()) << nonblocking.status();
  EXPECT_EQ(nonblocking->principal().email(), "async-validate@example.com");
  EXPECT_EQ(nonblocking->principal().account_id(), blocking->principal().account_id());
  EXPECT_EQ(nonblocking->principal().plan().id(), blocking->principal().plan().id());

  // Nothing survives a logout.
  ASSERT_TRUE(logic().Logout(WithToken(token)).ok());
  EXPECT_EQ(ValidateAsync(logic(), token).status().code(), absl::StatusCode::kUnauthenticated);
  // Malformed tokens are refused before any store call.
  EXPECT_EQ(ValidateAsync(logic(), "not-a-token").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(AccountLogicTest, NonBlockingConsumeViewChargesOncePerCodeAndStopsAtTheLimit) {
  v1::RegisterResponse registered = Register("async-view@example.com");
  const std::string token = registered.session().token();
  // A free account has 6 views a month.
  for (int i = 0; i < 6; ++i) {
    auto view = ViewAsync(logic(), token, Code(i), absl::StrCat("req-", i));
    ASSERT_TRUE(view.ok()) << view.status();
    EXPECT_TRUE(view->charged());
    EXPECT_EQ(view->views().remaining(), 5 - i);
  }
  // Re-opening an unlocked code and replaying a request are free.
  auto again = ViewAsync(logic(), token, Code(2));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->charged());
  auto replay = ViewAsync(logic(), token, Code(5), "req-5");
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->views().remaining(), 0);
  // The blocking path sees the same count.
  auto blocking = View(token, Code(3));
  ASSERT_TRUE(blocking.ok());
  EXPECT_EQ(blocking->views().remaining(), 0);

  auto refused = ViewAsync(logic(), token, Code(6));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted) << refused.status();
  EXPECT_EQ(ViewAsync(logic(), token, Code(1), "req-5").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AccountLogicTest, NonBlockingConsumeViewLeavesMeteredGuestsToTheStoreThreads) {
  const std::string guest = Guest();
  Answer<v1::ConsumeViewResponse> answer;
  EXPECT_FALSE(logic().ConsumeViewAsync(ViewOf("E0100"), WithToken(guest), answer.Callback()));
}

TEST_F(AccountLogicTest, NonBlockingCallsFailUnavailableWhileRedisIsDown) {
  v1::RegisterResponse registered = Register("async-down@example.com");
  const std::string token = registered.session().token();
  ASSERT_TRUE(env_->redis_server().Kill().ok());
  EXPECT_EQ(ValidateAsync(logic(), token).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ViewAsync(logic(), token, Code(1)).status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(env_->redis_server().Restart().ok());
  auto back = ValidateAsync(logic(), token);
  EXPECT_TRUE(back.ok()) << back.status();
}

}  // namespace
}  // namespace codingahead::account
