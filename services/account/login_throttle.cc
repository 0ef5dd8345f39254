#include "services/account/login_throttle.h"

#include "absl/strings/str_cat.h"
#include "common/hash.h"
#include "services/account/redis_keys.h"

namespace codingahead::account {
namespace {

// KEYS[1] the owner's throttle HASH. ARGV now_ms. Milliseconds still blocked.
constexpr char kBlockedLua[] = R"lua(
local until_ms = tonumber(redis.call('HGET', KEYS[1], 'until_ms') or '0') or 0
local left = until_ms - tonumber(ARGV[1])
if left < 0 then left = 0 end
return left
)lua";

// KEYS[1] the owner's throttle HASH. ARGV now_ms, window_ms, failures,
// base_delay_ms, max_delay_ms. Counts one failure (forgetting earlier ones
// once a quiet window has passed since the last failure or the end of its
// block) and returns the block it starts, in ms.
constexpr char kFailureLua[] = R"lua(
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local threshold = tonumber(ARGV[3])
local f = redis.call('HMGET', KEYS[1], 'count', 'last_ms', 'until_ms')
local count = tonumber(f[1]) or 0
local quiet_since = math.max(tonumber(f[2]) or now, tonumber(f[3]) or 0)
if now - quiet_since >= window then count = 0 end
count = count + 1
local delay = 0
if count >= threshold then
  local doublings = math.min(count - threshold, 40)
  delay = math.min(tonumber(ARGV[4]) * (2 ^ doublings), tonumber(ARGV[5]))
end
local until_ms = now + delay
redis.call('HSET', KEYS[1], 'count', string.format('%d', count), 'last_ms',
           string.format('%d', now), 'until_ms', string.format('%d', until_ms))
local ttl = delay + window
redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl))
return delay
)lua";

std::string Ms(absl::Duration d) { return absl::StrCat(absl::ToInt64Milliseconds(d)); }

absl::StatusOr<int64_t> IntegerReply(const absl::StatusOr<common::RedisReply>& reply) {
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return reply->ErrorStatus();
  return reply->AsInteger();
}

}  // namespace

std::string EmailThrottleTag(absl::string_view key, absl::string_view normalized_email) {
  return absl::StrCat("email:", common::HmacSha256Hex(key, normalized_email));
}

RedisLoginThrottle::RedisLoginThrottle(common::RedisClient* redis)
    : redis_(redis), blocked_(kBlockedLua), failure_(kFailureLua) {}

absl::StatusOr<absl::Duration> RedisLoginThrottle::BlockedFor(absl::string_view owner_tag,
                                                              absl::Time now) {
  absl::StatusOr<int64_t> left = IntegerReply(redis_->Eval(
      blocked_, {LoginThrottleKey(owner_tag)}, {absl::StrCat(absl::ToUnixMillis(now))}));
  if (!left.ok()) return left.status();
  return absl::Milliseconds(*left);
}

absl::StatusOr<absl::Duration> RedisLoginThrottle::RecordFailure(absl::string_view owner_tag,
                                                                 const ThrottleLimits& limits,
                                                                 absl::Time now) {
  absl::StatusOr<int64_t> delay = IntegerReply(
      redis_->Eval(failure_, {LoginThrottleKey(owner_tag)},
                   {absl::StrCat(absl::ToUnixMillis(now)), Ms(limits.window),
                    absl::StrCat(limits.failures), Ms(limits.base_delay), Ms(limits.max_delay)}));
  if (!delay.ok()) return delay.status();
  return absl::Milliseconds(*delay);
}

absl::Status RedisLoginThrottle::Clear(absl::string_view owner_tag) {
  absl::StatusOr<common::RedisReply> reply = redis_->Command({"DEL", LoginThrottleKey(owner_tag)});
  if (!reply.ok()) return reply.status();
  return reply->ErrorStatus();
}

}  // namespace codingahead::account
