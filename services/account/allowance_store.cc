#include "services/account/allowance_store.h"

#include "absl/strings/str_cat.h"
#include "services/account/redis_keys.h"

namespace codingahead::account {
namespace {

// KEYS[1] session, KEYS[2] unlocked set, KEYS[3] request ids, KEYS[4] the
// account's plan key (accounts only).
// ARGV[1] now_ms, [2] member, [3] request_id or '', [4] may_charge '1'/'0',
// [5] period_end_ms or '' (a guest: its session's absolute expiry),
// [6] margin_ms, [7..] plan id, view limit (-1 unmetered) pairs.
// Reply: {outcome, charged 0/1, used, session fields...}.
constexpr char kConsumeLua[] = R"lua(
local now = tonumber(ARGV[1])
local s = load_session(KEYS[1], KEYS[4], now)
if not s then return {'NOSESSION', 0, 0} end
local function reply(outcome, charged, used) return {outcome, charged, used, unpack(s)} end
local limit = nil
for i = 7, #ARGV - 1, 2 do
  if ARGV[i] == s[3] then limit = tonumber(ARGV[i + 1]) end
end
if not limit then return reply('NOPLAN', 0, 0) end
if limit < 0 then return reply('UNMETERED', 0, 0) end
local period_end = tonumber(ARGV[5]) or tonumber(s[5])
local ttl = ms(math.max(period_end - now, 0) + tonumber(ARGV[6]))
local member = ARGV[2]
local rid = ARGV[3]
local used = redis.call('SCARD', KEYS[2])
if rid ~= '' then
  local bound = redis.call('HGET', KEYS[3], rid)
  if bound then
    if string.sub(bound, 3) ~= member then return reply('REQCONFLICT', 0, used) end
    return reply('REPLAY', tonumber(string.sub(bound, 1, 1)), used)
  end
end
local function bind(charged)
  if rid ~= '' then
    redis.call('HSET', KEYS[3], rid, charged .. ':' .. member)
    redis.call('PEXPIRE', KEYS[3], ttl)
  end
end
if redis.call('SISMEMBER', KEYS[2], member) == 1 then
  bind('0')
  return reply('FREE', 0, used)
end
if ARGV[4] ~= '1' then return reply('BLOCKED', 0, used) end
if used >= limit then return reply('EXHAUSTED', 0, used) end
redis.call('SADD', KEYS[2], member)
redis.call('PEXPIRE', KEYS[2], ttl)
bind('1')
return reply('CHARGED', 1, used + 1)
)lua";

// KEYS[1] session, KEYS[2] unlocked set, KEYS[3] plan key (accounts only).
// ARGV[1] now_ms. Reply: {outcome, used, session fields...}.
constexpr char kQuotaLua[] = R"lua(
local s = load_session(KEYS[1], KEYS[3], tonumber(ARGV[1]))
if not s then return {'NOSESSION', 0} end
return {'OK', redis.call('SCARD', KEYS[2]), unpack(s)}
)lua";

// KEYS[1] the address's window ZSET.
// ARGV[1] now_ms, [2] window_ms, [3] limit, [4] member, [5] margin_ms.
constexpr char kAddressChargeLua[] = R"lua(
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms(now - window))
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then
  return {'ALREADY', redis.call('ZCARD', KEYS[1])}
end
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then return {'EXHAUSTED', count} end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ms(window + tonumber(ARGV[5])))
return {'ADDED', count + 1}
)lua";

// KEYS[1] the address's window ZSET. ARGV[1] member, [2] its charge time.
constexpr char kAddressRefundLua[] = R"lua(
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
)lua";

// Carry-over step 1. KEYS[1] guest session, KEYS[2] guest unlocked set.
// ARGV[1] now_ms. Reply: {'OK', members...} or {'NOSESSION'}.
constexpr char kGuestReadLua[] = R"lua(
local s = load_session(KEYS[1], nil, tonumber(ARGV[1]))
if not s then return {'NOSESSION'} end
local out = {'OK'}
for _, m in ipairs(redis.call('SMEMBERS', KEYS[2])) do table.insert(out, m) end
return out
)lua";

