#include "services/account/account_logic.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/log.h"
#include "common/status.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/account/redis_keys.h"
#include "services/account/validation.h"

namespace codingahead::account {
namespace {

constexpr char kSessionGone[] = "session expired or unknown: start a guest session or log in again";
constexpr char kMissingSession[] =
    "missing session: send metadata 'authorization: Bearer <session token>'";
constexpr char kLoginFailed[] = "email or password is incorrect";
constexpr char kErrorDomain[] = "codingahead.account";

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp out;
  int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(rest * 1000));
  return out;
}

std::string Plural(int64_t n, absl::string_view singular, absl::string_view plural) {
  return absl::StrCat(n, " ", n == 1 ? singular : plural);
}

constexpr size_t kMaxTermsVersionBytes = 64;

// "3 s", "2 min 5 s": a wait for a person, rounded up to whole seconds.
std::string WaitText(absl::Duration wait) {
  int64_t seconds = absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1)));
  if (seconds < 1) seconds = 1;
  if (seconds < 60) return absl::StrCat(seconds, " s");
  if (seconds % 60 == 0) return absl::StrCat(seconds / 60, " min");
  return absl::StrCat(seconds / 60, " min ", seconds % 60, " s");
}

}  // namespace

MonthPeriod MonthOf(absl::Time now) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  absl::CivilMonth month(absl::ToCivilSecond(now, utc));
  return {absl::FormatCivilTime(month), absl::FromCivil(month, utc),
          absl::FromCivil(month + 1, utc)};
}

MonthPeriod DayOf(absl::Time now) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  absl::CivilDay day(absl::ToCivilSecond(now, utc));
  return {absl::FormatCivilTime(day), absl::FromCivil(day, utc), absl::FromCivil(day + 1, utc)};
}

AccountLogic::AccountLogic(AccountDeps deps, AccountOptions options)
    : deps_(deps), options_(options) {}

// --- Helpers -----------------------------------------------------------------

absl::StatusOr<SessionToken> AccountLogic::CallerToken(const std::string& explicit_token,
                                                       const Caller& caller) const {
  if (!explicit_token.empty()) return ParseSessionToken(explicit_token);
  if (!caller.bearer.has_value()) return absl::UnauthenticatedError(kMissingSession);
  if (!caller.bearer->ok()) return caller.bearer->status();
  return ParseSessionToken(**caller.bearer);
}

const Plan* AccountLogic::PlanOf(const SessionRecord& session) const {
  return deps_.plans->Find(session.plan_id);
}

ViewPeriodKey AccountLogic::PeriodKeyFor(const SessionOwner& owner, absl::Time now) const {
  if (owner.is_guest()) return {kGuestLifetimePeriod, absl::InfinitePast()};
  MonthPeriod month = MonthOf(now);
  return {month.name, month.end};
}

v1::Principal AccountLogic::PrincipalOf(const SessionRecord& session, const Plan& plan) const {
  v1::Principal principal;
  principal.set_kind(session.owner.is_guest() ? v1::Principal::KIND_GUEST
                                              : v1::Principal::KIND_ACCOUNT);
  principal.set_owner_id(session.owner.PrincipalId());
  principal.set_account_id(session.owner.account_id);
  principal.set_email(session.email);
  principal.set_display_name(session.display_name);
  *principal.mutable_plan() = plan.ToProto();
  principal.set_accepted_terms_version(session.accepted_terms_version);
  return principal;
}

v1::Allowance AccountLogic::ViewsAllowance(const SessionRecord& session, const Plan& plan,
                                           int64_t used, std::optional<int64_t> address_remaining,
                                           absl::Time now) const {
  v1::Allowance allowance;
  allowance.set_kind(v1::Allowance::KIND_CODE_PAGE_VIEWS);
  int64_t remaining = 0;
  if (plan.unmetered_views) {
    allowance.set_unmetered(true);
  } else {
    remaining = std::max<int64_t>(0, plan.views_per_period - used);
    if (address_remaining.has_value()) {
      remaining = std::min(remaining, std::max<int64_t>(0, *address_remaining));
    }
    allowance.set_limit(plan.views_per_period);
    allowance.set_used(static_cast<int32_t>(used));
    allowance.set_remaining(static_cast<int32_t>(remaining));
  }
  if (session.owner.is_guest()) {
    *allowance.mutable_period_start() = ToTimestamp(session.created_at);
    *allowance.mutable_period_end() = ToTimestamp(session.expires_at);
  } else {
    MonthPeriod month = MonthOf(now);
    *allowance.mutable_period_start() = ToTimestamp(month.start);
    *allowance.mutable_period_end() = ToTimestamp(month.end);
  }
  allowance.set_message(deps_.plans->ViewsMessage(plan, remaining));
  return allowance;
}

v1::Session AccountLogic::SessionProto(const std::string& token,
                                       const SessionRecord& session) const {
  v1::Session out;
  out.set_token(token);
  *out.mutable_expires_at() = ToTimestamp(session.expires_at);
  *out.mutable_idle_expires_at() = ToTimestamp(session.idle_expires_at);
  return out;
}

absl::StatusOr<SessionRecord> AccountLogic::NewAccountSession(const AccountRecord& account,
                                                              std::string* token) {
  SessionToken parsed;
  *token = NewSessionToken(SessionOwner::Account(account.id), *deps_.random, &parsed);
  return deps_.sessions->Create(
      parsed,
      {account.plan_id, account.email, account.display_name, account.accepted_terms_version},
      options_.account_session, deps_.clock->Now());
}

