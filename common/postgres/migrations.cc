#include "common/postgres/migrations.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/hash.h"

namespace codingahead::common {
namespace {

int64_t KeyFrom(absl::string_view text) {
  Sha256 sha;
  sha.Update(text);
  Sha256::Digest digest = sha.Finish();
  uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = (key << 8) | digest[i];
  return static_cast<int64_t>(key);
}

// ---------------------------------------------------------------------------

// Serialises creating the table across services sharing a database.
constexpr char kTableLockName[] = "codingahead.schema_migrations";

constexpr char kCreateTable[] =
    "CREATE TABLE schema_migrations ("
    "  service text NOT NULL,"
    "  version integer NOT NULL,"
    "  name text NOT NULL,"
    "  checksum text NOT NULL,"
    "  applied_at timestamptz NOT NULL DEFAULT now(),"
    "  PRIMARY KEY (service, version))";

constexpr char kTableExists[] = "SELECT to_regclass('schema_migrations') IS NOT NULL";

constexpr char kSelectApplied[] =
    "SELECT version, name, checksum,"
    " (extract(epoch FROM applied_at) * 1000000)::bigint"
    " FROM schema_migrations WHERE service = $1 ORDER BY version";

std::string Label(const Migration& m) { return absl::StrFormat("%04d_%s", m.version, m.name); }

std::vector<Migration> Sorted(const std::vector<Migration>& migrations) {
  std::vector<Migration> sorted = migrations;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return sorted;
}

std::vector<AppliedMigration> ReadApplied(pqxx::transaction_base& txn, const std::string& service) {
  std::vector<AppliedMigration> applied;
  if (!txn.exec1(kTableExists)[0].as<bool>()) return applied;
  pqxx::result rows = txn.exec_params(kSelectApplied, service);
  for (const auto& row : rows) {
    AppliedMigration m;
    m.version = row[0].as<int>();
    m.name = row[1].as<std::string>();
    m.checksum = row[2].as<std::string>();
    m.applied_at = absl::FromUnixMicros(row[3].as<int64_t>());
    applied.push_back(std::move(m));
  }
  return applied;
}

// Adds context to a status, keeping its code.
absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  return absl::Status(status.code(), absl::StrCat(context, ": ", status.message()));
}

// Refuses edited landed migrations; returns the pending ones, in order.
absl::StatusOr<std::vector<const Migration*>> Pending(
    const std::string& service, const std::vector<Migration>& sorted,
    const std::vector<AppliedMigration>& applied) {
  std::map<int, const AppliedMigration*> by_version;
  int max_applied = 0;
  for (const auto& a : applied) {
    by_version[a.version] = &a;
    max_applied = std::max(max_applied, a.version);
  }
  std::vector<const Migration*> pending;
  for (const Migration& m : sorted) {
    auto it = by_version.find(m.version);
    if (it == by_version.end()) {
      if (m.version < max_applied) {
        return absl::FailedPreconditionError(absl::StrCat(
            "migration ", Label(m), " of ", service, " is not applied but a later one (",
            max_applied, ") is: migrations must be applied in order"));
      }
      pending.push_back(&m);
      continue;
    }
    std::string checksum = MigrationChecksum(m.sql);
    if (it->second->checksum != checksum) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migration ", Label(m), " of ", service,
          " was changed after it was applied (recorded checksum ", it->second->checksum, ", file ",
          checksum, "); landed migrations are never edited: add a new one"));
    }
  }
  return pending;
}

