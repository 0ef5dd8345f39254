#ifndef CODINGAHEAD_SERVICES_ACCOUNT_LOGIN_THROTTLE_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_LOGIN_THROTTLE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "common/redis/redis_script.h"

// Failed-login throttling (OWASP ASVS V6 / V2.2.1): a counter of failures per
// owner (the typed email, and the client address), each its own Redis key
// (docs/redis-keys.md). Once `failures` have accumulated without a quiet
// `window` between them (a block does not count as quiet), the last of them
// and every further one blocks the owner for `base_delay` doubling per
// failure, at most `max_delay`. Every call blocks
// on Redis: run it on the store pool.
namespace codingahead::account {

struct ThrottleLimits {
  int64_t failures = 5;
  absl::Duration window = absl::Minutes(15);
  absl::Duration base_delay = absl::Seconds(1);
  absl::Duration max_delay = absl::Minutes(15);
};

// The owner tag of an email (normalised) for the throttle: "email:<hex
// HMAC-SHA-256 under `key`>", so Redis never holds the address itself, and
// without the key (--throttle_key_file) nobody can test which emails are
// being attacked by hashing candidates.
std::string EmailThrottleTag(absl::string_view key, absl::string_view normalized_email);

class LoginThrottle {
 public:
  virtual ~LoginThrottle() = default;
  // How long the owner is still blocked (zero: not blocked).
  virtual absl::StatusOr<absl::Duration> BlockedFor(absl::string_view owner_tag,
                                                    absl::Time now) = 0;
  // Counts one failure; returns the block it starts (zero: none).
  virtual absl::StatusOr<absl::Duration> RecordFailure(absl::string_view owner_tag,
                                                       const ThrottleLimits& limits,
                                                       absl::Time now) = 0;
  // Forgets the owner's failures (a successful login).
  virtual absl::Status Clear(absl::string_view owner_tag) = 0;
};

class RedisLoginThrottle final : public LoginThrottle {
 public:
  // `redis` must outlive the throttle.
  explicit RedisLoginThrottle(common::RedisClient* redis);

  absl::StatusOr<absl::Duration> BlockedFor(absl::string_view owner_tag, absl::Time now) override;
  absl::StatusOr<absl::Duration> RecordFailure(absl::string_view owner_tag,
                                               const ThrottleLimits& limits,
                                               absl::Time now) override;
  absl::Status Clear(absl::string_view owner_tag) override;

 private:
  common::RedisClient* redis_;
  common::RedisScript blocked_;
  common::RedisScript failure_;
};

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_LOGIN_THROTTLE_H_