int64_t AccountLogic::GuestAddressLimit() const { return deps_.plans->guest().views_per_period; }

void AccountLogic::CheckPasswordStrength(absl::string_view password, absl::string_view email,
                                         absl::string_view display_name, absl::string_view field,
                                         common::BadRequestBuilder& bad) const {
  // What an attacker knows about the account counts as dictionary words.
  std::vector<std::string> inputs = {std::string(email), std::string(display_name)};
  size_t at = email.find('@');
  if (at != absl::string_view::npos) {
    inputs.emplace_back(email.substr(0, at));
    inputs.emplace_back(email.substr(at + 1));
  }
  std::optional<std::string> why = deps_.password_policy->WhyWeak(password, inputs);
  if (why.has_value()) bad.Add(std::string(field), *std::move(why));
}

absl::Status AccountLogic::CheckThrottle(const std::string& email_tag,
                                         const std::string& address_tag, absl::Time now) {
  absl::StatusOr<absl::Duration> email_wait = deps_.throttle->BlockedFor(email_tag, now);
  if (!email_wait.ok()) return email_wait.status();
  absl::StatusOr<absl::Duration> address_wait = deps_.throttle->BlockedFor(address_tag, now);
  if (!address_wait.ok()) return address_wait.status();
  const absl::Duration wait = std::max(*email_wait, *address_wait);
  if (wait <= absl::ZeroDuration()) return absl::OkStatus();
  std::vector<common::QuotaViolation> violations;
  if (*email_wait > absl::ZeroDuration()) {
    violations.push_back(
        {"login:email",
         absl::StrCat("more than ", options_.email_throttle.failures - 1,
                      " failed logins for this email; blocked for ", WaitText(*email_wait))});
  }
  if (*address_wait > absl::ZeroDuration()) {
    violations.push_back({absl::StrCat("login:", address_tag),
                          absl::StrCat("more than ", options_.address_throttle.failures - 1,
                                       " failed logins from this client address; blocked for ",
                                       WaitText(*address_wait))});
  }
  absl::Status status = common::ResourceExhaustedError(
      absl::StrCat("too many failed logins: try again in ", WaitText(wait)), violations);
  status = common::WithErrorInfo(
      std::move(status), "LOGIN_THROTTLED", kErrorDomain,
      {{"retry_after_seconds",
        absl::StrCat(absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1))))}});
  return common::WithRetryDelay(std::move(status), wait);
}

absl::Status AccountLogic::RecordLoginFailure(const std::string& email_tag,
                                              const std::string& address_tag, absl::Time now) {
  absl::StatusOr<absl::Duration> email =
      deps_.throttle->RecordFailure(email_tag, options_.email_throttle, now);
  if (!email.ok()) return email.status();
  absl::StatusOr<absl::Duration> address =
      deps_.throttle->RecordFailure(address_tag, options_.address_throttle, now);
  return address.status();
}

absl::StatusOr<std::pair<SessionToken, SessionRecord>> AccountLogic::AccountSession(
    const Caller& caller, absl::string_view what) {
  absl::StatusOr<SessionToken> token = CallerToken("", caller);
  if (!token.ok()) return token.status();
  absl::StatusOr<std::optional<SessionRecord>> session =
      deps_.sessions->Validate(*token, deps_.clock->Now());
  if (!session.ok()) return session.status();
  if (!session->has_value()) return absl::UnauthenticatedError(kSessionGone);
  if (token->owner.is_guest()) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " needs an account: register or log in first"));
  }
  return std::make_pair(*token, **std::move(session));
}

// --- Guests ------------------------------------------------------------------

absl::StatusOr<v1::StartGuestSessionResponse> AccountLogic::StartGuestSession(
    const Caller& caller) {
  const Plan& plan = deps_.plans->guest();
  SessionToken parsed;
  std::string token =
      NewSessionToken(SessionOwner::NewGuest(*deps_.random), *deps_.random, &parsed);
  absl::StatusOr<SessionRecord> session = deps_.sessions->Create(
      parsed, {plan.id, "", "", ""}, options_.guest_session, deps_.clock->Now());
  if (!session.ok()) return session.status();
  v1::StartGuestSessionResponse response;
  *response.mutable_principal() = PrincipalOf(*session, plan);
  *response.mutable_session() = SessionProto(token, *session);
  return response;
}

// --- Register ----------------------------------------------------------------

