#ifndef CODINGAHEAD_COMMON_POSTGRES_POSTGRES_POOL_H_
#define CODINGAHEAD_COMMON_POSTGRES_POSTGRES_POOL_H_

#include <exception>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

// A PostgreSQL client over libpqxx 6.4: a bounded connection pool, exception
// to status mapping, and transaction helpers.
//
// EVERY CALL HERE BLOCKS on the network (and on the pool's wait for a free
// connection). Call it from store threads or a worker pool, never from a gRPC
// callback (reactor) thread.

namespace codingahead::common {

struct PostgresOptions {
  // libpq URI (postgresql://user[:password]@host:port/db?...) or key=value
  // string. May hold a password: it is never logged nor put in a status.
  std::string url;
  // Most connections open at once.
  int pool_size = 8;
  // libpq connect_timeout (whole seconds, at least 2, rounded up).
  absl::Duration connect_timeout = absl::Seconds(5);
  // SET statement_timeout on every connection; zero means no limit.
  absl::Duration statement_timeout = absl::Seconds(5);
  // How long a call waits for a free connection before DeadlineExceeded.
  absl::Duration acquire_timeout = absl::Seconds(2);
  // Shown in pg_stat_activity, unless the URL sets one.
  std::string application_name = "codingahead";
};

// Metrics hook (e.g. codingahead_postgres_* in Prometheus). Called from the
// calling threads, concurrently: implementations must be thread-safe and
// quick. Every method has an empty default.
class PostgresObserver {
 public:
  virtual ~PostgresObserver() = default;
  // One per WithConnection/WithTransaction call that got a connection: its
  // outcome (an error when not OK) and the time it held the connection.
  virtual void OnQuery(absl::StatusCode code, absl::Duration latency) {}
  // One per borrow: the wait for a pool slot; `acquired` is false when the
  // wait ran out (the call then fails with DeadlineExceeded).
  virtual void OnPoolWait(absl::Duration wait, bool acquired) {}
  // One per attempt to open a connection.
  virtual void OnConnect(absl::StatusCode code, absl::Duration latency) {}
  // A broken connection was dropped from the pool.
  virtual void OnConnectionDiscarded() {}
};

// Maps a libpqxx (or other) exception to a status:
//   pqxx::broken_connection, in_doubt_error, SQLSTATE class 08 and
//   57P01..57P03 (server shutting down)            -> Unavailable
//   unique violation (23505)                       -> AlreadyExists
//   serialization failure, deadlock (40001, 40P01) -> Aborted
//   statement timeout / cancel (57014)             -> DeadlineExceeded
//   anything else                                  -> Internal
// The message keeps the first line of the server's error (no DETAIL with row
// values) and the SQLSTATE; every occurrence of `secret` is masked.
absl::Status StatusFromPostgresException(const std::exception& e, const std::string& secret = "");

// "user@host:port/db" for messages: never the password.
std::string DescribePostgresUrl(const std::string& url);

// A fixed-size pool of pqxx connections. Thread-safe. Connections are opened
// on demand up to pool_size; a caller waits at most acquire_timeout for one.
// A connection found broken (at borrow, or after a failed call) is dropped and
// a new one opened on the next borrow; calls are never retried here.
class PostgresPool {
 public:
  // Validates the options and opens one connection (so a bad URL or a server
  // that is down shows at start-up). `observer` may be null; when set it must
  // outlive the pool.
  static absl::StatusOr<std::unique_ptr<PostgresPool>> Create(PostgresOptions options,
                                                              PostgresObserver* observer = nullptr);

  PostgresPool(const PostgresPool&) = delete;
  PostgresPool& operator=(const PostgresPool&) = delete;
  // Every Lease must have been returned.
  ~PostgresPool();

  // A borrowed connection, returned to the pool by the destructor.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    pqxx::connection& connection() { return *connection_; }
    // The connection must not be reused (a session state could not be
    // restored, a lock could not be released): it is closed on return.
    void MarkBroken() { broken_ = true; }

