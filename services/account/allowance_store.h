#ifndef CODINGAHEAD_SERVICES_ACCOUNT_ALLOWANCE_STORE_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_ALLOWANCE_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/async_redis_client.h"
#include "common/redis/redis_client.h"
#include "common/redis/redis_script.h"
#include "services/account/session_store.h"
#include "services/account/token.h"

// Code page view allowances in Redis (docs/redis-keys.md). Each method is one
// script (or one command) over the keys of ONE owner, so the same code runs
// on Redis Cluster. Every call blocks on Redis: run it on the store pool.
namespace codingahead::account {

// The period an owner's views are counted in.
struct ViewPeriodKey {
  std::string name;  // "2024-01", or kGuestLifetimePeriod for a guest
  // When the period ends (the keys expire after it plus a margin). Infinite
  // past for a guest: its session's absolute expiry is used.
  absl::Time end = absl::InfinitePast();
};

struct ViewCharge {
  enum class Outcome {
    kCharged,            // a new code: one view counted
    kFree,               // already unlocked this period (or a retried request id)
    kUnmetered,          // the plan is unmetered: nothing counted
    kNoSession,          // the session is unknown or expired
    kUnknownPlan,        // the session's plan has no limit in `limits`
    kRequestIdConflict,  // the request id is bound to another code
    kExhausted,          // no view left
    kNotChargeable,      // may_charge was false and the code is not unlocked
  };
  Outcome outcome = Outcome::kNoSession;
  int64_t used = 0;  // views counted in the period after this call
  std::optional<SessionRecord> session;
};

struct ViewQuota {
  std::optional<SessionRecord> session;  // nullopt: unknown or expired
  int64_t used = 0;
};

struct AddressCharge {
  enum class Outcome {
    kAdded,      // this guest's code took one of the address's views
    kAlready,    // this guest's code was already counted at this address
    kExhausted,  // the address has no view left in the window
  };
  Outcome outcome = Outcome::kExhausted;
  int64_t count = 0;  // views counted at the address in the window
  absl::Time charged_at;
};

// The UTC day an owner's assistant questions are counted in.
struct QuestionDayKey {
  std::string name;  // "2024-01-15"
  absl::Time end;    // the next midnight UTC (the key expires a margin later)
};

struct QuestionCharge {
  enum class Outcome {
    kCharged,      // one question counted (or a retried request id that was)
    kUnmetered,    // the plan is unmetered: nothing counted
    kNoSession,    // the session is unknown or expired
    kUnknownPlan,  // the session's plan has no limit in `limits`
    kExhausted,    // no question left today
  };
  Outcome outcome = Outcome::kNoSession;
  bool replayed = false;  // the request id had already been charged
  int64_t used = 0;       // questions counted today after this call
  std::optional<SessionRecord> session;
};

struct CarryResult {
  bool already_carried = false;  // the marker was there: nothing added
  int64_t used = 0;              // the account's views in the period now
};

class AllowanceStore {
 public:
  virtual ~AllowanceStore() = default;

  // Checks (and renews) the session and charges `member` ("<code_set>:<code>")
  // in one script over the owner's keys. `limits` maps each plan id to its
  // view limit (-1: unmetered). When `may_charge` is false only an already
  // unlocked code (or a retried request id) succeeds.
  virtual absl::StatusOr<ViewCharge> ConsumeView(
      const SessionToken& token, const ViewPeriodKey& period, const std::string& member,
      const std::string& request_id, bool may_charge,
      const std::vector<std::pair<std::string, int64_t>>& limits, absl::Time now) = 0;

  using ViewChargeCallback = std::function<void(absl::StatusOr<ViewCharge>)>;
  // ConsumeView without blocking the caller: `done` runs later on another
  // thread (or inline). This default calls ConsumeView inline, which only a
  // store that never waits on the network may rely on.
  virtual void ConsumeViewAsync(const SessionToken& token, const ViewPeriodKey& period,
                                const std::string& member, const std::string& request_id,
                                bool may_charge,
                                const std::vector<std::pair<std::string, int64_t>>& limits,
                                absl::Time now, ViewChargeCallback done) {
    done(ConsumeView(token, period, member, request_id, may_charge, limits, now));
  }

  // Checks (and renews) the session and counts the period's views.
  virtual absl::StatusOr<ViewQuota> Quota(const SessionToken& token, const ViewPeriodKey& period,
                                          absl::Time now) = 0;

