#ifndef CODINGAHEAD_COMMON_STORES_H_
#define CODINGAHEAD_COMMON_STORES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/postgres/migrations.h"
#include "common/postgres/postgres_pool.h"
#include "common/redis/async_redis_client.h"
#include "common/redis/redis_client.h"

// Start-up connections to the stores from the common flags (--redis_url,
// --redis_password_file, --postgres_url, --postgres_password_file,
// --migrate). Blocking: call from main before serving.
namespace codingahead::common {

// Connects to Redis and checks it runs as DESIGN.md §2 requires
// (maxmemory-policy noeviction, AOF on): FailedPrecondition otherwise.
absl::StatusOr<std::unique_ptr<RedisClient>> ConnectRedisFromFlags();

// The non-blocking client of the same Redis (--redis_url and its password),
// for calls answered from a gRPC reactor. Does no I/O until first used; call
// after ConnectRedisFromFlags has checked the server.
absl::StatusOr<std::unique_ptr<AsyncRedisClient>> AsyncRedisFromFlags();

// Opens the PostgreSQL pool and applies (--migrate=auto|only) or verifies
// (--migrate=off) `service`'s migrations under the advisory lock.
absl::StatusOr<std::unique_ptr<PostgresPool>> ConnectPostgresFromFlags(
    const std::string& service, const std::vector<Migration>& migrations);

// True for --migrate=only: the binary applies its migrations and exits.
bool MigrateOnlyFromFlags();

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_STORES_H_