   private:
    friend class PostgresPool;
    Lease(PostgresPool* pool, std::unique_ptr<pqxx::connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    void Release();

    PostgresPool* pool_ = nullptr;
    std::unique_ptr<pqxx::connection> connection_;
    bool broken_ = false;
  };

  // Waits up to acquire_timeout for a connection: DeadlineExceeded when none
  // frees up, Unavailable when a new connection cannot be opened. Prefer
  // WithConnection/WithTransaction, which also map exceptions.
  absl::StatusOr<Lease> Borrow();

  // Runs `fn(pqxx::connection&)`, which returns absl::Status or
  // absl::StatusOr<T>, on a borrowed connection. Exceptions thrown by `fn` are
  // caught and mapped by StatusFromPostgresException; none escapes.
  template <typename Fn>
  std::invoke_result_t<Fn&, pqxx::connection&> WithConnection(Fn&& fn);

  // Runs `fn(pqxx::work&)`, which returns absl::Status or absl::StatusOr<T>,
  // in a READ COMMITTED transaction: committed when `fn` returns OK, rolled
  // back when it returns an error or throws. Exceptions are mapped as above.
  // Aborted (serialization failure, deadlock) is the caller's to retry.
  template <typename Fn>
  std::invoke_result_t<Fn&, pqxx::work&> WithTransaction(Fn&& fn);

  struct Stats {
    int open = 0;     // connections open or being opened
    int idle = 0;     // of which idle in the pool
    int waiting = 0;  // callers waiting for a connection
  };
  Stats GetStats() const;

  const PostgresOptions& options() const { return options_; }
  // SET statement_timeout value (milliseconds) for the options.
  std::string StatementTimeoutSetting() const;

 private:
  PostgresPool(PostgresOptions options, PostgresObserver* observer);

  // Opens and configures a connection.
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Connect();
  void Return(std::unique_ptr<pqxx::connection> connection, bool broken);
  bool CanBorrow() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Borrows, runs `body`, maps exceptions, reports to the observer.
  absl::Status Run(absl::FunctionRef<absl::Status(pqxx::connection&)> body);

  const PostgresOptions options_;
  PostgresObserver* const observer_;
  std::string connection_string_;
  std::string password_;     // only to mask it in messages
  std::string description_;  // DescribePostgresUrl(url)

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
};

namespace postgres_internal {
inline const absl::Status& StatusOf(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}
template <typename R>
inline constexpr bool kIsStatusResult = std::is_same_v<R, absl::Status>;
template <typename T>
inline constexpr bool kIsStatusResult<absl::StatusOr<T>> = true;
}  // namespace postgres_internal

template <typename Fn>
std::invoke_result_t<Fn&, pqxx::connection&> PostgresPool::WithConnection(Fn&& fn) {
  using R = std::invoke_result_t<Fn&, pqxx::connection&>;
  static_assert(postgres_internal::kIsStatusResult<R>,
                "fn must return absl::Status or absl::StatusOr<T>");
  std::optional<R> result;
  absl::Status status = Run([&](pqxx::connection& c) -> absl::Status {
    result.emplace(fn(c));
    return postgres_internal::StatusOf(*result);
  });
  if (!status.ok()) return status;
  return *std::move(result);
}

template <typename Fn>
std::invoke_result_t<Fn&, pqxx::work&> PostgresPool::WithTransaction(Fn&& fn) {
  using R = std::invoke_result_t<Fn&, pqxx::work&>;
  static_assert(postgres_internal::kIsStatusResult<R>,
                "fn must return absl::Status or absl::StatusOr<T>");
  return WithConnection([&](pqxx::connection& c) -> R {
    pqxx::work txn(c);
    R result = fn(txn);
    if (postgres_internal::StatusOf(result).ok()) txn.commit();
    return result;  // not committed: the destructor rolls back
  });
}

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_POSTGRES_POSTGRES_POOL_H_