  // The guest address limit: a separate owner ("ip:<address>"), charged
  // before the guest and refunded if the guest's charge does not happen.
  virtual absl::StatusOr<AddressCharge> ChargeAddress(const std::string& address_tag,
                                                      const std::string& member, int64_t limit,
                                                      absl::Duration window, absl::Time now) = 0;
  // Removes the charge ChargeAddress made at `charged_at` (no-op otherwise).
  virtual absl::Status RefundAddress(const std::string& address_tag, const std::string& member,
                                     absl::Time charged_at) = 0;
  virtual absl::StatusOr<int64_t> CountAddress(const std::string& address_tag,
                                               absl::Duration window, absl::Time now) = 0;

  // Carry-over, step 1 (guest-owner script): the codes the guest unlocked in
  // its lifetime; nullopt when the guest session is unknown or expired.
  virtual absl::StatusOr<std::optional<std::vector<std::string>>> ReadGuestUnlocked(
      const SessionToken& guest, absl::Time now) = 0;
  // Carry-over, step 2 (account-owner script): adds `members` to the
  // account's period and sets the carry marker for `guest_tag`; a second run
  // changes nothing.
  virtual absl::StatusOr<CarryResult> CarryIntoAccount(const SessionOwner& account,
                                                       const std::string& guest_tag,
                                                       const ViewPeriodKey& period,
                                                       const std::vector<std::string>& members,
                                                       absl::Time now) = 0;

  // Checks (and renews) the session and charges one assistant question of
  // `day`, in one script over the owner's keys. `limits` maps each plan id
  // to its questions per day (-1: unmetered). A request id already charged
  // today is answered as charged again without counting.
  virtual absl::StatusOr<QuestionCharge> ConsumeQuestion(
      const SessionToken& token, const QuestionDayKey& day, const std::string& request_id,
      const std::vector<std::pair<std::string, int64_t>>& limits, absl::Time now) = 0;
};

class RedisAllowanceStore final : public AllowanceStore {
 public:
  // `redis` must outlive the store. Allowance keys live `margin` past the
  // end of their period.
  // `async`, when given, serves ConsumeViewAsync without blocking.
  explicit RedisAllowanceStore(common::RedisClient* redis, absl::Duration margin = absl::Hours(24),
                               common::AsyncRedisClient* async = nullptr);

  absl::StatusOr<ViewCharge> ConsumeView(const SessionToken& token, const ViewPeriodKey& period,
                                         const std::string& member, const std::string& request_id,
                                         bool may_charge,
                                         const std::vector<std::pair<std::string, int64_t>>& limits,
                                         absl::Time now) override;
  // Without an async client this is the blocking default.
  void ConsumeViewAsync(const SessionToken& token, const ViewPeriodKey& period,
                        const std::string& member, const std::string& request_id, bool may_charge,
                        const std::vector<std::pair<std::string, int64_t>>& limits, absl::Time now,
                        ViewChargeCallback done) override;
  absl::StatusOr<ViewQuota> Quota(const SessionToken& token, const ViewPeriodKey& period,
                                  absl::Time now) override;
  absl::StatusOr<AddressCharge> ChargeAddress(const std::string& address_tag,
                                              const std::string& member, int64_t limit,
                                              absl::Duration window, absl::Time now) override;
  absl::Status RefundAddress(const std::string& address_tag, const std::string& member,
                             absl::Time charged_at) override;
  absl::StatusOr<int64_t> CountAddress(const std::string& address_tag, absl::Duration window,
                                       absl::Time now) override;
  absl::StatusOr<std::optional<std::vector<std::string>>> ReadGuestUnlocked(
      const SessionToken& guest, absl::Time now) override;
  absl::StatusOr<CarryResult> CarryIntoAccount(const SessionOwner& account,
                                               const std::string& guest_tag,
                                               const ViewPeriodKey& period,
                                               const std::vector<std::string>& members,
                                               absl::Time now) override;
  absl::StatusOr<QuestionCharge> ConsumeQuestion(
      const SessionToken& token, const QuestionDayKey& day, const std::string& request_id,
      const std::vector<std::pair<std::string, int64_t>>& limits, absl::Time now) override;

 private:
  common::RedisClient* redis_;
  common::AsyncRedisClient* async_;
  absl::Duration margin_;
  common::RedisScript consume_;
  common::RedisScript quota_;
  common::RedisScript address_charge_;
  common::RedisScript address_refund_;
  common::RedisScript guest_read_;
  common::RedisScript carry_;
  common::RedisScript question_;
};

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_ALLOWANCE_STORE_H_