// Carry-over step 2. KEYS[1] the account's unlocked set of the period,
// KEYS[2] the carry marker. ARGV[1] ttl_ms, [2..] members.
constexpr char kCarryLua[] = R"lua(
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {'ALREADY', redis.call('SCARD', KEYS[1])}
end
for i = 2, #ARGV do redis.call('SADD', KEYS[1], ARGV[i]) end
if #ARGV >= 2 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
redis.call('SET', KEYS[2], ms(#ARGV - 1), 'PX', ARGV[1])
return {'CARRIED', redis.call('SCARD', KEYS[1])}
)lua";

// KEYS[1] session, KEYS[2] the owner's questions HASH of the day (`used`,
// and `r:<request id>` for each charged request id), KEYS[3] the account's
// plan key (accounts only).
// ARGV[1] now_ms, [2] request_id or '', [3] day_end_ms, [4] margin_ms,
// [5..] plan id, questions per day (-1 unmetered) pairs.
// Reply: {outcome, used, session fields...}.
constexpr char kQuestionLua[] = R"lua(
local now = tonumber(ARGV[1])
local s = load_session(KEYS[1], KEYS[3], now)
if not s then return {'NOSESSION', 0} end
local function reply(outcome, used) return {outcome, used, unpack(s)} end
local limit = nil
for i = 5, #ARGV - 1, 2 do
  if ARGV[i] == s[3] then limit = tonumber(ARGV[i + 1]) end
end
if not limit then return reply('NOPLAN', 0) end
if limit < 0 then return reply('UNMETERED', 0) end
local used = tonumber(redis.call('HGET', KEYS[2], 'used') or '0') or 0
local rid = ARGV[2]
if rid ~= '' and redis.call('HEXISTS', KEYS[2], 'r:' .. rid) == 1 then
  return reply('REPLAY', used)
end
if used >= limit then return reply('EXHAUSTED', used) end
used = used + 1
redis.call('HSET', KEYS[2], 'used', ms(used))
if rid ~= '' then redis.call('HSET', KEYS[2], 'r:' .. rid, '1') end
redis.call('PEXPIRE', KEYS[2], ms(math.max(tonumber(ARGV[3]) - now, 0) + tonumber(ARGV[4])))
return reply('CHARGED', used)
)lua";

std::string Millis(absl::Duration d) { return absl::StrCat(absl::ToInt64Milliseconds(d)); }

}  // namespace

RedisAllowanceStore::RedisAllowanceStore(common::RedisClient* redis, absl::Duration margin,
                                         common::AsyncRedisClient* async)
    : redis_(redis),
      async_(async),
      margin_(margin),
      consume_(absl::StrCat(kLuaSessionPrelude, kConsumeLua)),
      quota_(absl::StrCat(kLuaSessionPrelude, kQuotaLua)),
      address_charge_(absl::StrCat(kLuaSessionPrelude, kAddressChargeLua)),
      address_refund_(kAddressRefundLua),
      guest_read_(absl::StrCat(kLuaSessionPrelude, kGuestReadLua)),
      carry_(absl::StrCat(kLuaSessionPrelude, kCarryLua)),
      question_(absl::StrCat(kLuaSessionPrelude, kQuestionLua)) {}

