#ifndef CODINGAHEAD_COMMON_POSTGRES_MIGRATIONS_H_
#define CODINGAHEAD_COMMON_POSTGRES_MIGRATIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/postgres/postgres_pool.h"

// Schema migrations: numbered SQL files per service
// (services/<svc>/migrations/0001_create_accounts.sql), applied in order, each
// inside its own transaction, recorded in `schema_migrations`
// (service, version, name, checksum, applied_at; primary key (service,
// version)). A whole run holds a PostgreSQL advisory lock derived from the
// service name, so replicas starting together apply each migration once.
// Landed migrations are never edited: a changed checksum is refused.
//
// A migration's SQL runs as one batch in a transaction: it must not contain
// BEGIN/COMMIT nor statements that cannot run in a transaction (CREATE INDEX
// CONCURRENTLY, VACUUM).
//
// Blocking calls: run them at start-up or on a store thread, never on a gRPC
// reactor thread.

namespace codingahead::common {

struct Migration {
  int version = 0;   // the NNNN of NNNN_name.sql: 1, 2, 3...
  std::string name;  // the name part: "create_accounts"
  std::string sql;
};

struct AppliedMigration {
  int version = 0;
  std::string name;
  std::string checksum;
  absl::Time applied_at;
};

// --migrate=auto|only|off (DESIGN.md): auto applies pending migrations and
// serves; only applies them and exits (the binary's job); off applies nothing
// and refuses to start unless every known migration is applied.
enum class MigrateMode { kAuto, kOnly, kOff };
absl::StatusOr<MigrateMode> ParseMigrateMode(absl::string_view text);
absl::string_view MigrateModeName(MigrateMode mode);

// Hex SHA-256 of the file's bytes, as recorded in schema_migrations.
std::string MigrationChecksum(absl::string_view sql);

// The advisory lock key (pg_advisory_lock(bigint)) of a service's runs.
int64_t MigrationLockKey(absl::string_view service);

// Reads the `NNNN_name.sql` files of `path` (other files are ignored; a .sql
// file not named so is InvalidArgument), sorted by number and checked by
// ValidateMigrations. NotFound when the folder does not exist.
absl::StatusOr<std::vector<Migration>> LoadMigrationsFromDir(const std::string& path);

// InvalidArgument unless the numbers are exactly 1..N (no gap, no duplicate)
// and every migration has a name. The order of `migrations` does not matter.
absl::Status ValidateMigrations(const std::vector<Migration>& migrations);

// Applies the pending migrations of `service` in order, under the service's
// advisory lock (waiting for another replica's run to finish; the pool's
// statement timeout is lifted for the run). Errors:
//   InvalidArgument     the list is invalid (gap, duplicate)
//   FailedPrecondition  a landed migration's checksum changed, or a pending
//                       one is older than one already applied
//   others              the failing migration's mapped error; it was rolled
//                       back whole, the ones before it stay applied.
// Versions recorded in the database beyond the known ones (a newer release
// ran) are left alone.
absl::Status ApplyMigrations(PostgresPool& pool, const std::string& service,
                             const std::vector<Migration>& migrations);

// For --migrate=off: OK when every known migration is recorded with the same
// checksum; FailedPrecondition otherwise (naming the missing or edited ones).
absl::Status VerifyMigrations(PostgresPool& pool, const std::string& service,
                              const std::vector<Migration>& migrations);

// ApplyMigrations for kAuto and kOnly, VerifyMigrations for kOff.
absl::Status RunMigrations(PostgresPool& pool, const std::string& service,
                           const std::vector<Migration>& migrations, MigrateMode mode);

// What schema_migrations records for `service`, by version; empty when the
// table does not exist yet.
absl::StatusOr<std::vector<AppliedMigration>> ListAppliedMigrations(PostgresPool& pool,
                                                                    const std::string& service);

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_POSTGRES_MIGRATIONS_H_
