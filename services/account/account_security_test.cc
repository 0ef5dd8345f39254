// Authentication and session management rules (OWASP ASVS 5.0 L2) of the
// account logic, against real Redis and PostgreSQL with a fake clock:
// password policy, login throttling, ChangePassword, LogoutAll, AcceptTerms
// and rehashing on login.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/hash.h"
#include "common/status.h"
#include "services/account/account_logic.h"
#include "services/account/account_test_env.h"
#include "services/account/redis_keys.h"

namespace codingahead::account {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kPassword[] = "correct horse battery staple";
constexpr char kNewPassword[] = "violet lantern orbit mosaic 77";
constexpr char kThrottleKey[] = "throttle-key-for-the-security-tests-0123456789";

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

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  auto bad = common::GetDetail<google::rpc::BadRequest>(status);
  if (bad.has_value()) {
    for (const auto& v : bad->field_violations()) fields.push_back(v.field());
  }
  return fields;
}

std::string FirstViolation(const absl::Status& status) {
  auto bad = common::GetDetail<google::rpc::BadRequest>(status);
  if (!bad.has_value() || bad->field_violations_size() == 0) return "<none>";
  return bad->field_violations(0).description();
}

class AccountSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override { StartEnv(); }

  void StartEnv(AccountOptions options = {}) {
    if (options.throttle_key.empty()) options.throttle_key = kThrottleKey;
    env_.reset();
    auto env = AccountTestEnv::Create(options);
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = *std::move(env);
  }

  AccountLogic& logic() { return env_->logic(); }

  absl::StatusOr<v1::RegisterResponse> TryRegister(const std::string& email,
                                                   const std::string& password,
                                                   const std::string& name = "Ann Lee") {
    v1::RegisterRequest request;
    request.set_email(email);
    request.set_password(password);
    request.set_display_name(name);
    return logic().Register(request, Anonymous());
  }

  v1::RegisterResponse Register(const std::string& email) {
    auto registered = TryRegister(email, kPassword);
    EXPECT_TRUE(registered.ok()) << registered.status();
    return registered.ok() ? *registered : v1::RegisterResponse();
  }

  absl::StatusOr<v1::LoginResponse> Login(const std::string& email, const std::string& password,
                                          const std::string& address = "198.51.100.7") {
    v1::LoginRequest request;
    request.set_email(email);
    request.set_password(password);
    return logic().Login(request, Anonymous(address));
  }

  absl::StatusOr<v1::ChangePasswordResponse> ChangePassword(const std::string& token,
                                                            const std::string& current,
                                                            const std::string& next) {
    v1::ChangePasswordRequest request;
    request.set_current_password(current);
    request.set_new_password(next);
    return logic().ChangePassword(request, WithToken(token));
  }

  absl::StatusCode Validate(const std::string& token, v1::ValidateSessionResponse* out = nullptr) {
    auto validated = logic().ValidateSession({}, WithToken(token));
    if (validated.ok() && out != nullptr) *out = *validated;
    return validated.status().code();
  }

  std::vector<std::string> AuditRows() {
    auto rows = env_->postgres().WithTransaction(
        [](pqxx::work& txn) -> absl::StatusOr<std::vector<std::string>> {
          std::vector<std::string> out;
          for (const auto& row :
               txn.exec("SELECT event || ' ' || coalesce(account_id::text, '-') || "
                        "' ' || details::text FROM audit_log ORDER BY id")) {
            out.push_back(row[0].as<std::string>());
          }
          return out;
        });
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::vector<std::string>();
  }

  std::unique_ptr<AccountTestEnv> env_;
};

// --- Bad input (every account RPC) ------------------------------------------------

