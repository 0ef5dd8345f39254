#include "services/account/session_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/account/redis_keys.h"

namespace codingahead::account {

const char kLuaSessionPrelude[] = R"lua(
local function ms(n) return string.format('%d', n) end
-- The session at `key`, renewed by its idle timeout, as
-- {kind, account_id, plan, created_at, expires_at, idle_expires_at, email,
-- display_name, terms}; nil (and the key deleted) when missing or expired. For an
-- account, `plan_key` holds the plan in force when set.
local function load_session(key, plan_key, now)
  local f = redis.call('HMGET', key, 'kind', 'account_id', 'plan', 'created_at',
                       'expires_at', 'idle_expires_at', 'idle_ms', 'email', 'display_name',
                       'terms')
  if not f[1] then return nil end
  local expires_at = tonumber(f[5])
  local idle_expires_at = tonumber(f[6])
  local idle_ms = tonumber(f[7])
  if not (expires_at and idle_expires_at and idle_ms) or now >= expires_at
      or now >= idle_expires_at then
    redis.call('DEL', key)
    return nil
  end
  local renewed = math.min(now + idle_ms, expires_at)
  if renewed < idle_expires_at then renewed = idle_expires_at end
  redis.call('HSET', key, 'idle_expires_at', ms(renewed))
  redis.call('PEXPIRE', key, ms(renewed - now))
  local plan = f[3]
  if plan_key then
    local current = redis.call('GET', plan_key)
    if current then plan = current end
  end
  return {f[1], f[2], plan, f[4], f[5], ms(renewed), f[8] or '', f[9] or '',
          f[10] or ''}
end
)lua";

namespace {

// KEYS[1] session, KEYS[2] the account's plan key, KEYS[3] the account's
// session index (accounts only). ARGV now_ms, idle_ms, absolute_ms, kind,
// account_id, plan, email, display_name, plan_key_ttl_ms, terms,
// session key prefix ("ca:sess:{a42}:"), secret digest.
constexpr char kCreateLua[] = R"lua(
local now = tonumber(ARGV[1])
local expires_at = now + tonumber(ARGV[3])
local idle_expires_at = math.min(now + tonumber(ARGV[2]), expires_at)
local plan = ARGV[6]
if KEYS[2] then
  local current = redis.call('GET', KEYS[2])
  if current then
    plan = current
    if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[9]) then
      redis.call('PEXPIRE', KEYS[2], ARGV[9])
    end
  else
    redis.call('SET', KEYS[2], plan, 'PX', ARGV[9])
  end
end
redis.call('HSET', KEYS[1], 'kind', ARGV[4], 'account_id', ARGV[5], 'plan', plan,
           'created_at', ARGV[1], 'expires_at', ms(expires_at),
           'idle_expires_at', ms(idle_expires_at), 'idle_ms', ARGV[2],
           'email', ARGV[7], 'display_name', ARGV[8], 'terms', ARGV[10])
redis.call('PEXPIRE', KEYS[1], ms(idle_expires_at - now))
if KEYS[3] then
  -- The index: prune sessions that expired, add this one, and outlive it.
  for _, d in ipairs(redis.call('SMEMBERS', KEYS[3])) do
    if redis.call('EXISTS', ARGV[11] .. d) == 0 then redis.call('SREM', KEYS[3], d) end
  end
  redis.call('SADD', KEYS[3], ARGV[12])
  if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[3]) then
    redis.call('PEXPIRE', KEYS[3], ARGV[3])
  end
end
return {'OK', ARGV[4], ARGV[5], plan, ARGV[1], ms(expires_at), ms(idle_expires_at), ARGV[7],
        ARGV[8], ARGV[10]}
)lua";

// KEYS[1] session, KEYS[2] plan key (accounts only). ARGV now_ms.
constexpr char kValidateLua[] = R"lua(
local s = load_session(KEYS[1], KEYS[2], tonumber(ARGV[1]))
if not s then return {'NOSESSION'} end
return {'OK', unpack(s)}
)lua";

// KEYS[1] session, KEYS[2] the account's session index (accounts only).
// ARGV now_ms, secret digest. 1 when a live session was deleted.
constexpr char kDeleteLua[] = R"lua(
if KEYS[2] then redis.call('SREM', KEYS[2], ARGV[2]) end
local s = load_session(KEYS[1], nil, tonumber(ARGV[1]))
if not s then return 0 end
redis.call('DEL', KEYS[1])
return 1
)lua";

