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

constexpr char kSessionGone[] =
    "session expired or unknown: start a guest session or log in again";
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

std::string Plural(int64_t n, absl::string_view singular,
                   absl::string_view plural) {
  return absl::StrCat(n, " ", n == 1 ? singular : plural);
}

}  // namespace

MonthPeriod MonthOf(absl::Time now) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  absl::CivilMonth month(absl::ToCivilSecond(now, utc));
  return {absl::FormatCivilTime(month), absl::FromCivil(month, utc),
          absl::FromCivil(month + 1, utc)};
}

AccountLogic::AccountLogic(AccountDeps deps, AccountOptions options)
    : deps_(deps), options_(options) {}

// --- Helpers -----------------------------------------------------------------

absl::StatusOr<SessionToken> AccountLogic::CallerToken(
    const std::string& explicit_token, const Caller& caller) const {
  if (!explicit_token.empty()) return ParseSessionToken(explicit_token);
  if (!caller.bearer.has_value())
    return absl::UnauthenticatedError(kMissingSession);
  if (!caller.bearer->ok()) return caller.bearer->status();
  return ParseSessionToken(**caller.bearer);
}

const Plan* AccountLogic::PlanOf(const SessionRecord& session) const {
  return deps_.plans->Find(session.plan_id);
}

ViewPeriodKey AccountLogic::PeriodKeyFor(const SessionOwner& owner,
                                         absl::Time now) const {
  if (owner.is_guest()) return {kGuestLifetimePeriod, absl::InfinitePast()};
  MonthPeriod month = MonthOf(now);
  return {month.name, month.end};
}

v1::Principal AccountLogic::PrincipalOf(const SessionRecord& session,
                                        const Plan& plan) const {
  v1::Principal principal;
  principal.set_kind(session.owner.is_guest() ? v1::Principal::KIND_GUEST
                                              : v1::Principal::KIND_ACCOUNT);
  principal.set_owner_id(session.owner.PrincipalId());
  principal.set_account_id(session.owner.account_id);
  principal.set_email(session.email);
  principal.set_display_name(session.display_name);
  *principal.mutable_plan() = plan.ToProto();
  return principal;
}