absl::StatusOr<RegisterDraft> AccountLogic::PrepareRegister(const v1::RegisterRequest& request,
                                                            const Caller& caller) {
  common::BadRequestBuilder bad;
  CheckEmail(request.email(), /*full_rules=*/true, bad);
  const bool password_sized = CheckPassword(request.password(), /*full_rules=*/true, bad);
  std::string display_name = CheckDisplayName(request.display_name(), bad);
  CheckRequestId(request.request_id(), bad);
  if (password_sized) {
    CheckPasswordStrength(request.password(), NormalizeEmail(request.email()), display_name,
                          "password", bad);
  }
  if (!bad.empty()) return bad.Build("invalid Register request");

  RegisterDraft draft;
  draft.email = NormalizeEmail(request.email());
  draft.display_name = std::move(display_name);
  draft.request_id = request.request_id();
  draft.client_address = caller.client_address;
  if (!caller.bearer.has_value()) return draft;

  // A guest registering: read what it unlocked (carry-over step 1).
  absl::StatusOr<SessionToken> token = CallerToken("", caller);
  if (!token.ok()) return token.status();
  if (!token->owner.is_guest()) {
    return absl::FailedPreconditionError(
        "already signed in to an account: log out before registering another "
        "one");
  }
  absl::StatusOr<std::optional<std::vector<std::string>>> unlocked =
      deps_.allowances->ReadGuestUnlocked(*token, deps_.clock->Now());
  if (!unlocked.ok()) return unlocked.status();
  if (!unlocked->has_value()) {
    return absl::UnauthenticatedError(
        "guest session expired or unknown: register without it or start a new "
        "guest session");
  }
  draft.guest = *token;
  draft.guest_unlocked = **unlocked;
  return draft;
}

absl::StatusOr<std::string> AccountLogic::HashPassword(const std::string& password) {
  return deps_.hasher->Hash(password);
}

absl::StatusOr<v1::RegisterResponse> AccountLogic::CompleteRegister(
    const RegisterDraft& draft, const std::string& password_hash) {
  const absl::Time now = deps_.clock->Now();
  const Plan& plan = deps_.plans->registration();
  AuditEvent audit{0,
                   "register",
                   {{"plan", plan.id},
                    {"guest", draft.guest ? draft.guest->owner.PrincipalId() : ""},
                    {"carried_codes", absl::StrCat(draft.guest_unlocked.size())},
                    {"request_id", draft.request_id},
                    {"client_ip", draft.client_address}}};
  absl::StatusOr<AccountRecord> account =
      deps_.accounts->Create({draft.email, draft.display_name, password_hash, plan.id}, audit, now);
  if (!account.ok()) return account.status();

  // Carry-over step 2, before the session: if the session cannot be made the
  // views are already where a later login finds them.
  int64_t used = 0;
  if (draft.guest.has_value()) {
    MonthPeriod month = MonthOf(now);
    absl::StatusOr<CarryResult> carried = deps_.allowances->CarryIntoAccount(
        SessionOwner::Account(account->id), draft.guest->owner.tag, {month.name, month.end},
        draft.guest_unlocked, now);
    if (!carried.ok()) return carried.status();
    used = carried->used;
  }

  std::string token;
  absl::StatusOr<SessionRecord> session = NewAccountSession(*account, &token);
  if (!session.ok()) return session.status();
  const Plan* session_plan = PlanOf(*session);
  if (session_plan == nullptr) session_plan = &plan;
  v1::RegisterResponse response;
  *response.mutable_principal() = PrincipalOf(*session, *session_plan);
  *response.mutable_session() = SessionProto(token, *session);
  *response.mutable_views() = ViewsAllowance(*session, *session_plan, used, std::nullopt, now);
  return response;
}

absl::StatusOr<v1::RegisterResponse> AccountLogic::Register(const v1::RegisterRequest& request,
                                                            const Caller& caller) {
  absl::StatusOr<RegisterDraft> draft = PrepareRegister(request, caller);
  if (!draft.ok()) return draft.status();
  absl::StatusOr<std::string> hash = HashPassword(request.password());
  if (!hash.ok()) return hash.status();
  return CompleteRegister(*draft, *hash);
}

// --- Login / Logout / ValidateSession
// ------------------------------------------

absl::StatusOr<LoginAttempt> AccountLogic::PrepareLogin(const v1::LoginRequest& request,
                                                        const Caller& caller) {
  common::BadRequestBuilder bad;
  CheckEmail(request.email(), /*full_rules=*/false, bad);
  CheckPassword(request.password(), /*full_rules=*/false, bad);
  if (!bad.empty()) return bad.Build("invalid Login request");
  const std::string email = NormalizeEmail(request.email());
  LoginAttempt attempt;
  attempt.client_address = caller.client_address;
  attempt.email_tag = EmailThrottleTag(options_.throttle_key, email);
  attempt.address_tag = AddressOwnerTag(caller.client_address);
  // Before any hashing: a throttled caller costs no CPU. Unknown emails are
  // throttled like known ones, so the throttle tells nothing either.
  absl::Status throttled =
      CheckThrottle(attempt.email_tag, attempt.address_tag, deps_.clock->Now());
  if (!throttled.ok()) return throttled;
  absl::StatusOr<std::optional<AccountRecord>> account = deps_.accounts->FindByEmail(email);
  if (!account.ok()) return account.status();
  attempt.account = *std::move(account);
  return attempt;
}

PasswordCheck AccountLogic::VerifyPassword(const LoginAttempt& attempt,
                                           const std::string& password) {
  PasswordCheck check;
  // An unknown email pays for one hash too, so timing does not tell.
  if (!attempt.account.has_value()) {
    deps_.hasher->VerifyDummy(password);
    return check;
  }
  check.ok = deps_.hasher->Verify(attempt.account->password_hash, password);
  if (check.ok && deps_.hasher->NeedsRehash(attempt.account->password_hash)) {
    absl::StatusOr<std::string> rehashed = deps_.hasher->Hash(password);
    if (rehashed.ok()) check.new_hash = *std::move(rehashed);
  }
  return check;
}