namespace {

struct ScriptCall {
  std::vector<std::string> keys;
  std::vector<std::string> args;
};

// KEYS and ARGV of the consume script.
ScriptCall ConsumeViewCall(const SessionToken& token, const ViewPeriodKey& period,
                           const std::string& member, const std::string& request_id,
                           bool may_charge,
                           const std::vector<std::pair<std::string, int64_t>>& limits,
                           absl::Time now, absl::Duration margin) {
  const std::string& tag = token.owner.tag;
  ScriptCall call;
  call.keys = {SessionKey(tag, token.secret_sha256), UnlockedKey(tag, period.name),
               RequestKey(tag, period.name)};
  if (!token.owner.is_guest()) call.keys.push_back(AccountPlanKey(tag));
  call.args = {UnixMillis(now),
               member,
               request_id,
               may_charge ? "1" : "0",
               period.end == absl::InfinitePast() ? std::string() : UnixMillis(period.end),
               Millis(margin)};
  for (const auto& [plan, limit] : limits) {
    call.args.push_back(plan);
    call.args.push_back(absl::StrCat(limit));
  }
  return call;
}

// The consume script's answer as a ViewCharge.
absl::StatusOr<ViewCharge> ViewChargeOutcome(
    const SessionToken& token, const absl::StatusOr<common::RedisReply>& script_reply) {
  absl::StatusOr<std::vector<common::RedisReply>> reply = ScriptArray(script_reply);
  if (!reply.ok()) return reply.status();
  absl::StatusOr<std::string> outcome = ElementString(*reply, 0);
  absl::StatusOr<int64_t> charged = ElementInteger(*reply, 1);
  absl::StatusOr<int64_t> used = ElementInteger(*reply, 2);
  if (!outcome.ok()) return outcome.status();
  if (!charged.ok()) return charged.status();
  if (!used.ok()) return used.status();

  ViewCharge result;
  result.used = *used;
  if (*outcome == "NOSESSION") {
    result.outcome = ViewCharge::Outcome::kNoSession;
    return result;
  }
  absl::StatusOr<SessionRecord> session = DecodeSession(token.owner, *reply, 3);
  if (!session.ok()) return session.status();
  result.session = *std::move(session);
  if (*outcome == "CHARGED" || (*outcome == "REPLAY" && *charged == 1)) {
    result.outcome = ViewCharge::Outcome::kCharged;
  } else if (*outcome == "FREE" || *outcome == "REPLAY") {
    result.outcome = ViewCharge::Outcome::kFree;
  } else if (*outcome == "UNMETERED") {
    result.outcome = ViewCharge::Outcome::kUnmetered;
  } else if (*outcome == "NOPLAN") {
    result.outcome = ViewCharge::Outcome::kUnknownPlan;
  } else if (*outcome == "REQCONFLICT") {
    result.outcome = ViewCharge::Outcome::kRequestIdConflict;
  } else if (*outcome == "EXHAUSTED") {
    result.outcome = ViewCharge::Outcome::kExhausted;
  } else if (*outcome == "BLOCKED") {
    result.outcome = ViewCharge::Outcome::kNotChargeable;
  } else {
    return absl::InternalError(absl::StrCat("unexpected view charge outcome ", *outcome));
  }
  return result;
}

}  // namespace

absl::StatusOr<ViewCharge> RedisAllowanceStore::ConsumeView(
    const SessionToken& token, const ViewPeriodKey& period, const std::string& member,
    const std::string& request_id, bool may_charge,
    const std::vector<std::pair<std::string, int64_t>>& limits, absl::Time now) {
  ScriptCall call =
      ConsumeViewCall(token, period, member, request_id, may_charge, limits, now, margin_);
  return ViewChargeOutcome(token, redis_->Eval(consume_, call.keys, call.args));
}

void RedisAllowanceStore::ConsumeViewAsync(
    const SessionToken& token, const ViewPeriodKey& period, const std::string& member,
    const std::string& request_id, bool may_charge,
    const std::vector<std::pair<std::string, int64_t>>& limits, absl::Time now,
    ViewChargeCallback done) {
  if (async_ == nullptr) {
    done(ConsumeView(token, period, member, request_id, may_charge, limits, now));
    return;
  }
  ScriptCall call =
      ConsumeViewCall(token, period, member, request_id, may_charge, limits, now, margin_);
  async_->Eval(consume_, std::move(call.keys), std::move(call.args), absl::InfiniteFuture(),
               [token, done = std::move(done)](absl::StatusOr<common::RedisReply> reply) {
                 done(ViewChargeOutcome(token, reply));
               });
}