TEST_F(AccountSecurityTest, MalformedEmailsNamesAndNonUtf8InputAreInvalidArgumentOnTheField) {
  struct Case {
    std::string email, password, name, field;
  };
  const std::string good_email = "ok@example.com";
  const std::vector<Case> cases = {
      {"a@@example.com", kPassword, "Ann", "email"},
      {"ann lee@example.com", kPassword, "Ann", "email"},
      {"ann@localhost", kPassword, "Ann", "email"},
      {"ann@.example.com", kPassword, "Ann", "email"},
      {"ann@example..com", kPassword, "Ann", "email"},
      {"@example.com", kPassword, "Ann", "email"},
      {std::string(65, 'a') + "@example.com", kPassword, "Ann", "email"},
      {"\x01"
       "ann@example.com",
       kPassword, "Ann", "email"},
      {"\xc3\xa1nn@example.com", kPassword, "Ann", "email"},  // á: not ASCII
      {"ann\xff@example.com", kPassword, "Ann", "email"},     // not UTF-8
      {good_email, "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6", "Ann", "password"},
      {good_email, std::string(8, ' '), "Ann", "password"},
      {good_email, kPassword, "\xc3\x28 Lee", "display_name"},  // truncated sequence
      {good_email, kPassword, "Ann\tLee", "display_name"},
      {good_email, kPassword, "Ann\xc2\x85Lee", "display_name"},  // C1 control NEL
      {good_email, kPassword, "   ", "display_name"},
      {good_email, kPassword,
       [] {
         std::string e;
         for (int i = 0; i < 101; ++i) e += "\xc3\xa9";
         return e;
       }(),
       "display_name"},
  };
  for (const Case& c : cases) {
    auto registered = TryRegister(c.email, c.password, c.name);
    ASSERT_EQ(registered.status().code(), absl::StatusCode::kInvalidArgument)
        << absl::CHexEscape(c.email) << " / " << absl::CHexEscape(c.name);
    EXPECT_THAT(ViolatedFields(registered.status()), ElementsAre(c.field))
        << absl::CHexEscape(c.email) << " / " << absl::CHexEscape(c.name);
    // The refusal never echoes the password.
    EXPECT_THAT(registered.status().ToString(), Not(HasSubstr(c.password)));
  }
  // 100 two-byte characters are 100 characters: accepted.
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "\xc3\xa9";
  EXPECT_TRUE(TryRegister("accents@example.com", kPassword, hundred).ok());
  // Nothing was created by the refused calls.
  EXPECT_THAT(AuditRows(), ElementsAre(StartsWith("register ")));

  // Login checks presence, size and encoding only (a typo is not a reason
  // to say more).
  EXPECT_THAT(ViolatedFields(Login("ann\xff@example.com", kPassword).status()),
              ElementsAre("email"));
  EXPECT_THAT(ViolatedFields(Login("", kPassword).status()), ElementsAre("email"));
  EXPECT_THAT(ViolatedFields(Login("accents@example.com", "").status()), ElementsAre("password"));
  EXPECT_THAT(
      ViolatedFields(Login("accents@example.com", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8").status()),
      ElementsAre("password"));
  // None of these was counted by the throttle: five more wrong passwords are
  // needed to block the email.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Login("accents@example.com", "wrong horse battery").status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  EXPECT_TRUE(Login("accents@example.com", kPassword).ok());
}

TEST_F(AccountSecurityTest, ChangePasswordAcceptTermsAndQuestionFieldsAreChecked) {
  const std::string token = Register("fields@example.com").session().token();
  auto change = ChangePassword(token, "", kNewPassword);
  EXPECT_THAT(ViolatedFields(change.status()), ElementsAre("current_password"));
  change = ChangePassword(token, std::string(129, 'c'), kNewPassword);
  EXPECT_THAT(ViolatedFields(change.status()), ElementsAre("current_password"));
  change = ChangePassword(token, kPassword, "");
  EXPECT_THAT(ViolatedFields(change.status()), ElementsAre("new_password"));
  change = ChangePassword(token, kPassword, "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7");
  EXPECT_THAT(ViolatedFields(change.status()), ElementsAre("new_password"));
  // None of these counted as a wrong current password.
  EXPECT_TRUE(Login("fields@example.com", kPassword).ok());

  for (const std::string& version :
       {std::string(""), std::string("2026 "), std::string(65, 'v'), std::string("2026\xc3\xa9")}) {
    v1::AcceptTermsRequest request;
    request.set_terms_version(version);
    auto accepted = logic().AcceptTerms(request, WithToken(token));
    EXPECT_THAT(ViolatedFields(accepted.status()), ElementsAre("terms_version"))
        << absl::CHexEscape(version);
  }
  for (const std::string& request_id :
       {std::string("two words"), std::string(129, 'r'), std::string("id\xc3\xa9")}) {
    v1::ConsumeQuestionRequest request;
    request.set_request_id(request_id);
    auto asked = logic().ConsumeQuestion(request, WithToken(token));
    EXPECT_THAT(ViolatedFields(asked.status()), ElementsAre("request_id"))
        << absl::CHexEscape(request_id);
  }
}

TEST_F(AccountSecurityTest, TokensOfTheWrongShapeAreUnauthenticatedBeforeRedisIsAsked) {
  const std::string token = Register("shape@example.com").session().token();
  const size_t dot = token.find('.');
  const std::string owner = token.substr(0, dot);
  const std::string secret = token.substr(dot + 1);
  ASSERT_EQ(secret.size(), 43u);
  const std::vector<std::string> malformed = {
      owner + "." + secret.substr(1),            // 42 characters
      owner + "." + secret + "A",                // 44 characters
      owner + "." + secret.substr(0, 42) + "+",  // base64, not base64url
      owner + "." + secret.substr(0, 42) + "/",
      owner + "." + secret.substr(0, 42) + "=",
      owner + "." + secret.substr(0, 42) + "\xff",  // not UTF-8
      owner + "." + secret.substr(0, 42) + " ",
      owner + ".",
      owner + secret,
      "." + secret,
      "A" + owner.substr(1) + "." + secret,   // upper-case kind
      "a0" + owner.substr(1) + "." + secret,  // leading zero
      "g0123." + secret,                      // guest id too short
      "g0123456789abcdeg." + secret,          // not hex
      owner + "." + secret + "." + secret,
  };
  // Redis down: a malformed token must be refused without asking it.
  ASSERT_TRUE(env_->redis_server().Kill().ok());
  for (const std::string& bad : malformed) {
    v1::ValidateSessionRequest request;
    request.set_token(bad);
    auto validated = logic().ValidateSession(request, Anonymous());
    EXPECT_EQ(validated.status().code(), absl::StatusCode::kUnauthenticated)
        << absl::CHexEscape(bad) << ": " << validated.status();
    EXPECT_EQ(logic().GetQuota(WithToken(bad)).status().code(), absl::StatusCode::kUnauthenticated)
        << absl::CHexEscape(bad);
  }
  // The well-formed one does need Redis: UNAVAILABLE, never a guess.
  v1::ValidateSessionRequest request;
  request.set_token(token);
  EXPECT_EQ(logic().ValidateSession(request, Anonymous()).status().code(),
            absl::StatusCode::kUnavailable);
}

// --- 1. Password policy
// -------------------------------------------------------

TEST_F(AccountSecurityTest, RegisterRefusesShortLongCommonAndWeakPasswords) {
  struct Case {
    std::string password;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"Ab1!xyz", "at least 8 characters (15 or more recommended)"},
      {std::string(129, 'k'), "at most 128"},
      {"password1", "commonly used"},
      {"Password1", "commonly used"},
      {"qwertyuiop123", "too easy to guess"},
      {"aaaaaaaaaaaaaaaa", "too easy to guess"},
  };
  for (const Case& c : cases) {
    auto registered = TryRegister("weak@example.com", c.password);
    ASSERT_EQ(registered.status().code(), absl::StatusCode::kInvalidArgument) << c.password;
    EXPECT_THAT(ViolatedFields(registered.status()), ElementsAre("password")) << c.password;
    EXPECT_THAT(FirstViolation(registered.status()), HasSubstr(c.why)) << c.password;
    EXPECT_THAT(registered.status().ToString(), Not(HasSubstr(c.password)));
  }
  // Nothing was created.
  EXPECT_TRUE(AuditRows().empty());
}

TEST_F(AccountSecurityTest, PasswordBuiltFromTheEmailOrNameIsRefused) {
  // Strong on its own (zxcvbn score 3), weak once the email is known.
  auto registered = TryRegister("jonathanmeriweather2024@example.com", "jonathanmeriweather2024");
  ASSERT_EQ(registered.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(FirstViolation(registered.status()), HasSubstr("your email or name"));
  auto named =
      TryRegister("someone@example.com", "jonathanmeriweather2024", "jonathanmeriweather2024");
  EXPECT_EQ(named.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(TryRegister("other@example.com", "jonathanmeriweather2024").ok());
}

TEST_F(AccountSecurityTest, SuiteEndToEndPasswordsPassThePolicy) {
  EXPECT_TRUE(TryRegister("e2e@example.com", "correct horse battery staple 42").ok());
  EXPECT_TRUE(TryRegister("loadgen@example.com", "loadgen-password-0123456789-abcdef").ok());
}

// --- 2. Login throttling
// ------------------------------------------------------

TEST_F(AccountSecurityTest, FifthFailureBlocksTheEmailWithDoublingDelays) {
  Register("throttle@example.com");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Login("throttle@example.com", "wrong horse battery").status().code(),
              absl::StatusCode::kUnauthenticated)
        << i;
  }
  // Blocked for 1 s: even the right password is not checked.
  absl::Status blocked = Login("throttle@example.com", kPassword).status();
  ASSERT_EQ(blocked.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(blocked.message(), "too many failed logins: try again in 1 s");
  auto retry = common::GetDetail<google::rpc::RetryInfo>(blocked);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 1);
  auto quota = common::GetDetail<google::rpc::QuotaFailure>(blocked);
  ASSERT_TRUE(quota.has_value());
  ASSERT_EQ(quota->violations_size(), 1);
  EXPECT_EQ(quota->violations(0).subject(), "login:email");
  auto info = common::GetDetail<google::rpc::ErrorInfo>(blocked);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "LOGIN_THROTTLED");

  // The next failure doubles the block: 2 s, then 4 s.
  env_->clock().Advance(absl::Seconds(1));
  EXPECT_EQ(Login("throttle@example.com", "wrong horse battery").status().code(),
            absl::StatusCode::kUnauthenticated);
  env_->clock().Advance(absl::Milliseconds(1999));
  EXPECT_EQ(Login("throttle@example.com", kPassword).status().code(),
            absl::StatusCode::kResourceExhausted);
  env_->clock().Advance(absl::Milliseconds(1));
  EXPECT_EQ(Login("throttle@example.com", "wrong horse battery").status().code(),
            absl::StatusCode::kUnauthenticated);
  absl::Status four = Login("throttle@example.com", kPassword).status();
  EXPECT_EQ(common::GetDetail<google::rpc::RetryInfo>(four)->retry_delay().seconds(), 4);
  // Throttled attempts never reach the audit log (nor the hasher).
  int failed = 0;
  for (const std::string& row : AuditRows()) failed += absl::StrContains(row, "login_failed");
  EXPECT_EQ(failed, 7);

  // Success clears the email's counter: four more failures are not blocked.
  env_->clock().Advance(absl::Seconds(4));
  ASSERT_TRUE(Login("throttle@example.com", kPassword).ok());
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Login("throttle@example.com", "wrong horse battery").status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  EXPECT_TRUE(Login("throttle@example.com", kPassword).ok());
}