absl::StatusOr<v1::LoginResponse> AccountLogic::CompleteLogin(const LoginAttempt& attempt,
                                                              const PasswordCheck& check) {
  const absl::Time now = deps_.clock->Now();
  if (!attempt.account.has_value() || !check.ok) {
    absl::Status counted = RecordLoginFailure(attempt.email_tag, attempt.address_tag, now);
    if (!counted.ok()) return counted;
    absl::Status audited =
        deps_.accounts->Audit({attempt.account ? attempt.account->id : 0,
                               "login_failed",
                               {{"reason", attempt.account ? "wrong_password" : "unknown_email"},
                                {"client_ip", attempt.client_address}}},
                              now);
    if (!audited.ok()) return audited;
    return absl::UnauthenticatedError(kLoginFailed);
  }
  const AccountRecord& account = *attempt.account;
  absl::Status cleared = deps_.throttle->Clear(attempt.email_tag);
  if (!cleared.ok()) return cleared;
  absl::Status audited =
      deps_.accounts->Audit({account.id, "login_ok", {{"client_ip", attempt.client_address}}}, now);
  if (!audited.ok()) return audited;
  if (!check.new_hash.empty()) {
    // The stored hash used older argon2 parameters: replace it. A failure
    // only delays the upgrade to the next login.
    absl::Status rehashed = deps_.accounts->UpdatePasswordHash(
        account.id, check.new_hash, {account.id, "password_rehash", {}}, now);
    if (!rehashed.ok()) {
      common::LogLine(common::LogLevel::kWarning, "password rehash failed")
          .With("error", rehashed.ToString());
    }
  }
  std::string token;
  absl::StatusOr<SessionRecord> session = NewAccountSession(account, &token);
  if (!session.ok()) return session.status();
  const Plan* plan = PlanOf(*session);
  if (plan == nullptr) {
    return absl::InternalError(absl::StrCat("plan '", session->plan_id, "' is not loaded"));
  }
  v1::LoginResponse response;
  *response.mutable_principal() = PrincipalOf(*session, *plan);
  *response.mutable_session() = SessionProto(token, *session);
  return response;
}

absl::StatusOr<v1::LoginResponse> AccountLogic::Login(const v1::LoginRequest& request,
                                                      const Caller& caller) {
  absl::StatusOr<LoginAttempt> attempt = PrepareLogin(request, caller);
  if (!attempt.ok()) return attempt.status();
  PasswordCheck check = VerifyPassword(*attempt, request.password());
  return CompleteLogin(*attempt, check);
}

absl::StatusOr<v1::LogoutResponse> AccountLogic::Logout(const Caller& caller) {
  absl::StatusOr<SessionToken> token = CallerToken("", caller);
  if (!token.ok()) return token.status();
  absl::StatusOr<bool> deleted = deps_.sessions->Delete(*token, deps_.clock->Now());
  if (!deleted.ok()) return deleted.status();
  if (!*deleted) return absl::UnauthenticatedError(kSessionGone);
  return v1::LogoutResponse();
}

absl::StatusOr<v1::LogoutAllResponse> AccountLogic::LogoutAll(const Caller& caller) {
  absl::StatusOr<SessionToken> token = CallerToken("", caller);
  if (!token.ok()) return token.status();
  v1::LogoutAllResponse response;
  if (token->owner.is_guest()) {
    // A guest identity has exactly one session.
    absl::StatusOr<bool> deleted = deps_.sessions->Delete(*token, deps_.clock->Now());
    if (!deleted.ok()) return deleted.status();
    if (!*deleted) return absl::UnauthenticatedError(kSessionGone);
    response.set_sessions_ended(1);
    return response;
  }
  absl::StatusOr<std::pair<SessionToken, SessionRecord>> session =
      AccountSession(caller, "LogoutAll");
  if (!session.ok()) return session.status();
  const int64_t account_id = token->owner.account_id;
  absl::StatusOr<int64_t> ended = deps_.sessions->DeleteAccountSessions(account_id, "");
  if (!ended.ok()) return ended.status();
  absl::Status audited = deps_.accounts->Audit(
      {account_id,
       "logout_all",
       {{"sessions_ended", absl::StrCat(*ended)}, {"client_ip", caller.client_address}}},
      deps_.clock->Now());
  if (!audited.ok()) return audited;
  response.set_sessions_ended(static_cast<int32_t>(*ended));
  return response;
}

absl::StatusOr<PasswordChange> AccountLogic::PrepareChangePassword(
    const v1::ChangePasswordRequest& request, const Caller& caller) {
  common::BadRequestBuilder bad;
  CheckPassword(request.current_password(), /*full_rules=*/false, bad, "current_password");
  const bool new_sized = CheckPassword(request.new_password(),
                                       /*full_rules=*/true, bad, "new_password");
  if (!bad.empty()) return bad.Build("invalid ChangePassword request");
  absl::StatusOr<std::pair<SessionToken, SessionRecord>> session =
      AccountSession(caller, "ChangePassword");
  if (!session.ok()) return session.status();
  PasswordChange change;
  change.token = session->first;
  change.client_address = caller.client_address;
  absl::StatusOr<std::optional<AccountRecord>> account =
      deps_.accounts->FindById(change.token.owner.account_id);
  if (!account.ok()) return account.status();
  if (!account->has_value()) return absl::UnauthenticatedError(kSessionGone);
  change.account = **std::move(account);
  change.email_tag = EmailThrottleTag(options_.throttle_key, change.account.email);
  // Guessing the current password through a stolen session is throttled
  // like logging in.
  absl::Status throttled =
      CheckThrottle(change.email_tag, AddressOwnerTag(caller.client_address), deps_.clock->Now());
  if (!throttled.ok()) return throttled;
  if (new_sized) {
    CheckPasswordStrength(request.new_password(), change.account.email, change.account.display_name,
                          "new_password", bad);
  }
  if (request.new_password() == request.current_password()) {
    bad.Add("new_password", "must differ from the current password");
  }
  if (!bad.empty()) return bad.Build("invalid ChangePassword request");
  return change;
}