absl::StatusOr<ViewQuota> RedisAllowanceStore::Quota(const SessionToken& token,
                                                     const ViewPeriodKey& period, absl::Time now) {
  const std::string& tag = token.owner.tag;
  std::vector<std::string> keys = {SessionKey(tag, token.secret_sha256),
                                   UnlockedKey(tag, period.name)};
  if (!token.owner.is_guest()) keys.push_back(AccountPlanKey(tag));
  absl::StatusOr<std::vector<common::RedisReply>> reply =
      ScriptArray(redis_->Eval(quota_, keys, {UnixMillis(now)}));
  if (!reply.ok()) return reply.status();
  absl::StatusOr<std::string> outcome = ElementString(*reply, 0);
  if (!outcome.ok()) return outcome.status();
  ViewQuota quota;
  if (*outcome == "NOSESSION") return quota;
  absl::StatusOr<int64_t> used = ElementInteger(*reply, 1);
  if (!used.ok()) return used.status();
  absl::StatusOr<SessionRecord> session = DecodeSession(token.owner, *reply, 2);
  if (!session.ok()) return session.status();
  quota.used = *used;
  quota.session = *std::move(session);
  return quota;
}

absl::StatusOr<AddressCharge> RedisAllowanceStore::ChargeAddress(const std::string& address_tag,
                                                                 const std::string& member,
                                                                 int64_t limit,
                                                                 absl::Duration window,
                                                                 absl::Time now) {
  absl::StatusOr<std::vector<common::RedisReply>> reply = ScriptArray(redis_->Eval(
      address_charge_, {AddressKey(address_tag)},
      {UnixMillis(now), Millis(window), absl::StrCat(limit), member, Millis(margin_)}));
  if (!reply.ok()) return reply.status();
  absl::StatusOr<std::string> outcome = ElementString(*reply, 0);
  absl::StatusOr<int64_t> count = ElementInteger(*reply, 1);
  if (!outcome.ok()) return outcome.status();
  if (!count.ok()) return count.status();
  AddressCharge charge;
  charge.count = *count;
  charge.charged_at = absl::FromUnixMillis(absl::ToUnixMillis(now));
  if (*outcome == "ADDED") {
    charge.outcome = AddressCharge::Outcome::kAdded;
  } else if (*outcome == "ALREADY") {
    charge.outcome = AddressCharge::Outcome::kAlready;
  } else if (*outcome == "EXHAUSTED") {
    charge.outcome = AddressCharge::Outcome::kExhausted;
  } else {
    return absl::InternalError(absl::StrCat("unexpected address charge outcome ", *outcome));
  }
  return charge;
}

absl::Status RedisAllowanceStore::RefundAddress(const std::string& address_tag,
                                                const std::string& member, absl::Time charged_at) {
  absl::StatusOr<common::RedisReply> reply =
      redis_->Eval(address_refund_, {AddressKey(address_tag)}, {member, UnixMillis(charged_at)});
  if (!reply.ok()) return reply.status();
  return reply->ErrorStatus();
}

absl::StatusOr<int64_t> RedisAllowanceStore::CountAddress(const std::string& address_tag,
                                                          absl::Duration window, absl::Time now) {
  absl::StatusOr<common::RedisReply> reply = redis_->Command(
      {"ZCOUNT", AddressKey(address_tag), absl::StrCat("(", UnixMillis(now - window)), "+inf"});
  if (!reply.ok()) return reply.status();
  return reply->AsInteger();
}

