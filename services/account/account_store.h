#ifndef CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_STORE_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/postgres/postgres_pool.h"
#include "services/account/plan.h"

// Accounts, plans and the audit log in PostgreSQL (migrations/). Every call
// blocks: run it on the store thread pool.
namespace codingahead::account {

struct AccountRecord {
  int64_t id = 0;
  std::string email;
  std::string display_name;
  std::string password_hash;  // encoded PHC string
  std::string plan_id;
  absl::Time created_at;
  absl::Time updated_at;
  // The CPT licence terms accepted ("" and InfinitePast when none).
  std::string accepted_terms_version;
  absl::Time accepted_terms_at = absl::InfinitePast();
};

struct NewAccount {
  std::string email;  // normalised
  std::string display_name;
  std::string password_hash;
  std::string plan_id;
};

// One audit_log row. `details` become a flat JSON object of strings; never
// put a secret (password, hash, token) in them.
struct AuditEvent {
  int64_t account_id = 0;  // 0: not tied to an account
  std::string event;       // "register", "login_ok", "login_failed", "plan_change"
  std::vector<std::pair<std::string, std::string>> details;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Inserts the account and `audit` (with the new account's id) in one
  // transaction. AlreadyExists when the email is taken.
  virtual absl::StatusOr<AccountRecord> Create(const NewAccount& account, const AuditEvent& audit,
                                               absl::Time now) = 0;
  virtual absl::StatusOr<std::optional<AccountRecord>> FindByEmail(const std::string& email) = 0;
  virtual absl::StatusOr<std::optional<AccountRecord>> FindById(int64_t id) = 0;
  // Moves the account to `plan_id` and records "plan_change" (from, to,
  // reason) in one transaction. NotFound when there is no such account.
  virtual absl::StatusOr<AccountRecord> ChangePlan(int64_t id, const std::string& plan_id,
                                                   const std::string& reason, absl::Time now) = 0;
  virtual absl::Status Audit(const AuditEvent& event, absl::Time now) = 0;
  // Replaces the password hash and records `audit` (its account id set) in
  // one transaction. NotFound when there is no such account.
  virtual absl::Status UpdatePasswordHash(int64_t id, const std::string& password_hash,
                                          const AuditEvent& audit, absl::Time now) = 0;
  // Stores the accepted terms version (at `now`) and records
  // "terms_accepted" in one transaction. NotFound when there is no such
  // account.
  virtual absl::StatusOr<AccountRecord> AcceptTerms(
      int64_t id, const std::string& terms_version,
      const std::vector<std::pair<std::string, std::string>>& audit_details, absl::Time now) = 0;
};

class PostgresAccountStore final : public AccountStore {
 public:
  // `pool` must outlive the store.
  explicit PostgresAccountStore(common::PostgresPool* pool) : pool_(pool) {}

  absl::StatusOr<AccountRecord> Create(const NewAccount& account, const AuditEvent& audit,
                                       absl::Time now) override;
  absl::StatusOr<std::optional<AccountRecord>> FindByEmail(const std::string& email) override;
  absl::StatusOr<std::optional<AccountRecord>> FindById(int64_t id) override;
  absl::StatusOr<AccountRecord> ChangePlan(int64_t id, const std::string& plan_id,
                                           const std::string& reason, absl::Time now) override;
  absl::Status Audit(const AuditEvent& event, absl::Time now) override;
  absl::Status UpdatePasswordHash(int64_t id, const std::string& password_hash,
                                  const AuditEvent& audit, absl::Time now) override;
  absl::StatusOr<AccountRecord> AcceptTerms(
      int64_t id, const std::string& terms_version,
      const std::vector<std::pair<std::string, std::string>>& audit_details,
      absl::Time now) override;

 private:
  common::PostgresPool* pool_;
};

// Every row of the plans table.
absl::StatusOr<std::vector<Plan>> LoadPlans(common::PostgresPool& pool);

// The audit details as a JSON object ({"k":"v",...}).
std::string AuditDetailsJson(const std::vector<std::pair<std::string, std::string>>& details);

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_STORE_H_