// KEYS[1] the account's session index. ARGV session key prefix
// ("ca:sess:{a42}:"), digest to keep (or ""). The session keys share the
// index's hash tag, so they live in its cluster slot. Returns how many live
// sessions were deleted.
constexpr char kDeleteAllLua[] = R"lua(
local ended = 0
for _, d in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if d ~= ARGV[2] then
    ended = ended + redis.call('DEL', ARGV[1] .. d)
    redis.call('SREM', KEYS[1], d)
  end
end
return ended
)lua";

// KEYS[1] the account's session index. ARGV session key prefix, terms.
constexpr char kSetTermsLua[] = R"lua(
for _, d in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = ARGV[1] .. d
  if redis.call('EXISTS', key) == 1 then
    redis.call('HSET', key, 'terms', ARGV[2])
  else
    redis.call('SREM', KEYS[1], d)
  end
end
return 1
)lua";

std::string SessionKeyPrefix(int64_t account_id) {
  return SessionKey(SessionOwner::Account(account_id).tag, "");
}

absl::Time FromMillisText(const std::string& text, bool* ok) {
  int64_t ms = 0;
  if (!absl::SimpleAtoi(text, &ms)) *ok = false;
  return absl::FromUnixMillis(ms);
}

}  // namespace

std::string UnixMillis(absl::Time t) { return absl::StrCat(absl::ToUnixMillis(t)); }

std::vector<std::string> SessionKeys(const SessionToken& token) {
  std::vector<std::string> keys = {SessionKey(token.owner.tag, token.secret_sha256)};
  if (!token.owner.is_guest()) keys.push_back(AccountPlanKey(token.owner.tag));
  return keys;
}

absl::StatusOr<std::string> ElementString(const std::vector<common::RedisReply>& elements,
                                          size_t i) {
  if (i >= elements.size()) {
    return absl::InternalError(absl::StrCat("script reply has no element ", i));
  }
  return elements[i].AsString();
}

absl::StatusOr<int64_t> ElementInteger(const std::vector<common::RedisReply>& elements, size_t i) {
  if (i >= elements.size()) {
    return absl::InternalError(absl::StrCat("script reply has no element ", i));
  }
  return elements[i].AsInteger();
}

absl::StatusOr<std::vector<common::RedisReply>> ScriptArray(
    const absl::StatusOr<common::RedisReply>& reply) {
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return reply->ErrorStatus();
  if (!reply->is_array() || reply->array().empty()) {
    return absl::InternalError(absl::StrCat("unexpected script reply ", reply->DebugString()));
  }
  return reply->array();
}

absl::StatusOr<SessionRecord> DecodeSession(const SessionOwner& owner,
                                            const std::vector<common::RedisReply>& elements,
                                            size_t offset) {
  if (elements.size() < offset + kSessionReplyFields) {
    return absl::InternalError("session reply too short");
  }
  std::string f[kSessionReplyFields];
  for (size_t i = 0; i < kSessionReplyFields; ++i) {
    absl::StatusOr<std::string> s = ElementString(elements, offset + i);
    if (!s.ok()) return s.status();
    f[i] = *std::move(s);
  }
  const std::string expected_kind = owner.is_guest() ? "guest" : "account";
  if (f[0] != expected_kind || (!owner.is_guest() && f[1] != absl::StrCat(owner.account_id))) {
    return absl::InternalError("stored session does not match its key");
  }
  SessionRecord record;
  record.owner = owner;
  record.plan_id = f[2];
  bool ok = true;
  record.created_at = FromMillisText(f[3], &ok);
  record.expires_at = FromMillisText(f[4], &ok);
  record.idle_expires_at = FromMillisText(f[5], &ok);
  if (!ok) return absl::InternalError("stored session has malformed times");
  record.email = f[6];
  record.display_name = f[7];
  record.accepted_terms_version = f[8];
  return record;
}

RedisSessionStore::RedisSessionStore(common::RedisClient* redis, absl::Duration plan_key_margin,
                                     common::AsyncRedisClient* async)
    : redis_(redis),
      async_(async),
      plan_key_margin_(plan_key_margin),
      create_(absl::StrCat(kLuaSessionPrelude, kCreateLua)),
      validate_(absl::StrCat(kLuaSessionPrelude, kValidateLua)),
      delete_(absl::StrCat(kLuaSessionPrelude, kDeleteLua)),
      delete_all_(kDeleteAllLua),
      set_terms_(kSetTermsLua) {}