absl::StatusOr<std::optional<std::vector<std::string>>> RedisAllowanceStore::ReadGuestUnlocked(
    const SessionToken& guest, absl::Time now) {
  const std::string& tag = guest.owner.tag;
  absl::StatusOr<std::vector<common::RedisReply>> reply = ScriptArray(redis_->Eval(
      guest_read_, {SessionKey(tag, guest.secret_sha256), UnlockedKey(tag, kGuestLifetimePeriod)},
      {UnixMillis(now)}));
  if (!reply.ok()) return reply.status();
  absl::StatusOr<std::string> outcome = ElementString(*reply, 0);
  if (!outcome.ok()) return outcome.status();
  if (*outcome == "NOSESSION") return std::optional<std::vector<std::string>>();
  std::vector<std::string> members;
  for (size_t i = 1; i < reply->size(); ++i) {
    absl::StatusOr<std::string> member = ElementString(*reply, i);
    if (!member.ok()) return member.status();
    members.push_back(*std::move(member));
  }
  return std::optional<std::vector<std::string>>(std::move(members));
}

absl::StatusOr<CarryResult> RedisAllowanceStore::CarryIntoAccount(
    const SessionOwner& account, const std::string& guest_tag, const ViewPeriodKey& period,
    const std::vector<std::string>& members, absl::Time now) {
  std::vector<std::string> args = {
      Millis(std::max(period.end - now, absl::ZeroDuration()) + margin_)};
  args.insert(args.end(), members.begin(), members.end());
  absl::StatusOr<std::vector<common::RedisReply>> reply = ScriptArray(redis_->Eval(
      carry_, {UnlockedKey(account.tag, period.name), CarryKey(account.tag, guest_tag)}, args));
  if (!reply.ok()) return reply.status();
  absl::StatusOr<std::string> outcome = ElementString(*reply, 0);
  absl::StatusOr<int64_t> used = ElementInteger(*reply, 1);
  if (!outcome.ok()) return outcome.status();
  if (!used.ok()) return used.status();
  return CarryResult{*outcome == "ALREADY", *used};
}

absl::StatusOr<QuestionCharge> RedisAllowanceStore::ConsumeQuestion(
    const SessionToken& token, const QuestionDayKey& day, const std::string& request_id,
    const std::vector<std::pair<std::string, int64_t>>& limits, absl::Time now) {
  const std::string& tag = token.owner.tag;
  std::vector<std::string> keys = {SessionKey(tag, token.secret_sha256),
                                   QuestionsKey(tag, day.name)};
  if (!token.owner.is_guest()) keys.push_back(AccountPlanKey(tag));
  std::vector<std::string> args = {UnixMillis(now), request_id, UnixMillis(day.end),
                                   Millis(margin_)};
  for (const auto& [plan, limit] : limits) {
    args.push_back(plan);
    args.push_back(absl::StrCat(limit));
  }
  absl::StatusOr<std::vector<common::RedisReply>> reply =
      ScriptArray(redis_->Eval(question_, keys, args));
  if (!reply.ok()) return reply.status();
  absl::StatusOr<std::string> outcome = ElementString(*reply, 0);
  absl::StatusOr<int64_t> used = ElementInteger(*reply, 1);
  if (!outcome.ok()) return outcome.status();
  if (!used.ok()) return used.status();
  QuestionCharge result;
  result.used = *used;
  if (*outcome == "NOSESSION") return result;
  absl::StatusOr<SessionRecord> session = DecodeSession(token.owner, *reply, 2);
  if (!session.ok()) return session.status();
  result.session = *std::move(session);
  if (*outcome == "CHARGED") {
    result.outcome = QuestionCharge::Outcome::kCharged;
  } else if (*outcome == "REPLAY") {
    result.outcome = QuestionCharge::Outcome::kCharged;
    result.replayed = true;
  } else if (*outcome == "UNMETERED") {
    result.outcome = QuestionCharge::Outcome::kUnmetered;
  } else if (*outcome == "NOPLAN") {
    result.outcome = QuestionCharge::Outcome::kUnknownPlan;
  } else if (*outcome == "EXHAUSTED") {
    result.outcome = QuestionCharge::Outcome::kExhausted;
  } else {
    return absl::InternalError(absl::StrCat("unexpected question charge outcome ", *outcome));
  }
  return result;
}

}  // namespace codingahead::account