absl::StatusOr<PasswordCheck> AccountLogic::HashChangedPassword(
    const PasswordChange& change, const v1::ChangePasswordRequest& request) {
  PasswordCheck check;
  check.ok = deps_.hasher->Verify(change.account.password_hash, request.current_password());
  if (!check.ok) return check;
  absl::StatusOr<std::string> hash = deps_.hasher->Hash(request.new_password());
  if (!hash.ok()) return hash.status();
  check.new_hash = *std::move(hash);
  return check;
}

absl::StatusOr<v1::ChangePasswordResponse> AccountLogic::CompleteChangePassword(
    const PasswordChange& change, const PasswordCheck& check) {
  const absl::Time now = deps_.clock->Now();
  const std::string address_tag = AddressOwnerTag(change.client_address);
  if (!check.ok) {
    absl::Status counted = RecordLoginFailure(change.email_tag, address_tag, now);
    if (!counted.ok()) return counted;
    absl::Status audited = deps_.accounts->Audit(
        {change.account.id,
         "password_change_failed",
         {{"reason", "wrong_current_password"}, {"client_ip", change.client_address}}},
        now);
    if (!audited.ok()) return audited;
    return common::InvalidArgumentError(
        "invalid ChangePassword request",
        {{"current_password", "does not match the account's password"}});
  }
  absl::Status stored = deps_.accounts->UpdatePasswordHash(
      change.account.id, check.new_hash,
      {change.account.id, "password_change", {{"client_ip", change.client_address}}}, now);
  if (!stored.ok()) return stored;
  // Every other session could be the attacker's: end them (ASVS 7.4.3).
  absl::StatusOr<int64_t> ended =
      deps_.sessions->DeleteAccountSessions(change.account.id, change.token.secret_sha256);
  if (!ended.ok()) return ended.status();
  absl::Status cleared = deps_.throttle->Clear(change.email_tag);
  if (!cleared.ok()) return cleared;
  v1::ChangePasswordResponse response;
  response.set_other_sessions_ended(static_cast<int32_t>(*ended));
  return response;
}

absl::StatusOr<v1::ChangePasswordResponse> AccountLogic::ChangePassword(
    const v1::ChangePasswordRequest& request, const Caller& caller) {
  absl::StatusOr<PasswordChange> change = PrepareChangePassword(request, caller);
  if (!change.ok()) return change.status();
  absl::StatusOr<PasswordCheck> check = HashChangedPassword(*change, request);
  if (!check.ok()) return check.status();
  return CompleteChangePassword(*change, *check);
}

absl::StatusOr<v1::AcceptTermsResponse> AccountLogic::AcceptTerms(
    const v1::AcceptTermsRequest& request, const Caller& caller) {
  common::BadRequestBuilder bad;
  const std::string& version = request.terms_version();
  if (version.empty()) {
    bad.Add("terms_version", absl::StrCat("required: the terms version shown to the user (now '",
                                          options_.terms_version, "')"));
  } else if (version.size() > kMaxTermsVersionBytes) {
    bad.Add("terms_version", absl::StrCat("must be at most ", kMaxTermsVersionBytes, " bytes"));
  } else if (!std::all_of(version.begin(), version.end(),
                          [](char c) { return c > ' ' && c < 0x7f; })) {
    bad.Add("terms_version", "must be printable ASCII without spaces");
  }
  if (!bad.empty()) return bad.Build("invalid AcceptTerms request");
  absl::StatusOr<std::pair<SessionToken, SessionRecord>> session =
      AccountSession(caller, "AcceptTerms");
  if (!session.ok()) return session.status();
  if (version != options_.terms_version) {
    return common::FailedPreconditionError(
        absl::StrCat("terms version '", version, "' is not the current CPT licence terms version '",
                     options_.terms_version, "': show and accept those"),
        "TERMS_VERSION", "terms_version",
        absl::StrCat("the current version is '", options_.terms_version, "'"));
  }
  const int64_t account_id = session->first.owner.account_id;
  absl::StatusOr<AccountRecord> account = deps_.accounts->AcceptTerms(
      account_id, version, {{"client_ip", caller.client_address}}, deps_.clock->Now());
  if (!account.ok()) return account.status();
  absl::Status applied = deps_.sessions->SetAccountTerms(account_id, version);
  if (!applied.ok()) return applied;
  v1::AcceptTermsResponse response;
  response.set_terms_version(version);
  *response.mutable_accepted_at() = ToTimestamp(account->accepted_terms_at);
  return response;
}