TEST_F(AccountSecurityTest, BlockNeverExceedsTheMaximumAndIsForgottenLater) {
  Register("max@example.com");
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(Login("max@example.com", "wrong horse battery").status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  absl::Duration last;
  for (int i = 0; i < 16; ++i) {
    ASSERT_EQ(Login("max@example.com", "wrong horse battery").status().code(),
              absl::StatusCode::kUnauthenticated);
    // While blocked, even the right password is refused (and clears
    // nothing).
    absl::Status blocked = Login("max@example.com", kPassword).status();
    ASSERT_EQ(blocked.code(), absl::StatusCode::kResourceExhausted) << i;
    auto retry = common::GetDetail<google::rpc::RetryInfo>(blocked);
    ASSERT_TRUE(retry.has_value());
    last = absl::Seconds(retry->retry_delay().seconds());
    EXPECT_EQ(last, std::min(absl::Seconds(1 << i), absl::Minutes(15))) << i;
    env_->clock().Advance(last);
  }
  EXPECT_EQ(last, absl::Minutes(15));
  // The key expires once the block and a quiet window after it are over.
  auto ttl = env_->redis().Command(
      {"PTTL", LoginThrottleKey(EmailThrottleTag(kThrottleKey, "max@example.com"))});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(*ttl->AsInteger(), 0);
  // Real Redis time: the last block (15 min) + the quiet window (15 min).
  EXPECT_LE(*ttl->AsInteger(), 30 * 60 * 1000);
  EXPECT_GT(*ttl->AsInteger(), 29 * 60 * 1000);
  // 15 quiet minutes after the block: the count starts again.
  env_->clock().Advance(absl::Minutes(15));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Login("max@example.com", "wrong horse battery").status().code(),
              absl::StatusCode::kUnauthenticated);
  }
  EXPECT_TRUE(Login("max@example.com", kPassword).ok());
}

