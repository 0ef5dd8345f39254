#ifndef CODINGAHEAD_SERVICES_ACCOUNT_SESSION_STORE_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_SESSION_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/async_redis_client.h"
#include "common/redis/redis_client.h"
#include "common/redis/redis_script.h"
#include "services/account/token.h"

// Sessions in Redis: one HASH per session under the owner's hash tag
// (docs/redis-keys.md). Every call blocks on Redis: run it on the store pool.
namespace codingahead::account {

struct SessionLifetime {
  absl::Duration idle;      // sliding: renewed on each use
  absl::Duration absolute;  // from creation, never extended
};

struct SessionRecord {
  SessionOwner owner;
  // The plan in force: for accounts the account's plan key when set (so a
  // ChangePlan applies on the next call), else the plan at login.
  std::string plan_id;
  absl::Time created_at;
  absl::Time expires_at;       // absolute
  absl::Time idle_expires_at;  // sliding
  std::string email;           // accounts only
  std::string display_name;    // accounts only
  // The CPT licence terms version the account accepted ("" if none).
  std::string accepted_terms_version;
};

// What a new session holds besides its times.
struct NewSession {
  std::string plan_id;
  std::string email;
  std::string display_name;
  std::string accepted_terms_version;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  // Stores the session of `token` (its secret's hash only). For an account,
  // also keeps the account's plan key alive for `lifetime.absolute` + margin
  // (an existing plan key wins over `session.plan_id`: it is newer).
  virtual absl::StatusOr<SessionRecord> Create(const SessionToken& token, const NewSession& session,
                                               const SessionLifetime& lifetime, absl::Time now) = 0;
  // The session, renewed (idle timeout), or nullopt when it is unknown or
  // expired (an expired one is deleted).
  virtual absl::StatusOr<std::optional<SessionRecord>> Validate(const SessionToken& token,
                                                                absl::Time now) = 0;
  // Deletes the session; false when it did not exist or had expired.
  virtual absl::StatusOr<bool> Delete(const SessionToken& token, absl::Time now) = 0;

  using ValidateCallback = std::function<void(absl::StatusOr<std::optional<SessionRecord>>)>;
  // Validate without blocking the caller: `done` runs later on another
  // thread (or inline). This default calls Validate inline, which only a
  // store whose Validate never waits on the network may rely on.
  virtual void ValidateAsync(const SessionToken& token, absl::Time now, ValidateCallback done) {
    done(Validate(token, now));
  }
  // Sets the plan every session of the account sees from its next call.
  virtual absl::Status SetAccountPlan(int64_t account_id, const std::string& plan_id,
                                      absl::Duration ttl) = 0;
  // Ends every live session of the account except the one whose secret
  // digest is `keep_secret_sha256` (empty: ends them all). Returns how many
  // live sessions ended.
  virtual absl::StatusOr<int64_t> DeleteAccountSessions(int64_t account_id,
                                                        const std::string& keep_secret_sha256) = 0;
  // Records the accepted terms version in every live session of the account.
  virtual absl::Status SetAccountTerms(int64_t account_id, const std::string& terms_version) = 0;
};

class RedisSessionStore final : public SessionStore {
 public:
  // `redis` must outlive the store. `plan_key_margin` is added to the
  // absolute lifetime for the plan key's TTL.
  // `async`, when given, serves ValidateAsync without blocking (see
  // common/redis/async_redis_client.h); both clients must outlive the store.
  explicit RedisSessionStore(common::RedisClient* redis,
                             absl::Duration plan_key_margin = absl::Hours(1),
                             common::AsyncRedisClient* async = nullptr);

  absl::StatusOr<SessionRecord> Create(const SessionToken& token, const NewSession& session,
                                       const SessionLifetime& lifetime, absl::Time now) override;
  absl::StatusOr<std::optional<SessionRecord>> Validate(const SessionToken& token,
                                                        absl::Time now) override;
  // Without an async client this is the blocking default.
  void ValidateAsync(const SessionToken& token, absl::Time now, ValidateCallback done) override;
  absl::StatusOr<bool> Delete(const SessionToken& token, absl::Time now) override;
  absl::Status SetAccountPlan(int64_t account_id, const std::string& plan_id,
                              absl::Duration ttl) override;
  absl::StatusOr<int64_t> DeleteAccountSessions(int64_t account_id,
                                                const std::string& keep_secret_sha256) override;
  absl::Status SetAccountTerms(int64_t account_id, const std::string& terms_version) override;

 private:
  common::RedisClient* redis_;
  common::AsyncRedisClient* async_;
  absl::Duration plan_key_margin_;
  common::RedisScript create_;
  common::RedisScript validate_;
  common::RedisScript delete_;
  common::RedisScript delete_all_;
  common::RedisScript set_terms_;
};

// --- Shared with the allowance scripts --------------------------------------

// Lua helpers every owner script starts with: ms(n) formats an integer;
// load_session(key, plan_key_or_nil, now) returns the renewed session as a
// flat list (session_fields) or nil when missing/expired (and deletes it).
extern const char kLuaSessionPrelude[];
// How many reply elements load_session's list takes.
inline constexpr size_t kSessionReplyFields = 9;

// Decodes the session list at `elements[offset..]`.
absl::StatusOr<SessionRecord> DecodeSession(const SessionOwner& owner,
                                            const std::vector<common::RedisReply>& elements,
                                            size_t offset);

// Milliseconds since the epoch, as scripts take them.
std::string UnixMillis(absl::Time t);

// The keys a session check needs: the session, plus the account's plan key.
std::vector<std::string> SessionKeys(const SessionToken& token);

// A reply element as text / integer (InternalError when of another kind).
absl::StatusOr<std::string> ElementString(const std::vector<common::RedisReply>& elements,
                                          size_t i);
absl::StatusOr<int64_t> ElementInteger(const std::vector<common::RedisReply>& elements, size_t i);

// The array of a script's reply; an error reply becomes its status.
absl::StatusOr<std::vector<common::RedisReply>> ScriptArray(
    const absl::StatusOr<common::RedisReply>& reply);

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_SESSION_STORE_H_