absl::StatusOr<v1::ValidateSessionResponse> AccountLogic::ValidateSession(
    const v1::ValidateSessionRequest& request, const Caller& caller) {
  if (request.token().size() > kMaxTokenFieldBytes) {
    return common::InvalidArgumentError(
        "invalid ValidateSession request",
        {{"token", absl::StrCat("must be at most ", kMaxTokenFieldBytes, " bytes")}});
  }
  absl::StatusOr<SessionToken> token = CallerToken(request.token(), caller);
  if (!token.ok()) return token.status();
  return ValidateSessionAnswer(deps_.sessions->Validate(*token, deps_.clock->Now()));
}

void AccountLogic::ValidateSessionAsync(const v1::ValidateSessionRequest& request,
                                        const Caller& caller,
                                        Done<v1::ValidateSessionResponse> done) {
  if (request.token().size() > kMaxTokenFieldBytes) {
    done(common::InvalidArgumentError(
        "invalid ValidateSession request",
        {{"token", absl::StrCat("must be at most ", kMaxTokenFieldBytes, " bytes")}}));
    return;
  }
  absl::StatusOr<SessionToken> token = CallerToken(request.token(), caller);
  if (!token.ok()) {
    done(token.status());
    return;
  }
  deps_.sessions->ValidateAsync(
      *token, deps_.clock->Now(),
      [this, done = std::move(done)](absl::StatusOr<std::optional<SessionRecord>> session) {
        done(ValidateSessionAnswer(session));
      });
}

absl::StatusOr<v1::ValidateSessionResponse> AccountLogic::ValidateSessionAnswer(
    const absl::StatusOr<std::optional<SessionRecord>>& session) const {
  if (!session.ok()) return session.status();
  if (!session->has_value()) return absl::UnauthenticatedError(kSessionGone);
  const Plan* plan = PlanOf(**session);
  if (plan == nullptr) {
    return absl::InternalError(absl::StrCat("plan '", (*session)->plan_id, "' is not loaded"));
  }
  v1::ValidateSessionResponse response;
  *response.mutable_principal() = PrincipalOf(**session, *plan);
  *response.mutable_idle_expires_at() = ToTimestamp((*session)->idle_expires_at);
  *response.mutable_expires_at() = ToTimestamp((*session)->expires_at);
  return response;
}

// --- Allowances
// ----------------------------------------------------------------

absl::StatusOr<v1::GetQuotaResponse> AccountLogic::GetQuota(const Caller& caller) {
  absl::StatusOr<SessionToken> token = CallerToken("", caller);
  if (!token.ok()) return token.status();
  const absl::Time now = deps_.clock->Now();
  absl::StatusOr<ViewQuota> quota =
      deps_.allowances->Quota(*token, PeriodKeyFor(token->owner, now), now);
  if (!quota.ok()) return quota.status();
  if (!quota->session.has_value()) return absl::UnauthenticatedError(kSessionGone);
  const Plan* plan = PlanOf(*quota->session);
  if (plan == nullptr) {
    return absl::InternalError(absl::StrCat("plan '", quota->session->plan_id, "' is not loaded"));
  }
  std::optional<int64_t> address_remaining;
  if (token->owner.is_guest() && !deps_.plans->guest().unmetered_views) {
    absl::StatusOr<int64_t> count = deps_.allowances->CountAddress(
        AddressOwnerTag(caller.client_address), options_.address_window, now);
    if (!count.ok()) return count.status();
    address_remaining = GuestAddressLimit() - *count;
  }
  v1::GetQuotaResponse response;
  *response.mutable_principal() = PrincipalOf(*quota->session, *plan);
  *response.add_allowances() =
      ViewsAllowance(*quota->session, *plan, quota->used, address_remaining, now);
  return response;
}

absl::StatusOr<AccountLogic::ViewRequest> AccountLogic::PrepareConsumeView(
    const v1::ConsumeViewRequest& request, const Caller& caller) const {
  common::BadRequestBuilder bad;
  if (request.token().size() > kMaxTokenFieldBytes) {
    bad.Add("token", absl::StrCat("must be at most ", kMaxTokenFieldBytes, " bytes"));
  }
  std::string code = CheckCode(request.code(), bad);
  std::string code_set = CheckCodeSet(request.code_set(), bad);
  CheckRequestId(request.request_id(), bad);
  if (!bad.empty()) return bad.Build("invalid ConsumeView request");
  absl::StatusOr<SessionToken> token = CallerToken(request.token(), caller);
  if (!token.ok()) return token.status();
  ViewRequest view;
  view.token = *std::move(token);
  view.now = deps_.clock->Now();
  view.member = absl::StrCat(code_set, ":", code);
  for (const Plan& plan : deps_.plans->plans()) {
    view.limits.emplace_back(plan.id, plan.ScriptViewLimit());
  }
  return view;
}