TEST_F(AccountSecurityTest, UnknownEmailIsThrottledExactlyLikeAKnownOne) {
  Register("known@example.com");
  std::vector<absl::Status> known, unknown;
  for (int i = 0; i < 6; ++i) {
    known.push_back(Login("known@example.com", "wrong horse battery", "203.0.113.1").status());
    unknown.push_back(Login("unknown@example.com", "wrong horse battery", "203.0.113.2").status());
  }
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(known[i].code(), unknown[i].code()) << i;
    EXPECT_EQ(known[i].message(), unknown[i].message()) << i;
  }
  EXPECT_EQ(known[4].code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(known[4].message(), "email or password is incorrect");
  EXPECT_EQ(known[5].code(), absl::StatusCode::kResourceExhausted);
}

// Redis keeps only a keyed hash of a typed email: whoever reads Redis cannot
// tell which emails are attacked by hashing candidates without the key.
TEST_F(AccountSecurityTest, ThrottleKeysHoldAKeyedHashNeverTheEmailOrItsPlainDigest) {
  const std::string email = "victim.person@example.com";
  ASSERT_EQ(Login(email, "wrong horse battery").status().code(),
            absl::StatusCode::kUnauthenticated);
  auto keys = env_->redis().Command({"KEYS", "ca:throttle:*"});
  ASSERT_TRUE(keys.ok()) << keys.status();
  std::vector<std::string> names;
  for (const auto& key : keys->array()) names.push_back(key.str());
  const std::string keyed = LoginThrottleKey(EmailThrottleTag(kThrottleKey, email));
  EXPECT_THAT(names, ::testing::UnorderedElementsAre(keyed, LoginThrottleKey("ip:198.51.100.7")));
  EXPECT_EQ(keyed, absl::StrCat("ca:throttle:{email:", common::HmacSha256Hex(kThrottleKey, email),
                                "}:login"));
  for (const auto& name : names) {
    EXPECT_THAT(name, Not(HasSubstr("victim")));
    EXPECT_THAT(name, Not(HasSubstr(common::Sha256::HexDigest(email))));
  }
  // Another key: another owner, so the counts of one deployment's key say
  // nothing under another.
  EXPECT_NE(EmailThrottleTag("another key", email), EmailThrottleTag(kThrottleKey, email));
}

