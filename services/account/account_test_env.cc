#include "services/account/account_test_env.h"

#include <atomic>
#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "account/embedded_migrations.h"
#include "common/postgres/migrations.h"

namespace codingahead::account {

const char kCommonPasswordsFile[] = "/usr/share/john/password.lst";

testing::PostgresServer& SharedPostgres() {
  // Destroyed (server stopped, folder removed) when the binary exits.
  static std::unique_ptr<testing::PostgresServer> server = [] {
    auto started = testing::PostgresServer::Start();
    if (!started.ok()) {
      std::cerr << "cannot start PostgreSQL for the tests: " << started.status() << "\n";
      std::abort();
    }
    return *std::move(started);
  }();
  return *server;
}

absl::Time TestEpoch() {
  return absl::FromCivil(absl::CivilSecond(2024, 1, 15, 12, 0, 0), absl::UTCTimeZone());
}

absl::StatusOr<std::unique_ptr<AccountTestEnv>> AccountTestEnv::Create(AccountOptions options,
                                                                       absl::Time start) {
  static std::atomic<int> databases{0};
  std::unique_ptr<AccountTestEnv> env(new AccountTestEnv(start));

  auto redis_server = testing::RedisServer::Start({});
  if (!redis_server.ok()) return redis_server.status();
  env->redis_server_ = *std::move(redis_server);
  common::RedisOptions redis_options;
  redis_options.url = env->redis_server_->url();
  redis_options.pool_size = 16;
  auto redis = common::RedisClient::Create(redis_options);
  if (!redis.ok()) return redis.status();
  env->redis_ = *std::move(redis);

  auto url = SharedPostgres().CreateDatabase(absl::StrCat("account_", ++databases));
  if (!url.ok()) return url.status();
  common::PostgresOptions pg_options;
  pg_options.url = *url;
  pg_options.connect_timeout = absl::Seconds(2);
  auto pool = common::PostgresPool::Create(pg_options);
  if (!pool.ok()) return pool.status();
  env->postgres_ = *std::move(pool);
  absl::Status migrated = common::ApplyMigrations(*env->postgres_, "account", EmbeddedMigrations());
  if (!migrated.ok()) return migrated;

  auto rows = LoadPlans(*env->postgres_);
  if (!rows.ok()) return rows.status();
  auto plans = PlanCatalog::Create(*std::move(rows), "guest", "free");
  if (!plans.ok()) return plans.status();
  env->plans_ = std::make_unique<PlanCatalog>(*std::move(plans));

  env->hasher_ = std::make_unique<Argon2idHasher>(&env->random_);
  env->accounts_ = std::make_unique<PostgresAccountStore>(env->postgres_.get());
  common::AsyncRedisOptions async_options;
  async_options.url = env->redis_server_->url();
  auto async_redis = common::AsyncRedisClient::Create(async_options);
  if (!async_redis.ok()) return async_redis.status();
  env->async_redis_ = *std::move(async_redis);
  env->sessions_ = std::make_unique<RedisSessionStore>(env->redis_.get(), absl::Hours(1),
                                                       env->async_redis_.get());
  env->allowances_ = std::make_unique<RedisAllowanceStore>(env->redis_.get(), absl::Hours(24),
                                                           env->async_redis_.get());
  env->throttle_ = std::make_unique<RedisLoginThrottle>(env->redis_.get());
  auto policy = PasswordPolicy::LoadFromFile(kCommonPasswordsFile);
  if (!policy.ok()) return policy.status();
  env->password_policy_ = std::make_unique<PasswordPolicy>(*std::move(policy));
  env->logic_ = std::make_unique<AccountLogic>(
      AccountDeps{env->plans_.get(), env->accounts_.get(), env->sessions_.get(),
                  env->allowances_.get(), env->hasher_.get(), &env->clock_, &env->random_,
                  env->throttle_.get(), env->password_policy_.get()},
      options);
  return env;
}

AccountTestEnv::~AccountTestEnv() = default;

}  // namespace codingahead::account
