#ifndef CODINGAHEAD_SERVICES_ACCOUNT_REDIS_KEYS_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_REDIS_KEYS_H_

#include <string>

#include "absl/strings/string_view.h"

// The account service's Redis keys (docs/redis-keys.md):
//   ca:<kind>:{<owner>}:<rest>
// where the braces hold the Redis Cluster hash tag: "g<16 hex>" (a guest),
// "a<account id>" (an account) or "ip:<address or /64>" (a client address).
// Every script is given keys of one owner only.
namespace codingahead::account {

// HASH of one session; TTL = idle timeout, renewed on use.
std::string SessionKey(absl::string_view owner_tag, absl::string_view secret_sha256);
// STRING: the account's current plan id; TTL = account session lifetime +
// margin.
std::string AccountPlanKey(absl::string_view owner_tag);
// SET of "<code_set>:<code>" unlocked in `period` ("2024-01", or "life" for a
// guest identity); TTL = end of period + margin.
std::string UnlockedKey(absl::string_view owner_tag, absl::string_view period);
// HASH request_id -> "<charged 0|1>:<code_set>:<code>"; same TTL as above.
std::string RequestKey(absl::string_view owner_tag, absl::string_view period);
// ZSET of "<guest tag>:<code_set>:<code>" scored by charge time (ms), for
// the guest address limit; TTL = window + margin.
std::string AddressKey(absl::string_view address_tag);
// HASH of the assistant questions charged on `day` ("2024-01-15", UTC):
// `used`, and `r:<request id>` per charged request id; TTL = end of the day
// + margin.
std::string QuestionsKey(absl::string_view owner_tag, absl::string_view day);
// STRING marker: the guest's views were carried into the account.
std::string CarryKey(absl::string_view account_tag, absl::string_view guest_tag);

// SET of the secret digests of an account's sessions (LogoutAll,
// ChangePassword); TTL = account session lifetime, extended by each new
// session. Members of sessions that expired are pruned by the scripts.
std::string SessionIndexKey(absl::string_view account_tag);
// HASH of failed logins of an owner ("email:<sha256 hex>" or
// "ip:<address>"): count, last_ms, until_ms; TTL = block + window.
std::string LoginThrottleKey(absl::string_view owner_tag);

// The period name of a guest identity's one allowance.
inline constexpr char kGuestLifetimePeriod[] = "life";

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_REDIS_KEYS_H_
