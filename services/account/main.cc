// The account service (DESIGN.md §3, §4): sessions, registration and login,
// plans, and code page view allowances. PostgreSQL holds accounts, plans and
// the audit log; Redis holds sessions and allowances.
#include "absl/flags/flag.h"
#include "account/embedded_migrations.h"
#include "common/config.h"
#include "common/executor.h"
#include "common/log.h"
#include "common/metadata.h"
#include "common/server.h"
#include "common/stores.h"
#include "services/account/account_logic.h"
#include "services/account/account_service.h"
#include "services/account/account_store.h"
#include "services/account/allowance_store.h"
#include "services/account/login_throttle.h"
#include "services/account/password_policy.h"
#include "services/account/session_store.h"

ABSL_FLAG(int64_t, guest_session_idle_seconds, 24 * 3600, "Guest session idle timeout");
ABSL_FLAG(int64_t, guest_session_absolute_seconds, 24 * 3600, "Guest session lifetime");
ABSL_FLAG(int64_t, session_idle_seconds, 30 * 60, "Account session idle timeout");
ABSL_FLAG(int64_t, session_absolute_seconds, 12 * 3600, "Account session lifetime");
ABSL_FLAG(int64_t, guest_address_window_seconds, 24 * 3600,
          "Window of the guest views-per-client-address limit");
ABSL_FLAG(std::string, guest_plan, "guest", "Plan id of guest identities");
ABSL_FLAG(std::string, registration_plan, "free", "Plan id of newly registered accounts");
ABSL_FLAG(int, hash_threads, 2, "Threads hashing passwords (argon2id, 19 MiB each)");
ABSL_FLAG(int, store_threads, 8, "Threads calling Redis and PostgreSQL");
ABSL_FLAG(bool, nonblocking_redis, true,
          "Answer ValidateSession and ConsumeView from a non-blocking, pipelined Redis "
          "connection instead of the store threads");
ABSL_FLAG(std::string, common_passwords_file, "/usr/share/john/password.lst",
          "Passwords refused as too common: one a line, '#!comment' lines "
          "skipped (Debian package john-data); the service refuses to start "
          "without it");
ABSL_FLAG(std::string, cpt_terms_version, "2026",
          "The CPT licence terms version AcceptTerms records");
ABSL_FLAG(int64_t, login_throttle_failures, 5,
          "Failed logins per email before each further one blocks it");
ABSL_FLAG(int64_t, login_throttle_address_failures, 20,
          "Failed logins per client address before each further one blocks "
          "it");
ABSL_FLAG(int64_t, login_throttle_window_seconds, 15 * 60,
          "Failed logins are forgotten after this long without one");
ABSL_FLAG(int64_t, login_throttle_max_delay_seconds, 15 * 60,
          "Longest block (1 s after the threshold, doubling per failure)");
ABSL_FLAG(std::string, throttle_key_file, "",
          "File with the secret key of the login throttle's email HMAC (or set "
          "CODINGAHEAD_THROTTLE_KEY); every replica needs the same one. Unset: a "
          "random key per process (replicas then count an email's failures apart)");

