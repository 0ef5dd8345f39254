#include "common/postgres/postgres_pool.h"

#include <signal.h>

#include <atomic>
#include <cerrno>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/testing/postgres_server.h"
#include "common/testing/subprocess.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace codingahead::common {
namespace {

using ::codingahead::testing::PostgresServer;
using ::codingahead::testing::WaitUntil;
using ::testing::HasSubstr;
using ::testing::Not;

// A database name from the running test's name.
std::string FreshDatabaseName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = absl::AsciiStrToLower(absl::StrCat("t_", info->name()));
  for (char& c : name) {
    if (!absl::ascii_isalnum(c)) c = '_';
  }
  return name.substr(0, 63);
}

// Whether the process `pid` (a terminated backend) has exited.
bool ProcessGone(int pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

class CountingObserver : public PostgresObserver {
 public:
  void OnQuery(absl::StatusCode code, absl::Duration latency) override {
    ++queries;
    if (code != absl::StatusCode::kOk) ++errors;
  }
  void OnPoolWait(absl::Duration wait, bool acquired) override {
    ++waits;
    if (!acquired) ++wait_timeouts;
  }
  void OnConnect(absl::StatusCode code, absl::Duration latency) override { ++connects; }
  void OnConnectionDiscarded() override { ++discarded; }

  std::atomic<int> queries{0}, errors{0}, waits{0}, wait_timeouts{0}, connects{0}, discarded{0};
};

// One server per test process (ctest runs each test in its own process), a
// fresh database per test.
class PostgresPoolTest : public ::testing::Test {
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
    auto url = server_->CreateDatabase(FreshDatabaseName());
    ASSERT_TRUE(url.ok()) << url.status();
    url_ = *url;
  }

  PostgresOptions Options(int pool_size = 4) const {
    PostgresOptions options;
    options.url = url_;
    options.pool_size = pool_size;
    options.connect_timeout = absl::Seconds(2);
    options.statement_timeout = absl::Seconds(10);
    options.acquire_timeout = absl::Seconds(5);
    return options;
  }

  std::unique_ptr<PostgresPool> MakePool(const PostgresOptions& options,
                                         PostgresObserver* observer = nullptr) {
    auto pool = PostgresPool::Create(options, observer);
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? *std::move(pool) : nullptr;
  }

  static absl::Status Exec(PostgresPool& pool, const std::string& sql) {
    return pool.WithTransaction([&](pqxx::work& txn) -> absl::Status {
      txn.exec(sql);
      return absl::OkStatus();
    });
  }

  static absl::StatusOr<int> QueryInt(PostgresPool& pool, const std::string& sql) {
    return pool.WithTransaction(
        [&](pqxx::work& txn) -> absl::StatusOr<int> { return txn.exec1(sql)[0].as<int>(); });
  }

  static PostgresServer* server_;
  static std::string* start_error_;
  std::string url_;
};

PostgresServer* PostgresPoolTest::server_ = nullptr;
std::string* PostgresPoolTest::start_error_ = nullptr;

TEST_F(PostgresPoolTest, RunsTransactionsAndReturnsValues) {
  auto pool = MakePool(Options());
  ASSERT_NE(pool, nullptr);
  absl::StatusOr<int> answer = QueryInt(*pool, "SELECT 40 + 2");
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(*answer, 42);

  absl::StatusOr<std::string> name =
      pool->WithConnection([](pqxx::connection& c) -> absl::StatusOr<std::string> {
        pqxx::nontransaction txn(c);
        return txn.exec1("SELECT current_database()")[0].as<std::string>();
      });
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(*name, FreshDatabaseName());
}

TEST_F(PostgresPoolTest, UniqueViolationIsAlreadyExists) {
  auto pool = MakePool(Options());
  ASSERT_NE(pool, nullptr);
  ASSERT_TRUE(Exec(*pool, "CREATE TABLE accounts (email text PRIMARY KEY)").ok());
  auto insert = [&] {
    return pool->WithTransaction([](pqxx::work& txn) -> absl::Status {
      txn.exec_params("INSERT INTO accounts VALUES ($1)", "ann@example.com");
      return absl::OkStatus();
    });
  };
  ASSERT_TRUE(insert().ok());
  absl::Status again = insert();
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  EXPECT_THAT(again.message(), HasSubstr("23505"));
  // The DETAIL line carries row values: it stays out of the status.
  EXPECT_THAT(again.message(), Not(HasSubstr("ann@example.com")));
}