absl::StatusOr<v1::ConsumeViewResponse> AccountLogic::ConsumeView(
    const v1::ConsumeViewRequest& request, const Caller& caller) {
  absl::StatusOr<ViewRequest> view = PrepareConsumeView(request, caller);
  if (!view.ok()) return view.status();
  const absl::Time now = view->now;
  const SessionOwner& owner = view->token.owner;
  const std::string& member = view->member;

  // Guests: the client address is a separate owner, charged first (its own
  // script) and refunded when the guest's own charge does not happen.
  std::optional<AddressCharge> address;
  std::string address_tag;
  const std::string address_member = absl::StrCat(owner.tag, ":", member);
  if (owner.is_guest() && !deps_.plans->guest().unmetered_views) {
    address_tag = AddressOwnerTag(caller.client_address);
    absl::StatusOr<AddressCharge> charged = deps_.allowances->ChargeAddress(
        address_tag, address_member, GuestAddressLimit(), options_.address_window, now);
    if (!charged.ok()) return charged.status();
    address = *charged;
  }
  const bool may_charge =
      !address.has_value() || address->outcome != AddressCharge::Outcome::kExhausted;
  absl::StatusOr<ViewCharge> charge =
      deps_.allowances->ConsumeView(view->token, PeriodKeyFor(owner, now), member,
                                    request.request_id(), may_charge, view->limits, now);
  if (address.has_value() && address->outcome == AddressCharge::Outcome::kAdded &&
      !(charge.ok() && charge->outcome == ViewCharge::Outcome::kCharged)) {
    absl::Status refunded =
        deps_.allowances->RefundAddress(address_tag, address_member, address->charged_at);
    if (refunded.ok()) {
      --address->count;
    } else {
      common::LogLine(common::LogLevel::kWarning, "guest address refund failed")
          .With("error", refunded.ToString());
    }
  }
  return ConsumeViewAnswer(*view, charge, address, address_tag);
}

bool AccountLogic::ConsumeViewAsync(const v1::ConsumeViewRequest& request, const Caller& caller,
                                    Done<v1::ConsumeViewResponse> done) {
  absl::StatusOr<ViewRequest> view = PrepareConsumeView(request, caller);
  if (!view.ok()) {
    done(view.status());
    return true;
  }
  if (view->token.owner.is_guest() && !deps_.plans->guest().unmetered_views) return false;
  auto shared = std::make_shared<ViewRequest>(*std::move(view));
  deps_.allowances->ConsumeViewAsync(
      shared->token, PeriodKeyFor(shared->token.owner, shared->now), shared->member,
      request.request_id(), /*may_charge=*/true, shared->limits, shared->now,
      [this, shared, done = std::move(done)](absl::StatusOr<ViewCharge> charge) {
        done(ConsumeViewAnswer(*shared, charge, std::nullopt, ""));
      });
  return true;
}

absl::StatusOr<v1::ConsumeViewResponse> AccountLogic::ConsumeViewAnswer(
    const ViewRequest& view, const absl::StatusOr<ViewCharge>& charge,
    std::optional<AddressCharge> address, const std::string& address_tag) const {
  if (!charge.ok()) return charge.status();

  switch (charge->outcome) {
    case ViewCharge::Outcome::kNoSession:
      return absl::UnauthenticatedError(kSessionGone);
    case ViewCharge::Outcome::kRequestIdConflict:
      return common::InvalidArgumentError(
          "request_id is already bound to another code",
          {{"request_id", "already used for another code in this period; send a new one"}});
    case ViewCharge::Outcome::kUnknownPlan:
      return absl::InternalError(
          absl::StrCat("plan '", charge->session->plan_id, "' is not loaded"));
    default:
      break;
  }
  const SessionRecord& session = *charge->session;
  const Plan* plan = PlanOf(session);
  if (plan == nullptr) {
    return absl::InternalError(absl::StrCat("plan '", session.plan_id, "' is not loaded"));
  }
  if (charge->outcome == ViewCharge::Outcome::kExhausted ||
      charge->outcome == ViewCharge::Outcome::kNotChargeable) {
    std::vector<common::QuotaViolation> violations;
    if (charge->outcome == ViewCharge::Outcome::kNotChargeable) {
      violations.push_back(
          {address_tag,
           absl::StrCat(Plural(GuestAddressLimit(), "code page view", "code page views"),
                        " per client address per ", absl::FormatDuration(options_.address_window),
                        " for guests, already used")});
    }
    if (charge->used >= plan->views_per_period) {
      violations.push_back(
          {view.token.owner.PrincipalId(),
           absl::StrCat(Plural(plan->views_per_period, "code page view", "code page views"),
                        plan->view_period == ViewPeriod::kGuestLifetime
                            ? " per guest identity"
                            : " per calendar month (UTC)",
                        ", all used")});
    }
    return common::WithErrorInfo(
        common::ResourceExhaustedError(deps_.plans->ViewsMessage(*plan, 0), violations),
        "CODE_PAGE_VIEWS_EXHAUSTED", kErrorDomain, {{"plan", plan->id}});
  }

  std::optional<int64_t> address_remaining;
  if (address.has_value()) address_remaining = GuestAddressLimit() - address->count;
  v1::ConsumeViewResponse response;
  *response.mutable_principal() = PrincipalOf(session, *plan);
  response.set_charged(charge->outcome == ViewCharge::Outcome::kCharged);
  *response.mutable_views() =
      ViewsAllowance(session, *plan, charge->used, address_remaining, view.now);
  response.set_sections_visible(plan->sections_visible);
  return response;
}