namespace codingahead::account {
namespace {

int Fail(const char* what, const absl::Status& status) {
  common::LogLine(common::LogLevel::kError, what).With("error", status.ToString());
  return 1;
}

int Main() {
  common::ServerConfig config =
      common::ServerConfigFromFlags({"account", /*grpc_port=*/50052, /*metrics_port=*/9102});
  auto postgres = common::ConnectPostgresFromFlags("account", EmbeddedMigrations());
  if (!postgres.ok()) return Fail("postgres not usable", postgres.status());
  if (common::MigrateOnlyFromFlags()) return 0;
  auto redis = common::ConnectRedisFromFlags();
  if (!redis.ok()) return Fail("redis not usable", redis.status());
  auto credentials = common::CallerCredentials::LoadFromFiles(
      common::ServiceCredentialsFileFlag(), common::OperatorCredentialsFileFlag());
  if (!credentials.ok()) return Fail("credentials not usable", credentials.status());
  auto plan_rows = LoadPlans(**postgres);
  if (!plan_rows.ok()) return Fail("plans not loadable", plan_rows.status());
  auto plans = PlanCatalog::Create(*std::move(plan_rows), absl::GetFlag(FLAGS_guest_plan),
                                   absl::GetFlag(FLAGS_registration_plan));
  if (!plans.ok()) return Fail("plans not usable", plans.status());

  auto password_policy = PasswordPolicy::LoadFromFile(absl::GetFlag(FLAGS_common_passwords_file));
  if (!password_policy.ok()) {
    return Fail("common password list not usable", password_policy.status());
  }

  AccountOptions options;
  options.guest_session = {absl::Seconds(absl::GetFlag(FLAGS_guest_session_idle_seconds)),
                           absl::Seconds(absl::GetFlag(FLAGS_guest_session_absolute_seconds))};
  options.account_session = {absl::Seconds(absl::GetFlag(FLAGS_session_idle_seconds)),
                             absl::Seconds(absl::GetFlag(FLAGS_session_absolute_seconds))};
  options.address_window = absl::Seconds(absl::GetFlag(FLAGS_guest_address_window_seconds));
  const absl::Duration throttle_window =
      absl::Seconds(absl::GetFlag(FLAGS_login_throttle_window_seconds));
  const absl::Duration throttle_max =
      absl::Seconds(absl::GetFlag(FLAGS_login_throttle_max_delay_seconds));
  options.email_throttle = {absl::GetFlag(FLAGS_login_throttle_failures), throttle_window,
                            absl::Seconds(1), throttle_max};
  options.address_throttle = {absl::GetFlag(FLAGS_login_throttle_address_failures), throttle_window,
                              absl::Seconds(1), throttle_max};
  options.terms_version = absl::GetFlag(FLAGS_cpt_terms_version);

  SystemClock clock;
  OsRandom random;
  auto throttle_key =
      common::LoadSecret(absl::GetFlag(FLAGS_throttle_key_file), "CODINGAHEAD_THROTTLE_KEY");
  if (!throttle_key.ok()) return Fail("throttle key not usable", throttle_key.status());
  if (throttle_key->empty()) {
    common::LogLine(common::LogLevel::kWarning,
                    "no --throttle_key_file: the email throttle uses a random key of this "
                    "process only");
    *throttle_key = random.Bytes(32);
  }
  options.throttle_key = *std::move(throttle_key);
  Argon2idHasher hasher(&random);
  PostgresAccountStore accounts(postgres->get());
  std::unique_ptr<common::AsyncRedisClient> async_redis;
  if (absl::GetFlag(FLAGS_nonblocking_redis)) {
    auto async = common::AsyncRedisFromFlags();
    if (!async.ok()) return Fail("redis not usable", async.status());
    async_redis = *std::move(async);
  }
  RedisSessionStore sessions(redis->get(), absl::Hours(1), async_redis.get());
  RedisAllowanceStore allowances(redis->get(), absl::Hours(24), async_redis.get());
  RedisLoginThrottle throttle(redis->get());
  AccountLogic logic({&*plans, &accounts, &sessions, &allowances, &hasher, &clock, &random,
                      &throttle, &*password_policy},
                     options);
  common::ThreadPool store_pool(absl::GetFlag(FLAGS_store_threads));
  common::ThreadPool hash_pool(absl::GetFlag(FLAGS_hash_threads));
  AccountServiceImpl service(&logic, &*credentials, &store_pool, &hash_pool,
                             /*nonblocking_stores=*/async_redis != nullptr);
  return common::RunUntilSignalled(config, std::make_shared<prometheus::Registry>(), {&service},
                                   {"codingahead.account.v1.AccountService"});
}

}  // namespace
}  // namespace codingahead::account

int main(int argc, char** argv) {
  codingahead::common::BlockTerminationSignals();
  codingahead::common::ParseFlagsWithEnv(argc, argv);
  return codingahead::account::Main();
}
