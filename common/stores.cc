#include "common/stores.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/log.h"

ABSL_FLAG(std::string, redis_url, "redis://127.0.0.1:6379/0", "Redis, as redis://host:port/db");
ABSL_FLAG(std::string, redis_password_file, "",
          "File holding the Redis password (or set CODINGAHEAD_REDIS_PASSWORD)");
ABSL_FLAG(int, redis_pool_size, 16, "Redis connections per process");
ABSL_FLAG(std::string, postgres_url, "postgresql://postgres@127.0.0.1:5432/postgres",
          "PostgreSQL, as a libpq URI without the password");
ABSL_FLAG(std::string, postgres_password_file, "",
          "File holding the PostgreSQL password (or set CODINGAHEAD_POSTGRES_PASSWORD)");
ABSL_FLAG(int, postgres_pool_size, 8, "PostgreSQL connections per process");
ABSL_FLAG(std::string, migrate, "auto",
          "auto: apply pending migrations and serve; only: apply them and exit; off: refuse to "
          "start unless every migration is applied");

namespace codingahead::common {

absl::StatusOr<std::unique_ptr<RedisClient>> ConnectRedisFromFlags() {
  auto password =
      LoadSecret(absl::GetFlag(FLAGS_redis_password_file), "CODINGAHEAD_REDIS_PASSWORD");
  if (!password.ok()) return password.status();
  RedisOptions options;
  options.url = absl::GetFlag(FLAGS_redis_url);
  options.password = *password;
  options.pool_size = absl::GetFlag(FLAGS_redis_pool_size);
  auto client = RedisClient::Create(options);
  if (!client.ok()) return client.status();
  absl::Status checked = (*client)->CheckServerConfig(absl::Now() + absl::Seconds(5));
  if (!checked.ok()) {
    return absl::Status(checked.code(), absl::StrCat("Redis at ", (*client)->redacted_url(), ": ",
                                                     checked.message()));
  }
  LogLine(LogLevel::kInfo, "redis ready").With("redis", (*client)->redacted_url());
  return client;
}

absl::StatusOr<std::unique_ptr<AsyncRedisClient>> AsyncRedisFromFlags() {
  auto password =
      LoadSecret(absl::GetFlag(FLAGS_redis_password_file), "CODINGAHEAD_REDIS_PASSWORD");
  if (!password.ok()) return password.status();
  AsyncRedisOptions options;
  options.url = absl::GetFlag(FLAGS_redis_url);
  options.password = *password;
  return AsyncRedisClient::Create(options);
}

bool MigrateOnlyFromFlags() { return absl::GetFlag(FLAGS_migrate) == "only"; }

absl::StatusOr<std::unique_ptr<PostgresPool>> ConnectPostgresFromFlags(
    const std::string& service, const std::vector<Migration>& migrations) {
  auto mode = ParseMigrateMode(absl::GetFlag(FLAGS_migrate));
  if (!mode.ok()) return mode.status();
  auto password =
      LoadSecret(absl::GetFlag(FLAGS_postgres_password_file), "CODINGAHEAD_POSTGRES_PASSWORD");
  if (!password.ok()) return password.status();
  PostgresOptions options;
  options.url = absl::GetFlag(FLAGS_postgres_url);
  if (!password->empty()) {
    // libpq reads the password from the environment of this process only.
    setenv("PGPASSWORD", password->c_str(), 1);
  }
  options.pool_size = absl::GetFlag(FLAGS_postgres_pool_size);
  options.application_name = absl::StrCat("codingahead-", service);
  auto pool = PostgresPool::Create(options);
  if (!pool.ok()) return pool.status();
  absl::Time start = absl::Now();
  absl::Status migrated = RunMigrations(**pool, service, migrations, *mode);
  if (!migrated.ok()) return migrated;
  LogLine(LogLevel::kInfo, "postgres ready")
      .With("postgres", DescribePostgresUrl(options.url))
      .With("migrate", std::string(MigrateModeName(*mode)))
      .With("migrations", static_cast<int>(migrations.size()))
      .With("migrate_ms", absl::ToInt64Milliseconds(absl::Now() - start));
  return pool;
}

}  // namespace codingahead::common