TEST_F(PostgresPoolTest, SqlStatesMapToStatusCodes) {
  auto pool = MakePool(Options());
  ASSERT_NE(pool, nullptr);
  struct Case {
    const char* sqlstate;
    absl::StatusCode code;
  };
  for (const Case& c : std::vector<Case>{
           {"23505", absl::StatusCode::kAlreadyExists},
           {"40001", absl::StatusCode::kAborted},
           {"40P01", absl::StatusCode::kAborted},
           {"57014", absl::StatusCode::kDeadlineExceeded},
           {"08006", absl::StatusCode::kUnavailable},
           {"22012", absl::StatusCode::kInternal},
           {"P0001", absl::StatusCode::kInternal},
       }) {
    absl::Status status = Exec(*pool, absl::StrCat("DO $$ BEGIN RAISE EXCEPTION 'boom' USING "
                                                   "ERRCODE = '",
                                                   c.sqlstate, "'; END $$"));
    EXPECT_EQ(status.code(), c.code) << c.sqlstate << ": " << status;
  }
  // And the pool still works afterwards.
  EXPECT_TRUE(QueryInt(*pool, "SELECT 1").ok());
}

TEST_F(PostgresPoolTest, ErrorStatusFromCallerRollsBack) {
  auto pool = MakePool(Options());
  ASSERT_NE(pool, nullptr);
  ASSERT_TRUE(Exec(*pool, "CREATE TABLE notes (id int)").ok());
  absl::Status status = pool->WithTransaction([](pqxx::work& txn) {
    txn.exec("INSERT INTO notes VALUES (1)");
    return absl::InvalidArgumentError("changed my mind");
  });
  EXPECT_EQ(status, absl::InvalidArgumentError("changed my mind"));
  absl::StatusOr<int> rows = QueryInt(*pool, "SELECT count(*) FROM notes");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, 0);
}

TEST_F(PostgresPoolTest, ExceptionsNeverEscape) {
  auto pool = MakePool(Options());
  ASSERT_NE(pool, nullptr);
  absl::Status thrown = pool->WithTransaction(
      [](pqxx::work&) -> absl::Status { throw std::runtime_error("caller bug"); });
  EXPECT_EQ(thrown.code(), absl::StatusCode::kInternal) << thrown;
  absl::StatusOr<int> conversion = QueryInt(*pool, "SELECT 'abc'");
  EXPECT_EQ(conversion.status().code(), absl::StatusCode::kInternal) << conversion.status();
  absl::Status syntax = Exec(*pool, "SELEKT 1");
  EXPECT_EQ(syntax.code(), absl::StatusCode::kInternal) << syntax;
  absl::Status other = pool->WithConnection([](pqxx::connection&) {
    throw 42;
    return absl::OkStatus();
  });
  EXPECT_EQ(other.code(), absl::StatusCode::kInternal) << other;
  EXPECT_TRUE(QueryInt(*pool, "SELECT 1").ok());
}

TEST_F(PostgresPoolTest, StatementTimeoutIsDeadlineExceeded) {
  PostgresOptions options = Options(/*pool_size=*/1);
  options.statement_timeout = absl::Milliseconds(200);
  auto pool = MakePool(options);
  ASSERT_NE(pool, nullptr);
  absl::Time start = absl::Now();
  absl::Status slow = Exec(*pool, "SELECT pg_sleep(30)");
  absl::Duration took = absl::Now() - start;
  EXPECT_EQ(slow.code(), absl::StatusCode::kDeadlineExceeded) << slow;
  EXPECT_LT(took, absl::Seconds(10));
  // The same (only) connection is still good.
  absl::StatusOr<int> after = QueryInt(*pool, "SELECT 7");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, 7);
}

