#ifndef CODINGAHEAD_SERVICES_ACCOUNT_TOKEN_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/account/random_source.h"

// Session tokens: `<owner>.<secret>`.
//   owner  = "g" + 16 lower-case hex (a guest identity, 64 random bits)
//          | "a" + account id (decimal, no leading zero)
//   secret = base64url of 32 bytes from the OS CSPRNG, no padding (43 chars)
// The owner is the Redis Cluster hash tag of every key the session's scripts
// touch (docs/redis-keys.md); only the SHA-256 of the secret is stored.
namespace codingahead::account {

enum class OwnerKind { kGuest, kAccount };

struct SessionOwner {
  OwnerKind kind = OwnerKind::kGuest;
  // "g0123456789abcdef" or "a42": the hash tag inside `{}`.
  std::string tag;
  int64_t account_id = 0;  // 0 for guests

  static SessionOwner Account(int64_t account_id);
  // A new guest identity.
  static SessionOwner NewGuest(RandomSource& random);

  bool is_guest() const { return kind == OwnerKind::kGuest; }
  // Principal.owner_id: "guest:<16 hex>" or "acct:<id>".
  std::string PrincipalId() const;
};

struct SessionToken {
  SessionOwner owner;
  // Lower-case hex SHA-256 of the secret part: what Redis stores.
  std::string secret_sha256;
};

inline constexpr size_t kMaxTokenBytes = 128;

// A new token for `owner`. `parsed` (optional) receives what ParseSessionToken
// would return for it.
std::string NewSessionToken(const SessionOwner& owner, RandomSource& random,
                            SessionToken* parsed = nullptr);

// UNAUTHENTICATED (no detail on what is wrong beyond "malformed") unless
// `token` has exactly the shape above. Does no I/O.
absl::StatusOr<SessionToken> ParseSessionToken(absl::string_view token);

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_TOKEN_H_