TEST_F(AccountSecurityTest, ManyEmailsFromOneAddressBlockTheAddress) {
  AccountOptions options;
  options.address_throttle.failures = 3;
  StartEnv(options);
  Register("victim@example.com");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Login(absl::StrCat("spray", i, "@example.com"), "wrong horse battery", "203.0.113.9")
                  .status()
                  .code(),
              absl::StatusCode::kUnauthenticated);
  }
  absl::Status blocked = Login("victim@example.com", kPassword, "203.0.113.9").status();
  ASSERT_EQ(blocked.code(), absl::StatusCode::kResourceExhausted);
  auto quota = common::GetDetail<google::rpc::QuotaFailure>(blocked);
  ASSERT_TRUE(quota.has_value());
  EXPECT_EQ(quota->violations(0).subject(), "login:ip:203.0.113.9");
  // Another address is not affected.
  EXPECT_TRUE(Login("victim@example.com", kPassword, "203.0.113.10").ok());
}

// --- 3. ChangePassword, LogoutAll, Logout ------------------------------------

TEST_F(AccountSecurityTest, ChangePasswordEndsOtherSessionsAndKeepsThisOne) {
  v1::RegisterResponse registered = Register("change@example.com");
  const std::string current = registered.session().token();
  auto other1 = Login("change@example.com", kPassword);
  auto other2 = Login("change@example.com", kPassword);
  ASSERT_TRUE(other1.ok() && other2.ok());

  auto changed = ChangePassword(current, kPassword, kNewPassword);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(changed->other_sessions_ended(), 2);
  EXPECT_EQ(Validate(current), absl::StatusCode::kOk);
  EXPECT_EQ(Validate(other1->session().token()), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Validate(other2->session().token()), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Login("change@example.com", kPassword).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Login("change@example.com", kNewPassword).ok());

  std::vector<std::string> rows = AuditRows();
  bool audited = false;
  for (const std::string& row : rows) {
    audited |= absl::StartsWith(row, "password_change ");
    EXPECT_THAT(row, Not(HasSubstr(kPassword)));
    EXPECT_THAT(row, Not(HasSubstr(kNewPassword)));
    EXPECT_THAT(row, Not(HasSubstr("argon2")));
  }
  EXPECT_TRUE(audited);
}

