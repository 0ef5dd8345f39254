#include "common/postgres/migrations.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/postgres/postgres_pool.h"
#include "common/testing/postgres_server.h"
#include "common/testing/subprocess.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace codingahead::common {
namespace {

using ::codingahead::testing::PostgresServer;
using ::codingahead::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Migration M(int version, const std::string& name, const std::string& sql) {
  Migration m;
  m.version = version;
  m.name = name;
  m.sql = sql;
  return m;
}

std::vector<int> Versions(const std::vector<AppliedMigration>& applied) {
  std::vector<int> versions;
  for (const auto& a : applied) versions.push_back(a.version);
  return versions;
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

// ---------------------------------------------------------------------------
// Without a server.

TEST(MigrationChecksumTest, IsHexSha256OfTheBytes) {
  EXPECT_EQ(MigrationChecksum(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(MigrationChecksum("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(MigrationChecksum("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(MigrationChecksum(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(MigrationLockKeyTest, IsFixedPerService) {
  // Pinned: replicas of different builds must agree on the key.
  EXPECT_EQ(MigrationLockKey("account"), MigrationLockKey("account"));
  EXPECT_NE(MigrationLockKey("account"), MigrationLockKey("jobs"));
  EXPECT_EQ(MigrationLockKey("account"), int64_t{3260265171555604957});
}

TEST(ParseMigrateModeTest, AcceptsAutoOnlyOff) {
  EXPECT_EQ(ParseMigrateMode("auto").value(), MigrateMode::kAuto);
  EXPECT_EQ(ParseMigrateMode("only").value(), MigrateMode::kOnly);
  EXPECT_EQ(ParseMigrateMode("off").value(), MigrateMode::kOff);
  EXPECT_EQ(ParseMigrateMode("sometimes").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMigrateMode("").status().code(), absl::StatusCode::kInvalidArgument);
  for (MigrateMode mode : {MigrateMode::kAuto, MigrateMode::kOnly, MigrateMode::kOff}) {
    EXPECT_EQ(ParseMigrateMode(MigrateModeName(mode)).value(), mode);
  }
}

TEST(ValidateMigrationsTest, RefusesGapsAndDuplicates) {
  EXPECT_TRUE(ValidateMigrations({}).ok());
  EXPECT_TRUE(ValidateMigrations({M(2, "b", ""), M(1, "a", "")}).ok());
  absl::Status gap = ValidateMigrations({M(1, "a", ""), M(3, "c", "")});
  EXPECT_EQ(gap.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(gap.message(), HasSubstr("0002"));
  EXPECT_EQ(ValidateMigrations({M(2, "b", "")}).code(), absl::StatusCode::kInvalidArgument);
  absl::Status duplicate = ValidateMigrations({M(1, "a", ""), M(2, "b", ""), M(2, "c", "")});
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(duplicate.message(), HasSubstr("duplicate"));
  EXPECT_EQ(ValidateMigrations({M(1, "", "")}).code(), absl::StatusCode::kInvalidArgument);
}

TEST(LoadMigrationsFromDirTest, ReadsNumberedFilesInOrder) {
  TempDir dir;
  WriteFile(dir.path() + "/0002_add_email.sql", "ALTER TABLE a ADD email text;");
  WriteFile(dir.path() + "/0001_create_a.sql", "CREATE TABLE a (id int);\n");
  WriteFile(dir.path() + "/README.md", "not a migration");
  auto migrations = LoadMigrationsFromDir(dir.path());
  ASSERT_TRUE(migrations.ok()) << migrations.status();
  ASSERT_EQ(migrations->size(), 2u);
  EXPECT_EQ((*migrations)[0].version, 1);
  EXPECT_EQ((*migrations)[0].name, "create_a");
  EXPECT_EQ((*migrations)[0].sql, "CREATE TABLE a (id int);\n");
  EXPECT_EQ((*migrations)[1].version, 2);
  EXPECT_EQ((*migrations)[1].name, "add_email");
}

TEST(LoadMigrationsFromDirTest, RefusesBadNamesGapsAndDuplicates) {
  {
    TempDir dir;
    WriteFile(dir.path() + "/1_create.sql", "");
    EXPECT_EQ(LoadMigrationsFromDir(dir.path()).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  {
    TempDir dir;
    WriteFile(dir.path() + "/0001_a.sql", "");
    WriteFile(dir.path() + "/0003_c.sql", "");
    EXPECT_EQ(LoadMigrationsFromDir(dir.path()).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  {
    TempDir dir;
    WriteFile(dir.path() + "/0001_a.sql", "");
    WriteFile(dir.path() + "/0001_b.sql", "");
    EXPECT_EQ(LoadMigrationsFromDir(dir.path()).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(LoadMigrationsFromDir("/nonexistent/migrations").status().code(),
            absl::StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// Against a real server: one per test process, a fresh database per test.

class MigrationsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::Time start = absl::Now();
    auto server = PostgresServer::Start();
    if (!server.ok()) {
      start_error_ = new std::string(server.status().ToString());
      return;
    }
    std::cerr << "PostgreSQL started in " << absl::Now() - start << "\n";
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete start_error_;
    start_error_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr) << *start_error_;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = absl::AsciiStrToLower(absl::StrCat("m_", info->name()));
    for (char& c : name) {
      if (!absl::ascii_isalnum(c)) c = '_';
    }
    auto url = server_->CreateDatabase(name.substr(0, 63));
    ASSERT_TRUE(url.ok()) << url.status();
    url_ = *url;
    pool_ = MakePool();
    ASSERT_NE(pool_, nullptr);
  }

  std::unique_ptr<PostgresPool> MakePool(absl::Duration statement_timeout = absl::Seconds(10)) {
    PostgresOptions options;
    options.url = url_;
    options.pool_size = 2;
    options.statement_timeout = statement_timeout;
    auto pool = PostgresPool::Create(options);
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? *std::move(pool) : nullptr;
  }

  absl::StatusOr<std::string> QueryText(const std::string& sql) {
    return pool_->WithTransaction([&](pqxx::work& txn) -> absl::StatusOr<std::string> {
      auto field = txn.exec1(sql)[0];
      return field.is_null() ? "NULL" : field.as<std::string>();
    });
  }

  std::vector<AppliedMigration> Applied(const std::string& service) {
    auto applied = ListAppliedMigrations(*pool_, service);
    EXPECT_TRUE(applied.ok()) << applied.status();
    return applied.ok() ? *applied : std::vector<AppliedMigration>{};
  }

  static PostgresServer* server_;
  static std::string* start_error_;
  std::string url_;
  std::unique_ptr<PostgresPool> pool_;
};

PostgresServer* MigrationsTest::server_ = nullptr;
std::string* MigrationsTest::start_error_ = nullptr;

const std::vector<Migration>& AccountMigrations() {
  static const auto* const kMigrations = new std::vector<Migration>{
      M(1, "create_accounts",
        "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);"),
      M(2, "add_plan", "ALTER TABLE accounts ADD COLUMN plan text;"),
      M(3, "seed", "INSERT INTO accounts (id, email, plan) VALUES (1, 'a@b', 'free');"),
  };
  return *kMigrations;
}

TEST_F(MigrationsTest, AppliesInOrderAndRecordsEach) {
  // Given out of order: applied by number.
  const auto& all = AccountMigrations();
  absl::Status status = ApplyMigrations(*pool_, "account", {all[2], all[0], all[1]});
  ASSERT_TRUE(status.ok()) << status;
  std::vector<AppliedMigration> applied = Applied("account");
  ASSERT_THAT(Versions(applied), ElementsAre(1, 2, 3));
  for (size_t i = 0; i < applied.size(); ++i) {
    EXPECT_EQ(applied[i].name, all[i].name);
    EXPECT_EQ(applied[i].checksum, MigrationChecksum(all[i].sql));
    EXPECT_LT(absl::Now() - applied[i].applied_at, absl::Minutes(5));
  }
  EXPECT_EQ(QueryText("SELECT plan FROM accounts WHERE id = 1").value_or(""), "free");
}

TEST_F(MigrationsTest, SecondRunChangesNothing) {
  ASSERT_TRUE(ApplyMigrations(*pool_, "account", AccountMigrations()).ok());
  std::vector<AppliedMigration> first = Applied("account");
  absl::Status again = ApplyMigrations(*pool_, "account", AccountMigrations());
  ASSERT_TRUE(again.ok()) << again;
  std::vector<AppliedMigration> second = Applied("account");
  ASSERT_EQ(second.size(), first.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(second[i].applied_at, first[i].applied_at);
  }
  // The seed ran once.
  EXPECT_EQ(QueryText("SELECT count(*) FROM accounts").value_or(""), "1");
}

TEST_F(MigrationsTest, NewMigrationsApplyOnTopOfLandedOnes) {
  const auto& all = AccountMigrations();
  ASSERT_TRUE(ApplyMigrations(*pool_, "account", {all[0]}).ok());
  EXPECT_THAT(Versions(Applied("account")), ElementsAre(1));
  absl::Status more = ApplyMigrations(*pool_, "account", all);
  ASSERT_TRUE(more.ok()) << more;
  EXPECT_THAT(Versions(Applied("account")), ElementsAre(1, 2, 3));
}

TEST_F(MigrationsTest, EditedLandedMigrationIsRefused) {
  const auto& all = AccountMigrations();
  ASSERT_TRUE(ApplyMigrations(*pool_, "account", {all[0]}).ok());
  std::vector<Migration> edited = all;
  edited[0].sql += "\n-- harmless-looking edit\n";
  absl::Status status = ApplyMigrations(*pool_, "account", edited);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(status.message(), HasSubstr("0001_create_accounts"));
  // Nothing after it ran either.
  EXPECT_THAT(Versions(Applied("account")), ElementsAre(1));
  EXPECT_EQ(VerifyMigrations(*pool_, "account", {edited[0]}).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(MigrationsTest, GapOrDuplicateIsRefusedBeforeTouchingTheDatabase) {
  const auto& all = AccountMigrations();
  absl::Status gap = ApplyMigrations(*pool_, "account", {all[0], all[2]});
  EXPECT_EQ(gap.code(), absl::StatusCode::kInvalidArgument) << gap;
  absl::Status duplicate =
      ApplyMigrations(*pool_, "account", {all[0], all[1], M(2, "other", "SELECT 1")});
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kInvalidArgument) << duplicate;
  EXPECT_TRUE(Applied("account").empty());
  EXPECT_EQ(QueryText("SELECT to_regclass('accounts')::text").value_or(""), "NULL");
}

TEST_F(MigrationsTest, FailingMigrationRollsBackWhole) {
  const auto& all = AccountMigrations();
  Migration broken = M(2, "half_done",
                       "CREATE TABLE partial (id int);"
                       "INSERT INTO partial VALUES (1);"
                       "INSERT INTO no_such_table VALUES (1);");
  absl::Status status = ApplyMigrations(*pool_, "account", {all[0], broken, all[2]});
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("0002_half_done"));
  // The one before stays, the failing one left nothing, the next did not run.
  EXPECT_THAT(Versions(Applied("account")), ElementsAre(1));
  EXPECT_EQ(QueryText("SELECT to_regclass('partial')::text").value_or(""), "NULL");
  // Fixed (it never landed, so changing it is fine), the run completes.
  absl::Status fixed = ApplyMigrations(*pool_, "account", all);
  ASSERT_TRUE(fixed.ok()) << fixed;
  EXPECT_THAT(Versions(Applied("account")), ElementsAre(1, 2, 3));
}

TEST_F(MigrationsTest, ConcurrentRunsApplyEachMigrationOnce) {
  // The first migration is slow, so that the runs overlap; it is longer than
  // the pools' statement timeout, which a run lifts.
  std::vector<Migration> migrations = {
      M(1, "create_once", "CREATE TABLE once (id int PRIMARY KEY); SELECT pg_sleep(0.5);"),
      M(2, "insert_once", "INSERT INTO once VALUES (2);"),
  };
  constexpr int kReplicas = 4;
  std::vector<std::unique_ptr<PostgresPool>> pools;
  for (int i = 0; i < kReplicas; ++i) {
    pools.push_back(MakePool(/*statement_timeout=*/absl::Milliseconds(200)));
    ASSERT_NE(pools.back(), nullptr);
  }
  absl::Notification go;
  std::vector<absl::Status> results(kReplicas);
  std::vector<std::thread> replicas;
  for (int i = 0; i < kReplicas; ++i) {
    replicas.emplace_back([&, i] {
      go.WaitForNotification();
      results[i] = ApplyMigrations(*pools[i], "account", migrations);
    });
  }
  go.Notify();
  for (auto& t : replicas) t.join();
  for (const absl::Status& s : results) EXPECT_TRUE(s.ok()) << s;
  EXPECT_THAT(Versions(Applied("account")), ElementsAre(1, 2));
  EXPECT_EQ(QueryText("SELECT count(*) FROM once").value_or(""), "1");
  // Each pool got its statement timeout back.
  for (auto& pool : pools) {
    auto timeout = pool->WithTransaction([](pqxx::work& txn) -> absl::StatusOr<std::string> {
      return txn.exec1("SHOW statement_timeout")[0].as<std::string>();
    });
    EXPECT_EQ(timeout.value_or(""), "200ms");
  }
}

TEST_F(MigrationsTest, OffModeOnlyVerifies) {
  const auto& all = AccountMigrations();
  absl::Status before = RunMigrations(*pool_, "account", all, MigrateMode::kOff);
  EXPECT_EQ(before.code(), absl::StatusCode::kFailedPrecondition) << before;
  EXPECT_THAT(before.message(), HasSubstr("0001_create_accounts"));
  EXPECT_TRUE(Applied("account").empty());

  ASSERT_TRUE(RunMigrations(*pool_, "account", {all[0], all[1]}, MigrateMode::kOnly).ok());
  absl::Status partial = RunMigrations(*pool_, "account", all, MigrateMode::kOff);
  EXPECT_EQ(partial.code(), absl::StatusCode::kFailedPrecondition) << partial;
  EXPECT_THAT(partial.message(), HasSubstr("0003_seed"));
  EXPECT_THAT(Versions(Applied("account")), ElementsAre(1, 2));

  ASSERT_TRUE(RunMigrations(*pool_, "account", all, MigrateMode::kAuto).ok());
  absl::Status after = RunMigrations(*pool_, "account", all, MigrateMode::kOff);
  EXPECT_TRUE(after.ok()) << after;
  // An older binary (knowing fewer migrations) still starts.
  EXPECT_TRUE(RunMigrations(*pool_, "account", {all[0]}, MigrateMode::kOff).ok());
}

TEST_F(MigrationsTest, ServicesKeepSeparateHistories) {
  ASSERT_TRUE(ApplyMigrations(*pool_, "account", AccountMigrations()).ok());
  absl::Status jobs =
      ApplyMigrations(*pool_, "jobs", {M(1, "create_postings", "CREATE TABLE postings (id int);")});
  ASSERT_TRUE(jobs.ok()) << jobs;
  EXPECT_THAT(Versions(Applied("account")), ElementsAre(1, 2, 3));
  EXPECT_THAT(Versions(Applied("jobs")), ElementsAre(1));
  EXPECT_EQ(Applied("jobs")[0].name, "create_postings");
}

TEST_F(MigrationsTest, AppliesFilesFromAFolder) {
  TempDir dir;
  WriteFile(dir.path() + "/0001_create_postings.sql",
            "CREATE TABLE postings (id bigint PRIMARY KEY, title text);\n");
  WriteFile(dir.path() + "/0002_seed.sql",
            "INSERT INTO postings VALUES (1, 'Coder');\n"
            "INSERT INTO postings VALUES (2, 'Auditor');\n");
  auto migrations = LoadMigrationsFromDir(dir.path());
  ASSERT_TRUE(migrations.ok()) << migrations.status();
  absl::Status status = ApplyMigrations(*pool_, "jobs", *migrations);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(QueryText("SELECT count(*) FROM postings").value_or(""), "2");
  EXPECT_THAT(Versions(Applied("jobs")), ElementsAre(1, 2));
}

}  // namespace
}  // namespace codingahead::common
