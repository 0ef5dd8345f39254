#ifndef CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_LOGIC_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_LOGIC_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "account/v1/account.pb.h"
#include "common/status.h"
#include "services/account/account_store.h"
#include "services/account/allowance_store.h"
#include "services/account/clock.h"
#include "services/account/login_throttle.h"
#include "services/account/password_hasher.h"
#include "services/account/password_policy.h"
#include "services/account/plan.h"
#include "services/account/random_source.h"
#include "services/account/session_store.h"
#include "services/account/token.h"

// The rules of the account service (DESIGN.md §4): sessions, registration
// and login, and code page view allowances. Every method blocks on the stores
// (and Register/Login on hashing): the gRPC glue runs them on thread pools,
// in stages for Register and Login so hashing has its own pool.
namespace codingahead::account {

struct AccountOptions {
  SessionLifetime guest_session{absl::Hours(24), absl::Hours(24)};
  SessionLifetime account_session{absl::Minutes(30), absl::Hours(12)};
  // The guest address limit's sliding window.
  absl::Duration address_window = absl::Hours(24);
  // Failed logins per typed email (cleared by a successful login) and per
  // client address (never cleared early: many people may share one).
  ThrottleLimits email_throttle;
  ThrottleLimits address_throttle{20, absl::Minutes(15), absl::Seconds(1), absl::Minutes(15)};
  // The CPT licence terms version AcceptTerms records.
  std::string terms_version = "2026";
  // The key of the email throttle owner's HMAC (EmailThrottleTag). A secret:
  // never logged. main.cc sets the configured one (or a random one).
  std::string throttle_key;
};

// What the gRPC layer knows about the caller, read from the call's metadata.
struct Caller {
  // nullopt when there is no `authorization` metadata; otherwise the bearer
  // token or why the header is malformed (common::BearerToken).
  std::optional<absl::StatusOr<std::string>> bearer;
  // common::ClientAddress: x-client-ip from trusted services only.
  std::string client_address;
};

struct AccountDeps {
  const PlanCatalog* plans = nullptr;
  AccountStore* accounts = nullptr;
  SessionStore* sessions = nullptr;
  AllowanceStore* allowances = nullptr;
  PasswordHasher* hasher = nullptr;
  const Clock* clock = nullptr;
  RandomSource* random = nullptr;
  LoginThrottle* throttle = nullptr;
  const PasswordPolicy* password_policy = nullptr;
};

// A Register request validated and with the guest's unlocked codes read
// (carry-over step 1), waiting for its password hash.
struct RegisterDraft {
  std::string email;
  std::string display_name;
  std::string request_id;
  std::string client_address;
  std::optional<SessionToken> guest;
  std::vector<std::string> guest_unlocked;
};

// A Login request validated, with the account when the email is known.
struct LoginAttempt {
  std::string client_address;
  std::optional<AccountRecord> account;
  std::string email_tag;  // throttle owners
  std::string address_tag;
};

// What the hash pool found: whether the password matched and, when the
// stored hash used other argon2 parameters, the password hashed anew.
struct PasswordCheck {
  bool ok = false;
  std::string new_hash;  // empty: no rehash
};

// A ChangePassword request validated against a live account session.
struct PasswordChange {
  SessionToken token;
  AccountRecord account;
  std::string client_address;
  std::string email_tag;
};

// The calendar-month period of `now` (UTC).
struct MonthPeriod {
  std::string name;  // "2024-01"
  absl::Time start;
  absl::Time end;
};
MonthPeriod MonthOf(absl::Time now);
// The UTC day of `now` ("2024-01-15").
MonthPeriod DayOf(absl::Time now);

class AccountLogic {
 public:
  // Every dependency must outlive the logic.
  AccountLogic(AccountDeps deps, AccountOptions options);

  absl::StatusOr<v1::StartGuestSessionResponse> StartGuestSession(const Caller& caller);

  // Register in three stages: validate and read the guest's views (store
  // pool), hash the password (hash pool), create and carry (store pool).
  absl::StatusOr<RegisterDraft> PrepareRegister(const v1::RegisterRequest& request,
                                                const Caller& caller);
  absl::StatusOr<std::string> HashPassword(const std::string& password);
  absl::StatusOr<v1::RegisterResponse> CompleteRegister(const RegisterDraft& draft,
                                                        const std::string& password_hash);
  // The three stages in a row (tests, tools).
  absl::StatusOr<v1::RegisterResponse> Register(const v1::RegisterRequest& request,
                                                const Caller& caller);

  // Login in three stages: validate and look up (store pool), verify (hash
  // pool; an unknown email verifies against a dummy hash), audit and create
  // the session (store pool).
  absl::StatusOr<LoginAttempt> PrepareLogin(const v1::LoginRequest& request, const Caller& caller);
  PasswordCheck VerifyPassword(const LoginAttempt& attempt, const std::string& password);
  absl::StatusOr<v1::LoginResponse> CompleteLogin(const LoginAttempt& attempt,
                                                  const PasswordCheck& check);
  absl::StatusOr<v1::LoginResponse> Login(const v1::LoginRequest& request, const Caller& caller);

  absl::StatusOr<v1::LogoutResponse> Logout(const Caller& caller);
  absl::StatusOr<v1::LogoutAllResponse> LogoutAll(const Caller& caller);