absl::Status ApplyLocked(pqxx::connection& connection, const std::string& service,
                         const std::vector<Migration>& sorted) {
  {
    pqxx::work txn(connection);
    txn.exec_params("SELECT pg_advisory_xact_lock($1::bigint)", KeyFrom(kTableLockName));
    if (!txn.exec1(kTableExists)[0].as<bool>()) txn.exec0(kCreateTable);
    txn.commit();
  }
  std::vector<AppliedMigration> applied;
  {
    pqxx::read_transaction txn(connection);
    applied = ReadApplied(txn, service);
  }
  absl::StatusOr<std::vector<const Migration*>> pending = Pending(service, sorted, applied);
  if (!pending.ok()) return pending.status();
  for (const Migration* m : *pending) {
    try {
      pqxx::work txn(connection);
      txn.exec(m->sql);
      txn.exec_params(
          "INSERT INTO schema_migrations (service, version, name, checksum)"
          " VALUES ($1, $2, $3, $4)",
          service, m->version, m->name, MigrationChecksum(m->sql));
      txn.commit();
    } catch (const std::exception& e) {
      return Annotate(
          StatusFromPostgresException(e),
          absl::StrCat("migration ", Label(*m), " of ", service, " failed and was rolled back"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckService(const std::string& service) {
  if (service.empty()) {
    return absl::InvalidArgumentError("migrations need a service name");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<MigrateMode> ParseMigrateMode(absl::string_view text) {
  std::string mode = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (mode == "auto") return MigrateMode::kAuto;
  if (mode == "only") return MigrateMode::kOnly;
  if (mode == "off") return MigrateMode::kOff;
  return absl::InvalidArgumentError(
      absl::StrCat("--migrate must be auto, only or off, not \"", text, "\""));
}

absl::string_view MigrateModeName(MigrateMode mode) {
  switch (mode) {
    case MigrateMode::kAuto:
      return "auto";
    case MigrateMode::kOnly:
      return "only";
    case MigrateMode::kOff:
      return "off";
  }
  return "unknown";
}

std::string MigrationChecksum(absl::string_view sql) { return Sha256::HexDigest(sql); }

int64_t MigrationLockKey(absl::string_view service) {
  return KeyFrom(absl::StrCat(kTableLockName, "/", service));
}

absl::Status ValidateMigrations(const std::vector<Migration>& migrations) {
  std::vector<Migration> sorted = Sorted(migrations);
  for (size_t i = 0; i < sorted.size(); ++i) {
    const Migration& m = sorted[i];
    if (m.name.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("migration ", m.version, " has no name"));
    }
    if (i > 0 && sorted[i - 1].version == m.version) {
      return absl::InvalidArgumentError(
          absl::StrCat("duplicate migration number: ", Label(sorted[i - 1]), " and ", Label(m)));
    }
    int expected = static_cast<int>(i) + 1;
    if (m.version != expected) {
      return absl::InvalidArgumentError(
          absl::StrFormat("migration %04d is missing (next is %s): numbers run 1, 2, 3... "
                          "without gaps",
                          expected, Label(m)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Migration>> LoadMigrationsFromDir(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    return absl::NotFoundError(absl::StrCat("no migrations folder at ", path));
  }
  std::vector<Migration> migrations;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    std::string file = it->path().filename().string();
    if (!absl::EndsWith(file, ".sql")) continue;
    absl::string_view stem(file);
    stem.remove_suffix(4);
    // NNNN_name: four digits, an underscore, [A-Za-z0-9_-]+.
    bool well_formed = stem.size() > 5 && stem[4] == '_';
    for (size_t i = 0; well_formed && i < stem.size(); ++i) {
      char c = stem[i];
      well_formed = i < 4 ? absl::ascii_isdigit(c)
                          : (i == 4 || absl::ascii_isalnum(c) || c == '_' || c == '-');
    }
    Migration m;
    if (!well_formed || !absl::SimpleAtoi(stem.substr(0, 4), &m.version)) {
      return absl::InvalidArgumentError(
          absl::StrCat("migration file ", file, " in ", path, " is not named NNNN_name.sql"));
    }
    m.name = std::string(stem.substr(5));
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    if (!in) {
      return absl::InternalError(absl::StrCat("cannot read migration file ", it->path().string()));
    }
    m.sql = content.str();
    migrations.push_back(std::move(m));
  }
  if (ec) {
    return absl::InternalError(absl::StrCat("cannot list ", path, ": ", ec.message()));
  }
  migrations = Sorted(migrations);
  if (absl::Status s = ValidateMigrations(migrations); !s.ok()) {
    return Annotate(s, path);
  }
  return migrations;
}

absl::Status ApplyMigrations(PostgresPool& pool, const std::string& service,
                             const std::vector<Migration>& migrations) {
  if (absl::Status s = CheckService(service); !s.ok()) return s;
  if (absl::Status s = ValidateMigrations(migrations); !s.ok()) return s;
  std::vector<Migration> sorted = Sorted(migrations);

  // One connection for the whole run: the advisory lock belongs to it.
  absl::StatusOr<PostgresPool::Lease> lease = pool.Borrow();
  if (!lease.ok()) return lease.status();
  pqxx::connection& connection = lease->connection();
  const bool pool_has_timeout = pool.options().statement_timeout > absl::ZeroDuration();
  const int64_t key = MigrationLockKey(service);
  bool timeout_lifted = false;
  bool locked = false;
  absl::Status status;
  try {
    // Waiting for another replica's run, and a long migration, must not hit
    // the pool's statement timeout.
    if (pool_has_timeout) {
      connection.set_variable("statement_timeout", "0");
      timeout_lifted = true;
    }
    {
      pqxx::nontransaction txn(connection);
      txn.exec_params("SELECT pg_advisory_lock($1::bigint)", key);
    }
    locked = true;
    status = ApplyLocked(connection, service, sorted);
  } catch (const std::exception& e) {
    status = Annotate(StatusFromPostgresException(e), absl::StrCat("migrating ", service));
  }
  try {
    if (locked) {
      pqxx::nontransaction txn(connection);
      txn.exec_params("SELECT pg_advisory_unlock($1::bigint)", key);
    }
    if (timeout_lifted) {
      connection.set_variable("statement_timeout", pool.StatementTimeoutSetting());
    }
  } catch (...) {
    // The lock or the session setting may be left behind: do not reuse it.
    lease->MarkBroken();
  }
  return status;
}

absl::StatusOr<std::vector<AppliedMigration>> ListAppliedMigrations(PostgresPool& pool,
                                                                    const std::string& service) {
  return pool.WithTransaction(
      [&](pqxx::work& txn) -> absl::StatusOr<std::vector<AppliedMigration>> {
        return ReadApplied(txn, service);
      });
}

absl::Status VerifyMigrations(PostgresPool& pool, const std::string& service,
                              const std::vector<Migration>& migrations) {
  if (absl::Status s = CheckService(service); !s.ok()) return s;
  if (absl::Status s = ValidateMigrations(migrations); !s.ok()) return s;
  absl::StatusOr<std::vector<AppliedMigration>> applied = ListAppliedMigrations(pool, service);
  if (!applied.ok()) return applied.status();
  std::vector<Migration> sorted = Sorted(migrations);
  absl::StatusOr<std::vector<const Migration*>> pending = Pending(service, sorted, *applied);
  if (!pending.ok()) return pending.status();
  if (!pending->empty()) {
    std::vector<std::string> labels;
    for (const Migration* m : *pending) labels.push_back(Label(*m));
    return absl::FailedPreconditionError(
        absl::StrCat("migrations of ", service, " not applied: ", absl::StrJoin(labels, ", "),
                     " (run with --migrate=auto or --migrate=only first)"));
  }
  return absl::OkStatus();
}

absl::Status RunMigrations(PostgresPool& pool, const std::string& service,
                           const std::vector<Migration>& migrations, MigrateMode mode) {
  switch (mode) {
    case MigrateMode::kAuto:
    case MigrateMode::kOnly:
      return ApplyMigrations(pool, service, migrations);
    case MigrateMode::kOff:
      return VerifyMigrations(pool, service, migrations);
  }
  return absl::InvalidArgumentError("unknown migrate mode");
}

}  // namespace codingahead::common