absl::StatusOr<v1::ConsumeQuestionResponse> AccountLogic::ConsumeQuestion(
    const v1::ConsumeQuestionRequest& request, const Caller& caller) {
  common::BadRequestBuilder bad;
  if (request.token().size() > kMaxTokenFieldBytes) {
    bad.Add("token", absl::StrCat("must be at most ", kMaxTokenFieldBytes, " bytes"));
  }
  CheckRequestId(request.request_id(), bad);
  if (!bad.empty()) return bad.Build("invalid ConsumeQuestion request");
  absl::StatusOr<SessionToken> token = CallerToken(request.token(), caller);
  if (!token.ok()) return token.status();

  const absl::Time now = deps_.clock->Now();
  const MonthPeriod day = DayOf(now);
  std::vector<std::pair<std::string, int64_t>> limits;
  for (const Plan& plan : deps_.plans->plans()) {
    limits.emplace_back(plan.id, plan.ScriptQuestionLimit());
  }
  absl::StatusOr<QuestionCharge> charge = deps_.allowances->ConsumeQuestion(
      *token, {day.name, day.end}, request.request_id(), limits, now);
  if (!charge.ok()) return charge.status();
  if (charge->outcome == QuestionCharge::Outcome::kNoSession) {
    return absl::UnauthenticatedError(kSessionGone);
  }
  const SessionRecord& session = *charge->session;
  const Plan* plan = PlanOf(session);
  if (charge->outcome == QuestionCharge::Outcome::kUnknownPlan || plan == nullptr) {
    return absl::InternalError(absl::StrCat("plan '", session.plan_id, "' is not loaded"));
  }
  if (charge->outcome == QuestionCharge::Outcome::kExhausted) {
    absl::Status status = common::ResourceExhaustedError(
        deps_.plans->QuestionsMessage(*plan, 0),
        {{token->owner.PrincipalId(),
          plan->questions_per_day == 0
              ? absl::StrCat("no assistant questions on the ", plan->id, " plan")
              : absl::StrCat(
                    Plural(plan->questions_per_day, "assistant question", "assistant questions"),
                    " per day (UTC), all used")}});
    status = common::WithErrorInfo(std::move(status), "ASSISTANT_QUESTIONS_EXHAUSTED", kErrorDomain,
                                   {{"plan", plan->id}});
    // A new allowance comes at midnight UTC, unless the plan has none.
    if (plan->questions_per_day > 0)
      status = common::WithRetryDelay(std::move(status), day.end - now);
    return status;
  }
  v1::ConsumeQuestionResponse response;
  *response.mutable_principal() = PrincipalOf(session, *plan);
  response.set_charged(charge->outcome == QuestionCharge::Outcome::kCharged);
  v1::Allowance* questions = response.mutable_questions();
  questions->set_kind(v1::Allowance::KIND_QUESTIONS);
  int64_t remaining = 0;
  if (plan->unmetered_questions) {
    questions->set_unmetered(true);
  } else {
    remaining = std::max<int64_t>(0, plan->questions_per_day - charge->used);
    questions->set_limit(plan->questions_per_day);
    questions->set_used(static_cast<int32_t>(charge->used));
    questions->set_remaining(static_cast<int32_t>(remaining));
  }
  *questions->mutable_period_start() = ToTimestamp(day.start);
  *questions->mutable_period_end() = ToTimestamp(day.end);
  questions->set_message(deps_.plans->QuestionsMessage(*plan, remaining));
  return response;
}

// --- Operators
// ----------------------------------------------------------------

absl::StatusOr<v1::ChangePlanResponse> AccountLogic::ChangePlan(
    const v1::ChangePlanRequest& request) {
  common::BadRequestBuilder bad;
  if (request.account_id() <= 0) bad.Add("account_id", "required: a positive account id");
  const Plan* plan = nullptr;
  if (request.plan_id().empty()) {
    bad.Add("plan_id", "required");
  } else if (request.plan_id().size() > kMaxPlanIdBytes) {
    bad.Add("plan_id", absl::StrCat("must be at most ", kMaxPlanIdBytes, " characters"));
  } else if ((plan = deps_.plans->Find(request.plan_id())) == nullptr) {
    std::vector<std::string> known;
    for (const Plan& p : deps_.plans->plans()) {
      if (p.view_period != ViewPeriod::kGuestLifetime) known.push_back(p.id);
    }
    bad.Add("plan_id",
            absl::StrCat("unknown plan; accounts can have: ", absl::StrJoin(known, ", ")));
  } else if (plan->view_period == ViewPeriod::kGuestLifetime) {
    bad.Add("plan_id", absl::StrCat("plan '", plan->id, "' is for guest identities only"));
  }
  if (request.reason().empty()) {
    bad.Add("reason", "required: why, for the audit log");
  } else if (!IsValidUtf8(request.reason()) || Utf8Length(request.reason()) > kMaxReasonChars) {
    bad.Add("reason", absl::StrCat("at most ", kMaxReasonChars, " characters of valid UTF-8"));
  }
  if (!bad.empty()) return bad.Build("invalid ChangePlan request");

  absl::StatusOr<AccountRecord> account = deps_.accounts->ChangePlan(
      request.account_id(), plan->id, request.reason(), deps_.clock->Now());
  if (!account.ok()) return account.status();
  // Live sessions read the plan key on each call: the change applies on the
  // account's next call. Retrying after a failure here is harmless.
  absl::Status applied =
      deps_.sessions->SetAccountPlan(account->id, plan->id, options_.account_session.absolute);
  if (!applied.ok()) return applied;

  SessionRecord as_session;
  as_session.owner = SessionOwner::Account(account->id);
  as_session.email = account->email;
  as_session.display_name = account->display_name;
  as_session.accepted_terms_version = account->accepted_terms_version;
  v1::ChangePlanResponse response;
  *response.mutable_principal() = PrincipalOf(as_session, *plan);
  return response;
}

}  // namespace codingahead::account