TEST_F(PostgresPoolTest, ExhaustedPoolFailsAfterBoundedWait) {
  PostgresOptions options = Options(/*pool_size=*/1);
  options.acquire_timeout = absl::Milliseconds(300);
  CountingObserver observer;
  auto pool = MakePool(options, &observer);
  ASSERT_NE(pool, nullptr);
  absl::Notification held, release;
  std::thread holder([&] {
    absl::Status s = pool->WithConnection([&](pqxx::connection&) {
      held.Notify();
      release.WaitForNotification();
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
  });
  held.WaitForNotification();
  absl::Time start = absl::Now();
  absl::StatusOr<int> starved = QueryInt(*pool, "SELECT 1");
  absl::Duration waited = absl::Now() - start;
  EXPECT_EQ(starved.status().code(), absl::StatusCode::kDeadlineExceeded) << starved.status();
  EXPECT_GE(waited, absl::Milliseconds(250));
  EXPECT_LT(waited, absl::Seconds(3));
  EXPECT_EQ(observer.wait_timeouts, 1);
  EXPECT_EQ(pool->GetStats().open, 1);
  release.Notify();
  holder.join();
  EXPECT_TRUE(QueryInt(*pool, "SELECT 1").ok());
}

TEST_F(PostgresPoolTest, WaiterGetsConnectionFreedDuringItsWait) {
  PostgresOptions options = Options(/*pool_size=*/1);
  options.acquire_timeout = absl::Seconds(20);
  auto pool = MakePool(options);
  ASSERT_NE(pool, nullptr);
  absl::Notification held, release;
  std::thread holder([&] {
    EXPECT_TRUE(pool->WithConnection([&](pqxx::connection&) {
                      held.Notify();
                      release.WaitForNotification();
                      return absl::OkStatus();
                    })
                    .ok());
  });
  held.WaitForNotification();
  absl::StatusOr<int> waiter_result;
  std::thread waiter([&] { waiter_result = QueryInt(*pool, "SELECT 5"); });
  ASSERT_TRUE(WaitUntil([&] { return pool->GetStats().waiting == 1; }, absl::Seconds(10)));
  absl::Time released = absl::Now();
  release.Notify();
  waiter.join();
  holder.join();
  ASSERT_TRUE(waiter_result.ok()) << waiter_result.status();
  EXPECT_EQ(*waiter_result, 5);
  EXPECT_LT(absl::Now() - released, absl::Seconds(5));
}

TEST_F(PostgresPoolTest, TerminatedBackendIsReplacedOnNextCall) {
  CountingObserver observer;
  auto pool = MakePool(Options(/*pool_size=*/1), &observer);
  auto admin = MakePool(Options(/*pool_size=*/1));
  ASSERT_NE(pool, nullptr);
  ASSERT_NE(admin, nullptr);
  absl::StatusOr<int> pid = QueryInt(*pool, "SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok()) << pid.status();
  absl::StatusOr<int> terminated =
      QueryInt(*admin, absl::StrCat("SELECT pg_terminate_backend(", *pid, ")::int"));
  ASSERT_TRUE(terminated.ok()) << terminated.status();
  ASSERT_EQ(*terminated, 1);
  ASSERT_TRUE(WaitUntil([&] { return ProcessGone(*pid); }, absl::Seconds(10)));

  absl::StatusOr<int> new_pid = QueryInt(*pool, "SELECT pg_backend_pid()");
  ASSERT_TRUE(new_pid.ok()) << new_pid.status();
  EXPECT_NE(*new_pid, *pid);
  EXPECT_EQ(observer.discarded, 1);
  EXPECT_EQ(observer.connects, 2);
}

TEST_F(PostgresPoolTest, KilledServerIsUnavailableNotAHang) {
  auto own = PostgresServer::Start();
  ASSERT_TRUE(own.ok()) << own.status();
  PostgresServer& server = **own;
  PostgresOptions options = Options(/*pool_size=*/2);
  options.url = server.url();
  auto pool = MakePool(options);
  ASSERT_NE(pool, nullptr);
  absl::StatusOr<int> pid = QueryInt(*pool, "SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok()) << pid.status();

  server.Kill();
  // Backends exit once they notice the postmaster is gone.
  ASSERT_TRUE(WaitUntil([&] { return ProcessGone(*pid); }, absl::Seconds(10)));
  absl::Time start = absl::Now();
  absl::StatusOr<int> down = QueryInt(*pool, "SELECT 1");
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable) << down.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  auto second_pool = PostgresPool::Create(options);
  EXPECT_EQ(second_pool.status().code(), absl::StatusCode::kUnavailable);

  absl::Status restarted = server.Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;
  absl::StatusOr<int> up = QueryInt(*pool, "SELECT 3");
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_EQ(*up, 3);
}

TEST_F(PostgresPoolTest, EightThreadsShareThePool) {
  CountingObserver observer;
  auto pool = MakePool(Options(/*pool_size=*/4), &observer);
  ASSERT_NE(pool, nullptr);
  ASSERT_TRUE(Exec(*pool,
                   "CREATE TABLE counter (n int NOT NULL);"
                   "INSERT INTO counter VALUES (0)")
                  .ok());
  constexpr int kThreads = 8;
  constexpr int kIncrements = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        absl::StatusOr<int> n = QueryInt(*pool, "UPDATE counter SET n = n + 1 RETURNING n");
        if (!n.ok()) {
          ADD_FAILURE() << n.status();
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  absl::StatusOr<int> total = QueryInt(*pool, "SELECT n FROM counter");
  ASSERT_TRUE(total.ok()) << total.status();
  EXPECT_EQ(*total, kThreads * kIncrements);
  PostgresPool::Stats stats = pool->GetStats();
  EXPECT_LE(stats.open, 4);
  EXPECT_EQ(stats.idle, stats.open);
  EXPECT_EQ(stats.waiting, 0);
  EXPECT_LE(observer.connects, 4);
  EXPECT_EQ(observer.errors, 0);
  EXPECT_EQ(observer.queries, kThreads * kIncrements + 2);
}

TEST_F(PostgresPoolTest, PasswordNeverAppearsInErrors) {
  const std::string kPassword = "S3cret-Pa55word";
  PostgresOptions options = Options();
  // Nothing listens there.
  options.url = absl::StrCat("postgresql://postgres:", kPassword,
                             "@127.0.0.1:", codingahead::testing::PickFreePort(), "/postgres");
  auto refused = PostgresPool::Create(options);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << refused.status();
  EXPECT_THAT(refused.status().ToString(), Not(HasSubstr(kPassword)));
  EXPECT_THAT(refused.status().message(), HasSubstr("127.0.0.1"));

  // A role that does not exist, in key=value form.
  options.url = absl::StrCat("host=127.0.0.1 port=", server_->port(),
                             " user=nobody password=", kPassword, " dbname=postgres");
  auto rejected = PostgresPool::Create(options);
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kUnavailable) << rejected.status();
  EXPECT_THAT(rejected.status().ToString(), Not(HasSubstr(kPassword)));

  EXPECT_EQ(DescribePostgresUrl(
                absl::StrCat("postgresql://ann:", kPassword, "@db.internal:5433/accounts")),
            "ann@db.internal:5433/accounts");
  EXPECT_EQ(StatusFromPostgresException(
                pqxx::sql_error(absl::StrCat("ERROR:  saw ", kPassword), "", "42000"), kPassword)
                .message(),
            "postgres 42000: saw ***");
}

TEST_F(PostgresPoolTest, CreateRejectsBadOptions) {
  PostgresOptions options = Options();
  options.pool_size = 0;
  EXPECT_EQ(PostgresPool::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options = Options();
  options.url = "postgresql://127.0.0.1:5432/db?no_such_option=1";
  EXPECT_EQ(PostgresPool::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.url = "";
  EXPECT_EQ(PostgresPool::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PostgresPoolTest, StatementTimeoutIsSetOnEveryConnection) {
  PostgresOptions options = Options(/*pool_size=*/2);
  options.statement_timeout = absl::Milliseconds(1500);
  options.application_name = "pool_test";
  auto pool = MakePool(options);
  ASSERT_NE(pool, nullptr);
  absl::Notification held, release;
  std::thread holder([&] {
    EXPECT_TRUE(pool->WithConnection([&](pqxx::connection&) {
                      held.Notify();
                      release.WaitForNotification();
                      return absl::OkStatus();
                    })
                    .ok());
  });
  held.WaitForNotification();
  // Runs on the second connection, opened on demand.
  absl::StatusOr<std::string> settings =
      pool->WithTransaction([](pqxx::work& txn) -> absl::StatusOr<std::string> {
        return absl::StrCat(txn.exec1("SHOW statement_timeout")[0].as<std::string>(), " ",
                            txn.exec1("SHOW application_name")[0].as<std::string>());
      });
  release.Notify();
  holder.join();
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(*settings, "1500ms pool_test");
  EXPECT_EQ(pool->GetStats().open, 2);
}

}  // namespace
}  // namespace codingahead::common