v1::Allowance AccountLogic::ViewsAllowance(
    const SessionRecord& session, const Plan& plan, int64_t used,
    std::optional<int64_t> address_remaining, absl::Time now) const {
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

absl::StatusOr<SessionRecord> AccountLogic::NewAccountSession(
    const AccountRecord& account, std::string* token) {
  SessionToken parsed;
  *token = NewSessionToken(SessionOwner::Account(account.id), *deps_.random,
                           &parsed);
  return deps_.sessions->Create(
      parsed, {account.plan_id, account.email, account.display_name},
      options_.account_session, deps_.clock->Now());
}

int64_t AccountLogic::GuestAddressLimit() const {
  return deps_.plans->guest().views_per_period;
}

// --- Guests ------------------------------------------------------------------

absl::StatusOr<v1::StartGuestSessionResponse> AccountLogic::StartGuestSession(
    const Caller& caller) {
  const Plan& plan = deps_.plans->guest();
  SessionToken parsed;
  std::string token = NewSessionToken(SessionOwner::NewGuest(*deps_.random),
                                      *deps_.random, &parsed);
  absl::StatusOr<SessionRecord> session = deps_.sessions->Create(
      parsed, {plan.id, "", ""}, options_.guest_session, deps_.clock->Now());
  if (!session.ok()) return session.status();
  v1::StartGuestSessionResponse response;
  *response.mutable_principal() = PrincipalOf(*session, plan);
  *response.mutable_session() = SessionProto(token, *session);
  return response;
}

// --- Register ----------------------------------------------------------------

absl::StatusOr<RegisterDraft> AccountLogic::PrepareRegister(
    const v1::RegisterRequest& request, const Caller& caller) {
  common::BadRequestBuilder bad;
  CheckEmail(request.email(), /*full_rules=*/true, bad);
  CheckPassword(request.password(), /*full_rules=*/true, bad);
  std::string display_name = CheckDisplayName(request.display_name(), bad);
  CheckRequestId(request.request_id(), bad);
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

absl::StatusOr<std::string> AccountLogic::HashPassword(
    const std::string& password) {
  return deps_.hasher->Hash(password);
}

absl::StatusOr<v1::RegisterResponse> AccountLogic::CompleteRegister(
    const RegisterDraft& draft, const std::string& password_hash) {
  const absl::Time now = deps_.clock->Now();
  const Plan& plan = deps_.plans->registration();
  AuditEvent audit{
      0,
      "register",
      {{"plan", plan.id},
       {"guest", draft.guest ? draft.guest->owner.PrincipalId() : ""},
       {"carried_codes", absl::StrCat(draft.guest_unlocked.size())},
       {"request_id", draft.request_id},
       {"client_ip", draft.client_address}}};
  absl::StatusOr<AccountRecord> account = deps_.accounts->Create(
      {draft.email, draft.display_name, password_hash, plan.id}, audit, now);
  if (!account.ok()) return account.status();

  // Carry-over step 2, before the session: if the session cannot be made the
  // views are already where a later login finds them.
  int64_t used = 0;
  if (draft.guest.has_value()) {
    MonthPeriod month = MonthOf(now);
    absl::StatusOr<CarryResult> carried = deps_.allowances->CarryIntoAccount(
        SessionOwner::Account(account->id), draft.guest->owner.tag,
        {month.name, month.end}, draft.guest_unlocked, now);
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
  *response.mutable_views() =
      ViewsAllowance(*session, *session_plan, used, std::nullopt, now);
  return response;
}

absl::StatusOr<v1::RegisterResponse> AccountLogic::Register(
    const v1::RegisterRequest& request, const Caller& caller) {
  absl::StatusOr<RegisterDraft> draft = PrepareRegister(request, caller);
  if (!draft.ok()) return draft.status();
  absl::StatusOr<std::string> hash = HashPassword(request.password());
  if (!hash.ok()) return hash.status();
  return CompleteRegister(*draft, *hash);
}

// --- Login / Logout / ValidateSession
// ------------------------------------------

absl::StatusOr<LoginAttempt> AccountLogic::PrepareLogin(
    const v1::LoginRequest& request, const Caller& caller) {
  common::BadRequestBuilder bad;
  CheckEmail(request.email(), /*full_rules=*/false, bad);
  CheckPassword(request.password(), /*full_rules=*/false, bad);
  if (!bad.empty()) return bad.Build("invalid Login request");
  absl::StatusOr<std::optional<AccountRecord>> account =
      deps_.accounts->FindByEmail(NormalizeEmail(request.email()));
  if (!account.ok()) return account.status();
  return LoginAttempt{caller.client_address, *std::move(account)};
}

bool AccountLogic::VerifyPassword(const LoginAttempt& attempt,
                                  const std::string& password) {
  // An unknown email pays for one hash too, so timing does not tell.
  if (!attempt.account.has_value()) return deps_.hasher->VerifyDummy(password);
  return deps_.hasher->Verify(attempt.account->password_hash, password);
}

absl::StatusOr<v1::LoginResponse> AccountLogic::CompleteLogin(
    const LoginAttempt& attempt, bool password_ok) {
  const absl::Time now = deps_.clock->Now();
  if (!attempt.account.has_value() || !password_ok) {
    absl::Status audited = deps_.accounts->Audit(
        {attempt.account ? attempt.account->id : 0,
         "login_failed",
         {{"reason", attempt.account ? "wrong_password" : "unknown_email"},
          {"client_ip", attempt.client_address}}},
        now);
    if (!audited.ok()) return audited;
    return absl::UnauthenticatedError(kLoginFailed);
  }
  const AccountRecord& account = *attempt.account;
  absl::Status audited = deps_.accounts->Audit(
      {account.id, "login_ok", {{"client_ip", attempt.client_address}}}, now);
  if (!audited.ok()) return audited;
  std::string token;
  absl::StatusOr<SessionRecord> session = NewAccountSession(account, &token);
  if (!session.ok()) return session.status();
  const Plan* plan = PlanOf(*session);
  if (plan == nullptr) {
    return absl::InternalError(
        absl::StrCat("plan '", session->plan_id, "' is not loaded"));
  }
  v1::LoginResponse response;
  *response.mutable_principal() = PrincipalOf(*session, *plan);
  *response.mutable_session() = SessionProto(token, *session);
  return response;
}

absl::StatusOr<v1::LoginResponse> AccountLogic::Login(
    const v1::LoginRequest& request, const Caller& caller) {
  absl::StatusOr<LoginAttempt> attempt = PrepareLogin(request, caller);
  if (!attempt.ok()) return attempt.status();
  bool ok = VerifyPassword(*attempt, request.password());
  return CompleteLogin(*attempt, ok);
}

absl::StatusOr<v1::LogoutResponse> AccountLogic::Logout(const Caller& caller) {
  absl::StatusOr<SessionToken> token = CallerToken("", caller);
  if (!token.ok()) return token.status();
  absl::StatusOr<bool> deleted =
      deps_.sessions->Delete(*token, deps_.clock->Now());
  if (!deleted.ok()) return deleted.status();
  if (!*deleted) return absl::UnauthenticatedError(kSessionGone);
  return v1::LogoutResponse();
}

absl::StatusOr<v1::ValidateSessionResponse> AccountLogic::ValidateSession(
    const v1::ValidateSessionRequest& request, const Caller& caller) {
  if (request.token().size() > kMaxTokenFieldBytes) {
    return common::InvalidArgumentError(
        "invalid ValidateSession request",
        {{"token",
          absl::StrCat("must be at most ", kMaxTokenFieldBytes, " bytes")}});
  }
  absl::StatusOr<SessionToken> token = CallerToken(request.token(), caller);
  if (!token.ok()) return token.status();
  absl::StatusOr<std::optional<SessionRecord>> session =
      deps_.sessions->Validate(*token, deps_.clock->Now());
  if (!session.ok()) return session.status();
  if (!session->has_value()) return absl::UnauthenticatedError(kSessionGone);
  const Plan* plan = PlanOf(**session);
  if (plan == nullptr) {
    return absl::InternalError(
        absl::StrCat("plan '", (*session)->plan_id, "' is not loaded"));
  }
  v1::ValidateSessionResponse response;
  *response.mutable_principal() = PrincipalOf(**session, *plan);
  *response.mutable_idle_expires_at() =
      ToTimestamp((*session)->idle_expires_at);
  *response.mutable_expires_at() = ToTimestamp((*session)->expires_at);
  return response;
}

// --- Allowances
// ----------------------------------------------------------------

absl::StatusOr<v1::GetQuotaResponse> AccountLogic::GetQuota(
    const Caller& caller) {
  absl::StatusOr<SessionToken> token = CallerToken("", caller);
  if (!token.ok()) return token.status();
  const absl::Time now = deps_.clock->Now();
  absl::StatusOr<ViewQuota> quota =
      deps_.allowances->Quota(*token, PeriodKeyFor(token->owner, now), now);
  if (!quota.ok()) return quota.status();
  if (!quota->session.has_value())
    return absl::UnauthenticatedError(kSessionGone);
  const Plan* plan = PlanOf(*quota->session);
  if (plan == nullptr) {
    return absl::InternalError(
        absl::StrCat("plan '", quota->session->plan_id, "' is not loaded"));
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
  *response.add_allowances() = ViewsAllowance(
      *quota->session, *plan, quota->used, address_remaining, now);
  return response;
}

absl::StatusOr<v1::ConsumeViewResponse> AccountLogic::ConsumeView(
    const v1::ConsumeViewRequest& request, const Caller& caller) {
  common::BadRequestBuilder bad;
  if (request.token().size() > kMaxTokenFieldBytes) {
    bad.Add("token",
            absl::StrCat("must be at most ", kMaxTokenFieldBytes, " bytes"));
  }
  std::string code = CheckCode(request.code(), bad);
  std::string code_set = CheckCodeSet(request.code_set(), bad);
  CheckRequestId(request.request_id(), bad);
  if (!bad.empty()) return bad.Build("invalid ConsumeView request");
  absl::StatusOr<SessionToken> token = CallerToken(request.token(), caller);
  if (!token.ok()) return token.status();

  const absl::Time now = deps_.clock->Now();
  const SessionOwner& owner = token->owner;
  const std::string member = absl::StrCat(code_set, ":", code);
  std::vector<std::pair<std::string, int64_t>> limits;
  for (const Plan& plan : deps_.plans->plans())
    limits.emplace_back(plan.id, plan.ScriptViewLimit());

  // Guests: the client address is a separate owner, charged first (its own
  // script) and refunded when the guest's own charge does not happen.
  std::optional<AddressCharge> address;
  std::string address_tag;
  const std::string address_member = absl::StrCat(owner.tag, ":", member);
  if (owner.is_guest() && !deps_.plans->guest().unmetered_views) {
    address_tag = AddressOwnerTag(caller.client_address);
    absl::StatusOr<AddressCharge> charged = deps_.allowances->ChargeAddress(
        address_tag, address_member, GuestAddressLimit(),
        options_.address_window, now);
    if (!charged.ok()) return charged.status();
    address = *charged;
  }
  const bool may_charge =
      !address.has_value() ||
      address->outcome != AddressCharge::Outcome::kExhausted;
  absl::StatusOr<ViewCharge> charge = deps_.allowances->ConsumeView(
      *token, PeriodKeyFor(owner, now), member, request.request_id(),
      may_charge, limits, now);
  if (address.has_value() &&
      address->outcome == AddressCharge::Outcome::kAdded &&
      !(charge.ok() && charge->outcome == ViewCharge::Outcome::kCharged)) {
    absl::Status refunded = deps_.allowances->RefundAddress(
        address_tag, address_member, address->charged_at);
    if (refunded.ok()) {
      --address->count;
    } else {
      common::LogLine(common::LogLevel::kWarning, "guest address refund failed")
          .With("error", refunded.ToString());
    }
  }
  if (!charge.ok()) return charge.status();

  switch (charge->outcome) {
    case ViewCharge::Outcome::kNoSession:
      return absl::UnauthenticatedError(kSessionGone);
    case ViewCharge::Outcome::kRequestIdConflict:
      return common::InvalidArgumentError(
          "request_id is already bound to another code",
          {{"request_id",
            "already used for another code in this period; send a new one"}});
    case ViewCharge::Outcome::kUnknownPlan:
      return absl::InternalError(
          absl::StrCat("plan '", charge->session->plan_id, "' is not loaded"));
    default:
      break;
  }
  const SessionRecord& session = *charge->session;
  const Plan* plan = PlanOf(session);
  if (plan == nullptr) {
    return absl::InternalError(
        absl::StrCat("plan '", session.plan_id, "' is not loaded"));
  }
  if (charge->outcome == ViewCharge::Outcome::kExhausted ||
      charge->outcome == ViewCharge::Outcome::kNotChargeable) {
    std::vector<common::QuotaViolation> violations;
    if (charge->outcome == ViewCharge::Outcome::kNotChargeable) {
      violations.push_back(
          {address_tag,
           absl::StrCat(
               Plural(GuestAddressLimit(), "code page view", "code page views"),
               " per client address per ",
               absl::FormatDuration(options_.address_window),
               " for guests, already used")});
    }
    if (charge->used >= plan->views_per_period) {
      violations.push_back(
          {owner.PrincipalId(),
           absl::StrCat(Plural(plan->views_per_period, "code page view",
                               "code page views"),
                        plan->view_period == ViewPeriod::kGuestLifetime
                            ? " per guest identity"
                            : " per calendar month (UTC)",
                        ", all used")});
    }
    return common::WithErrorInfo(
        common::ResourceExhaustedError(deps_.plans->ViewsMessage(*plan, 0),
                                       violations),
        "CODE_PAGE_VIEWS_EXHAUSTED", kErrorDomain, {{"plan", plan->id}});
  }

  std::optional<int64_t> address_remaining;
  if (address.has_value())
    address_remaining = GuestAddressLimit() - address->count;
  v1::ConsumeViewResponse response;
  *response.mutable_principal() = PrincipalOf(session, *plan);
  response.set_charged(charge->outcome == ViewCharge::Outcome::kCharged);
  *response.mutable_views() =
      ViewsAllowance(session, *plan, charge->used, address_remaining, now);
  response.set_sections_visible(plan->sections_visible);
  return response;
}

// --- Operators
// ----------------------------------------------------------------

absl::StatusOr<v1::ChangePlanResponse> AccountLogic::ChangePlan(
    const v1::ChangePlanRequest& request) {
  common::BadRequestBuilder bad;
  if (request.account_id() <= 0)
    bad.Add("account_id", "required: a positive account id");
  const Plan* plan = nullptr;
  if (request.plan_id().empty()) {
    bad.Add("plan_id", "required");
  } else if (request.plan_id().size() > kMaxPlanIdBytes) {
    bad.Add("plan_id",
            absl::StrCat("must be at most ", kMaxPlanIdBytes, " characters"));
  } else if ((plan = deps_.plans->Find(request.plan_id())) == nullptr) {
    std::vector<std::string> known;
    for (const Plan& p : deps_.plans->plans()) {
      if (p.view_period != ViewPeriod::kGuestLifetime) known.push_back(p.id);
    }
    bad.Add("plan_id", absl::StrCat("unknown plan; accounts can have: ",
                                    absl::StrJoin(known, ", ")));
  } else if (plan->view_period == ViewPeriod::kGuestLifetime) {
    bad.Add("plan_id",
            absl::StrCat("plan '", plan->id, "' is for guest identities only"));
  }
  if (request.reason().empty()) {
    bad.Add("reason", "required: why, for the audit log");
  } else if (!IsValidUtf8(request.reason()) ||
             Utf8Length(request.reason()) > kMaxReasonChars) {
    bad.Add("reason", absl::StrCat("at most ", kMaxReasonChars,
                                   " characters of valid UTF-8"));
  }
  if (!bad.empty()) return bad.Build("invalid ChangePlan request");

  absl::StatusOr<AccountRecord> account = deps_.accounts->ChangePlan(
      request.account_id(), plan->id, request.reason(), deps_.clock->Now());
  if (!account.ok()) return account.status();
  // Live sessions read the plan key on each call: the change applies on the
  // account's next call. Retrying after a failure here is harmless.
  absl::Status applied = deps_.sessions->SetAccountPlan(
      account->id, plan->id, options_.account_session.absolute);
  if (!applied.ok()) return applied;

  SessionRecord as_session;
  as_session.owner = SessionOwner::Account(account->id);
  as_session.email = account->email;
  as_session.display_name = account->display_name;
  v1::ChangePlanResponse response;
  *response.mutable_principal() = PrincipalOf(as_session, *plan);
  return response;
}

}  // namespace codingahead::account