  // ChangePassword in three stages: validate, check the session, the
  // throttle and the new password's strength (store pool); verify the
  // current password and hash the new one (hash pool); store it, audit and
  // end every other session (store pool).
  absl::StatusOr<PasswordChange> PrepareChangePassword(const v1::ChangePasswordRequest& request,
                                                       const Caller& caller);
  // `ok` says whether the current password matched; `new_hash` is then set.
  absl::StatusOr<PasswordCheck> HashChangedPassword(const PasswordChange& change,
                                                    const v1::ChangePasswordRequest& request);
  absl::StatusOr<v1::ChangePasswordResponse> CompleteChangePassword(const PasswordChange& change,
                                                                    const PasswordCheck& check);
  absl::StatusOr<v1::ChangePasswordResponse> ChangePassword(
      const v1::ChangePasswordRequest& request, const Caller& caller);

  absl::StatusOr<v1::AcceptTermsResponse> AcceptTerms(const v1::AcceptTermsRequest& request,
                                                      const Caller& caller);
  absl::StatusOr<v1::ValidateSessionResponse> ValidateSession(
      const v1::ValidateSessionRequest& request, const Caller& caller);
  absl::StatusOr<v1::GetQuotaResponse> GetQuota(const Caller& caller);
  absl::StatusOr<v1::ConsumeViewResponse> ConsumeView(const v1::ConsumeViewRequest& request,
                                                      const Caller& caller);
  // One assistant question of the caller's plan per UTC day (DESIGN.md §4).
  absl::StatusOr<v1::ConsumeQuestionResponse> ConsumeQuestion(
      const v1::ConsumeQuestionRequest& request, const Caller& caller);

  // The hot calls of every code page, without blocking the calling thread:
  // `done` runs on the stores' I/O thread (or inline). Same answers as the
  // blocking versions. ConsumeViewAsync returns false, without calling
  // `done`, for a guest whose client address is metered (several dependent
  // store calls): use ConsumeView on a store thread for those.
  template <typename Response>
  using Done = std::function<void(absl::StatusOr<Response>)>;
  void ValidateSessionAsync(const v1::ValidateSessionRequest& request, const Caller& caller,
                            Done<v1::ValidateSessionResponse> done);
  bool ConsumeViewAsync(const v1::ConsumeViewRequest& request, const Caller& caller,
                        Done<v1::ConsumeViewResponse> done);
  // The caller must already be known to be an operator.
  absl::StatusOr<v1::ChangePlanResponse> ChangePlan(const v1::ChangePlanRequest& request);

 private:
  // What ConsumeView needs from the request before touching a store.
  struct ViewRequest {
    SessionToken token;
    std::string member;  // "<code_set>:<code>"
    std::vector<std::pair<std::string, int64_t>> limits;
    absl::Time now;
  };
  absl::StatusOr<ViewRequest> PrepareConsumeView(const v1::ConsumeViewRequest& request,
                                                 const Caller& caller) const;
  absl::StatusOr<v1::ConsumeViewResponse> ConsumeViewAnswer(
      const ViewRequest& view, const absl::StatusOr<ViewCharge>& charge,
      std::optional<AddressCharge> address, const std::string& address_tag) const;
  absl::StatusOr<v1::ValidateSessionResponse> ValidateSessionAnswer(
      const absl::StatusOr<std::optional<SessionRecord>>& session) const;

  // The token of `explicit_token` when set, else of the bearer metadata.
  absl::StatusOr<SessionToken> CallerToken(const std::string& explicit_token,
                                           const Caller& caller) const;
  const Plan* PlanOf(const SessionRecord& session) const;
  ViewPeriodKey PeriodKeyFor(const SessionOwner& owner, absl::Time now) const;
  v1::Principal PrincipalOf(const SessionRecord& session, const Plan& plan) const;
  // The views Allowance. `address_remaining` caps a guest's remaining views.
  v1::Allowance ViewsAllowance(const SessionRecord& session, const Plan& plan, int64_t used,
                               std::optional<int64_t> address_remaining, absl::Time now) const;
  v1::Session SessionProto(const std::string& token, const SessionRecord& session) const;
  absl::StatusOr<SessionRecord> NewAccountSession(const AccountRecord& account, std::string* token);
  int64_t GuestAddressLimit() const;
  // Adds a "field" violation when `password` fails the strength policy.
  void CheckPasswordStrength(absl::string_view password, absl::string_view email,
                             absl::string_view display_name, absl::string_view field,
                             common::BadRequestBuilder& bad) const;
  // RESOURCE_EXHAUSTED when either throttle owner is blocked.
  absl::Status CheckThrottle(const std::string& email_tag, const std::string& address_tag,
                             absl::Time now);
  absl::Status RecordLoginFailure(const std::string& email_tag, const std::string& address_tag,
                                  absl::Time now);
  // A live account session of the caller (UNAUTHENTICATED otherwise;
  // FAILED_PRECONDITION for a guest, naming `what` needs an account).
  absl::StatusOr<std::pair<SessionToken, SessionRecord>> AccountSession(const Caller& caller,
                                                                        absl::string_view what);

  AccountDeps deps_;
  AccountOptions options_;
};

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_LOGIC_H_
