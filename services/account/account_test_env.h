#ifndef CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_TEST_ENV_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_TEST_ENV_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/postgres/postgres_pool.h"
#include "common/redis/async_redis_client.h"
#include "common/redis/redis_client.h"
#include "common/testing/postgres_server.h"
#include "common/testing/redis_server.h"
#include "services/account/account_logic.h"

// The account service's test wiring over REAL stores: one PostgreSQL server
// per test binary with a fresh, migrated database per environment, a fresh
// Redis server per environment, and a FakeClock.
namespace codingahead::account {

// john-data's list, which scripts/install-deps.sh installs.
extern const char kCommonPasswordsFile[];

// The binary's PostgreSQL server, started on first use.
testing::PostgresServer& SharedPostgres();

// 2024-01-15 12:00:00 UTC: where a test's clock starts unless told otherwise.
absl::Time TestEpoch();

class AccountTestEnv {
 public:
  // The password policy reads the real list (john-data's password.lst).
  static absl::StatusOr<std::unique_ptr<AccountTestEnv>> Create(AccountOptions options = {},
                                                                absl::Time start = TestEpoch());
  ~AccountTestEnv();

  AccountLogic& logic() { return *logic_; }
  FakeClock& clock() { return clock_; }
  const PlanCatalog& plans() const { return *plans_; }
  testing::RedisServer& redis_server() { return *redis_server_; }
  common::RedisClient& redis() { return *redis_; }
  common::PostgresPool& postgres() { return *postgres_; }
  AccountStore& accounts() { return *accounts_; }
  SessionStore& sessions() { return *sessions_; }
  AllowanceStore& allowances() { return *allowances_; }
  LoginThrottle& throttle() { return *throttle_; }
  const PasswordPolicy& password_policy() const { return *password_policy_; }

 private:
  explicit AccountTestEnv(absl::Time start) : clock_(start) {}

  FakeClock clock_;
  OsRandom random_;
  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<common::RedisClient> redis_;
  // Serves the stores' non-blocking calls (ValidateSessionAsync, ...).
  std::unique_ptr<common::AsyncRedisClient> async_redis_;
  std::unique_ptr<common::PostgresPool> postgres_;
  std::unique_ptr<PlanCatalog> plans_;
  std::unique_ptr<PasswordHasher> hasher_;
  std::unique_ptr<AccountStore> accounts_;
  std::unique_ptr<SessionStore> sessions_;
  std::unique_ptr<AllowanceStore> allowances_;
  std::unique_ptr<LoginThrottle> throttle_;
  std::unique_ptr<PasswordPolicy> password_policy_;
  std::unique_ptr<AccountLogic> logic_;
};

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_TEST_ENV_H_