absl::StatusOr<SessionRecord> RedisSessionStore::Create(const SessionToken& token,
                                                        const NewSession& session,
                                                        const SessionLifetime& lifetime,
                                                        absl::Time now) {
  const bool guest = token.owner.is_guest();
  std::vector<std::string> keys = SessionKeys(token);
  if (!guest) keys.push_back(SessionIndexKey(token.owner.tag));
  std::vector<std::string> args = {
      UnixMillis(now),
      absl::StrCat(absl::ToInt64Milliseconds(lifetime.idle)),
      absl::StrCat(absl::ToInt64Milliseconds(lifetime.absolute)),
      guest ? "guest" : "account",
      absl::StrCat(token.owner.account_id),
      session.plan_id,
      session.email,
      session.display_name,
      absl::StrCat(absl::ToInt64Milliseconds(lifetime.absolute + plan_key_margin_)),
      session.accepted_terms_version,
      SessionKey(token.owner.tag, ""),
      token.secret_sha256};
  absl::StatusOr<std::vector<common::RedisReply>> reply =
      ScriptArray(redis_->Eval(create_, keys, args));
  if (!reply.ok()) return reply.status();
  return DecodeSession(token.owner, *reply, 1);
}

namespace {

absl::StatusOr<std::optional<SessionRecord>> ValidateOutcome(
    const SessionOwner& owner, const absl::StatusOr<common::RedisReply>& script_reply) {
  absl::StatusOr<std::vector<common::RedisReply>> reply = ScriptArray(script_reply);
  if (!reply.ok()) return reply.status();
  absl::StatusOr<std::string> outcome = ElementString(*reply, 0);
  if (!outcome.ok()) return outcome.status();
  if (*outcome == "NOSESSION") return std::optional<SessionRecord>();
  absl::StatusOr<SessionRecord> record = DecodeSession(owner, *reply, 1);
  if (!record.ok()) return record.status();
  return std::optional<SessionRecord>(*std::move(record));
}

}  // namespace

absl::StatusOr<std::optional<SessionRecord>> RedisSessionStore::Validate(const SessionToken& token,
                                                                         absl::Time now) {
  return ValidateOutcome(token.owner,
                         redis_->Eval(validate_, SessionKeys(token), {UnixMillis(now)}));
}

void RedisSessionStore::ValidateAsync(const SessionToken& token, absl::Time now,
                                      ValidateCallback done) {
  if (async_ == nullptr) {
    done(Validate(token, now));
    return;
  }
  async_->Eval(
      validate_, SessionKeys(token), {UnixMillis(now)}, absl::InfiniteFuture(),
      [owner = token.owner, done = std::move(done)](absl::StatusOr<common::RedisReply> reply) {
        done(ValidateOutcome(owner, reply));
      });
}

absl::StatusOr<bool> RedisSessionStore::Delete(const SessionToken& token, absl::Time now) {
  std::vector<std::string> keys = {SessionKey(token.owner.tag, token.secret_sha256)};
  if (!token.owner.is_guest()) keys.push_back(SessionIndexKey(token.owner.tag));
  absl::StatusOr<common::RedisReply> reply =
      redis_->Eval(delete_, keys, {UnixMillis(now), token.secret_sha256});
  if (!reply.ok()) return reply.status();
  absl::StatusOr<int64_t> deleted = reply->AsInteger();
  if (!deleted.ok()) return deleted.status();
  return *deleted == 1;
}

absl::Status RedisSessionStore::SetAccountPlan(int64_t account_id, const std::string& plan_id,
                                               absl::Duration ttl) {
  absl::StatusOr<common::RedisReply> reply =
      redis_->Command({"SET", AccountPlanKey(SessionOwner::Account(account_id).tag), plan_id, "PX",
                       absl::StrCat(absl::ToInt64Milliseconds(ttl + plan_key_margin_))});
  if (!reply.ok()) return reply.status();
  return reply->ErrorStatus();
}

absl::StatusOr<int64_t> RedisSessionStore::DeleteAccountSessions(
    int64_t account_id, const std::string& keep_secret_sha256) {
  absl::StatusOr<common::RedisReply> reply =
      redis_->Eval(delete_all_, {SessionIndexKey(SessionOwner::Account(account_id).tag)},
                   {SessionKeyPrefix(account_id), keep_secret_sha256});
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return reply->ErrorStatus();
  return reply->AsInteger();
}

absl::Status RedisSessionStore::SetAccountTerms(int64_t account_id,
                                                const std::string& terms_version) {
  absl::StatusOr<common::RedisReply> reply =
      redis_->Eval(set_terms_, {SessionIndexKey(SessionOwner::Account(account_id).tag)},
                   {SessionKeyPrefix(account_id), terms_version});
  if (!reply.ok()) return reply.status();
  return reply->ErrorStatus();
}

}  // namespace codingahead::account