TEST_F(AccountSecurityTest, ChangePasswordChecksCurrentAndNewPasswords) {
  const std::string token = Register("check@example.com").session().token();
  auto wrong = ChangePassword(token, "not my password at all", kNewPassword);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(wrong.status()), ElementsAre("current_password"));
  auto weak = ChangePassword(token, kPassword, "password1");
  EXPECT_THAT(ViolatedFields(weak.status()), ElementsAre("new_password"));
  EXPECT_THAT(FirstViolation(weak.status()), HasSubstr("commonly used"));
  auto same = ChangePassword(token, kPassword, kPassword);
  EXPECT_THAT(ViolatedFields(same.status()), ElementsAre("new_password"));
  auto empty = ChangePassword(token, "", "");
  EXPECT_THAT(ViolatedFields(empty.status()), ElementsAre("current_password", "new_password"));
  // Nothing changed.
  EXPECT_TRUE(Login("check@example.com", kPassword).ok());

  // A guest has no password; a dead session is UNAUTHENTICATED.
  auto guest = logic().StartGuestSession(Anonymous());
  ASSERT_TRUE(guest.ok());
  EXPECT_EQ(ChangePassword(guest->session().token(), kPassword, kNewPassword).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(logic().Logout(WithToken(token)).ok());
  EXPECT_EQ(ChangePassword(token, kPassword, kNewPassword).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(AccountSecurityTest, GuessingTheCurrentPasswordIsThrottled) {
  const std::string token = Register("guess@example.com").session().token();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(ChangePassword(token, "guess number one two", kNewPassword).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(ChangePassword(token, kPassword, kNewPassword).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(AccountSecurityTest, LogoutAllEndsEverySessionOfTheAccount) {
  const std::string first = Register("all@example.com").session().token();
  auto second = Login("all@example.com", kPassword);
  auto other = Register("bystander@example.com");
  ASSERT_TRUE(second.ok());
  auto ended = logic().LogoutAll(WithToken(first));
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_EQ(ended->sessions_ended(), 2);
  EXPECT_EQ(Validate(first), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Validate(second->session().token()), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Validate(other.session().token()), absl::StatusCode::kOk);
  // Replayed: the session is gone.
  EXPECT_EQ(logic().LogoutAll(WithToken(first)).status().code(),
            absl::StatusCode::kUnauthenticated);
  // The index key is gone with them or expires with the last session.
  auto index = env_->redis().Command(
      {"SCARD",
       SessionIndexKey(absl::StrCat("a", Register("idx@example.com").principal().account_id()))});
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(*index->AsInteger(), 1);
}

TEST_F(AccountSecurityTest, SessionIndexHasTheAbsoluteLifetimeAsTtl) {
  v1::RegisterResponse registered = Register("ttl@example.com");
  const std::string key = SessionIndexKey(absl::StrCat("a", registered.principal().account_id()));
  auto ttl = env_->redis().Command({"PTTL", key});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(*ttl->AsInteger(), 11 * 3600 * 1000);
  EXPECT_LE(*ttl->AsInteger(), 12 * 3600 * 1000);
  // Logout removes the session from the index.
  ASSERT_TRUE(logic().Logout(WithToken(registered.session().token())).ok());
  auto members = env_->redis().Command({"SCARD", key});
  ASSERT_TRUE(members.ok());
  EXPECT_EQ(*members->AsInteger(), 0);
}

// --- 4. AcceptTerms
// -------------------------------------------------------------

TEST_F(AccountSecurityTest, AcceptTermsNeedsTheCurrentVersion) {
  const std::string token = Register("terms@example.com").session().token();
  v1::AcceptTermsRequest request;
  request.set_terms_version("2025");
  absl::Status old = logic().AcceptTerms(request, WithToken(token)).status();
  EXPECT_EQ(old.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(old.message(), HasSubstr("'2026'"));
  EXPECT_TRUE(common::GetDetail<google::rpc::PreconditionFailure>(old).has_value());
  request.set_terms_version("");
  EXPECT_THAT(ViolatedFields(logic().AcceptTerms(request, WithToken(token)).status()),
              ElementsAre("terms_version"));
  request.set_terms_version("20 26");
  EXPECT_THAT(ViolatedFields(logic().AcceptTerms(request, WithToken(token)).status()),
              ElementsAre("terms_version"));
  auto guest = logic().StartGuestSession(Anonymous());
  request.set_terms_version("2026");
  EXPECT_EQ(logic().AcceptTerms(request, WithToken(guest->session().token())).status().code(),
            absl::StatusCode::kFailedPrecondition);
  v1::ValidateSessionResponse validated;
  ASSERT_EQ(Validate(token, &validated), absl::StatusCode::kOk);
  EXPECT_EQ(validated.principal().accepted_terms_version(), "");
}

TEST_F(AccountSecurityTest, AcceptedTermsAreStoredAuditedAndSeenEverywhere) {
  AccountOptions options;
  options.terms_version = "2026-r2";
  StartEnv(options);
  v1::RegisterResponse registered = Register("cpt@example.com");
  const std::string token = registered.session().token();
  auto other = Login("cpt@example.com", kPassword);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->principal().accepted_terms_version(), "");

  v1::AcceptTermsRequest request;
  request.set_terms_version("2026-r2");
  auto accepted = logic().AcceptTerms(request, WithToken(token));
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->terms_version(), "2026-r2");
  EXPECT_EQ(accepted->accepted_at().seconds(), absl::ToUnixSeconds(TestEpoch()));

  v1::ValidateSessionResponse validated;
  ASSERT_EQ(Validate(token, &validated), absl::StatusCode::kOk);
  EXPECT_EQ(validated.principal().accepted_terms_version(), "2026-r2");
  ASSERT_EQ(Validate(other->session().token(), &validated), absl::StatusCode::kOk);
  EXPECT_EQ(validated.principal().accepted_terms_version(), "2026-r2");
  v1::ConsumeViewRequest view;
  view.set_code("E0601");
  view.set_code_set("HCPCS");
  auto consumed = logic().ConsumeView(view, WithToken(token));
  ASSERT_TRUE(consumed.ok()) << consumed.status();
  EXPECT_EQ(consumed->principal().accepted_terms_version(), "2026-r2");
  // A new login reads it from PostgreSQL.
  auto later = Login("cpt@example.com", kPassword);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->principal().accepted_terms_version(), "2026-r2");

  auto stored = env_->accounts().FindById(registered.principal().account_id());
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->accepted_terms_version, "2026-r2");
  EXPECT_EQ((*stored)->accepted_terms_at, TestEpoch());
  bool audited = false;
  for (const std::string& row : AuditRows()) {
    if (absl::StartsWith(row, "terms_accepted ")) {
      audited = true;
      EXPECT_THAT(row, HasSubstr("2026-r2"));
    }
  }
  EXPECT_TRUE(audited);
}

// --- 5. Rehash on login
// --------------------------------------------------------

TEST_F(AccountSecurityTest, LoginRehashesAHashMadeWithOtherParameters) {
  OsRandom random;
  Argon2idHasher old_hasher(&random, {8 * 1024, 1, 1, 16, 32});
  auto old_hash = old_hasher.Hash(kPassword);
  ASSERT_TRUE(old_hash.ok());
  ASSERT_THAT(*old_hash, StartsWith("$argon2id$v=19$m=8192,t=1,p=1$"));
  auto created = env_->accounts().Create({"legacy@example.com", "Legacy", *old_hash, "free"},
                                         {0, "register", {}}, TestEpoch());
  ASSERT_TRUE(created.ok()) << created.status();

  // A wrong password changes nothing.
  EXPECT_FALSE(Login("legacy@example.com", "wrong horse battery").ok());
  auto stored = env_->accounts().FindById(created->id);
  EXPECT_EQ((*stored)->password_hash, *old_hash);

  ASSERT_TRUE(Login("legacy@example.com", kPassword).ok());
  stored = env_->accounts().FindById(created->id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_THAT((*stored)->password_hash, StartsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
  EXPECT_TRUE(Login("legacy@example.com", kPassword).ok());
  int rehashes = 0;
  for (const std::string& row : AuditRows()) rehashes += absl::StartsWith(row, "password_rehash ");
  EXPECT_EQ(rehashes, 1);
}

}  // namespace
}  // namespace codingahead::account
