#include "common/postgres/postgres_pool.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cmath>
#include <new>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace codingahead::common {
namespace {

// libpq's parsed connection options, freed on scope exit.
class ConnInfo {
 public:
  explicit ConnInfo(const std::string& url) {
    char* error = nullptr;
    options_ = PQconninfoParse(url.c_str(), &error);
    if (error != nullptr) {
      error_ = error;
      PQfreemem(error);
    }
  }
  ~ConnInfo() {
    if (options_ != nullptr) PQconninfoFree(options_);
  }
  ConnInfo(const ConnInfo&) = delete;
  ConnInfo& operator=(const ConnInfo&) = delete;

  bool ok() const { return options_ != nullptr; }
  const std::string& error() const { return error_; }
  // The option's value, or "" when unset.
  std::string Get(absl::string_view keyword) const {
    if (options_ == nullptr) return "";
    for (PQconninfoOption* o = options_; o->keyword != nullptr; ++o) {
      if (keyword == o->keyword && o->val != nullptr) return o->val;
    }
    return "";
  }

 private:
  PQconninfoOption* options_ = nullptr;
  std::string error_;
};

std::string Mask(std::string text, const std::string& secret) {
  if (!secret.empty()) absl::StrReplaceAll({{secret, "***"}}, &text);
  return text;
}

bool IsUri(absl::string_view url) {
  return absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://");
}

// Appends keyword=value (a plain value: letters, digits, '_', '-').
void AppendOption(std::string& url, absl::string_view keyword, absl::string_view value) {
  if (IsUri(url)) {
    absl::StrAppend(&url, absl::StrContains(url, '?') ? "&" : "?", keyword, "=", value);
  } else {
    absl::StrAppend(&url, url.empty() ? "" : " ", keyword, "=", value);
  }
}

absl::StatusCode CodeForSqlState(const std::string& state) {
  if (state == "23505") return absl::StatusCode::kAlreadyExists;
  if (absl::StartsWith(state, "40")) return absl::StatusCode::kAborted;
  if (state == "57014") return absl::StatusCode::kDeadlineExceeded;
  if (absl::StartsWith(state, "08") || state == "57P01" || state == "57P02" || state == "57P03" ||
      state == "53300") {
    return absl::StatusCode::kUnavailable;
  }
  return absl::StatusCode::kInternal;
}

bool ConnectionLost(const std::exception& e) {
  return dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
         dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr;
}

// Whether an idle connection is still usable. An idle session has nothing to
// read: data there is a terminated backend's FATAL error and end of file (or,
// harmlessly, a notice). Let libpq consume it once; anything still pending
// after that means the server is closing the session.
bool StillOpen(pqxx::connection& connection) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!connection.is_open() || connection.sock() < 0) return false;
    pollfd readable{connection.sock(), POLLIN, 0};
    int ready = poll(&readable, 1, /*timeout=*/0);
    if (ready == 0) return true;
    if (ready < 0 || (readable.revents & (POLLERR | POLLHUP | POLLNVAL)) || attempt > 0) {
      return false;
    }
    try {
      connection.get_notifs();  // reads and parses what is pending
    } catch (...) {
      return false;
    }
  }
  return false;
}

}  // namespace

absl::Status StatusFromPostgresException(const std::exception& e, const std::string& secret) {
  absl::string_view what = e.what();
  absl::string_view first_line = what.substr(0, what.find('\n'));
  for (absl::string_view prefix : {"ERROR:", "FATAL:", "PANIC:"}) {
    if (absl::ConsumePrefix(&first_line, prefix)) break;
  }
  first_line = absl::StripAsciiWhitespace(first_line);

  std::string sqlstate;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    sqlstate = sql->sqlstate();
  }
  absl::StatusCode code = absl::StatusCode::kInternal;
  std::string note;
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    code = absl::StatusCode::kUnavailable;
    note = " (connection lost during commit: outcome unknown)";
  } else if (ConnectionLost(e)) {
    code = absl::StatusCode::kUnavailable;
  } else if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    // libpqxx 6.4 throws these for SQLSTATE class 40 without the SQLSTATE.
    code = absl::StatusCode::kAborted;
  } else if (!sqlstate.empty()) {
    code = CodeForSqlState(sqlstate);
  } else if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) {
    code = absl::StatusCode::kResourceExhausted;
  }
  std::string message = absl::StrCat("postgres", sqlstate.empty() ? "" : " ", sqlstate, ": ",
                                     first_line.empty() ? "error" : first_line, note);
  return absl::Status(code, Mask(std::move(message), secret));
}

std::string DescribePostgresUrl(const std::string& url) {
  ConnInfo info(url);
  if (!info.ok()) return "(unparsable PostgreSQL URL)";
  std::string host = info.Get("host");
  if (host.empty()) host = info.Get("hostaddr");
  std::string user = info.Get("user");
  std::string port = info.Get("port");
  return absl::StrCat(user, user.empty() ? "" : "@", host.empty() ? "(default host)" : host,
                      port.empty() ? "" : ":", port, "/", info.Get("dbname"));
}

// ---------------------------------------------------------------------------
// Lease

PostgresPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      connection_(std::move(other.connection_)),
      broken_(other.broken_) {}

PostgresPool::Lease& PostgresPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::move(other.connection_);
    broken_ = other.broken_;
  }
  return *this;
}

PostgresPool::Lease::~Lease() { Release(); }

void PostgresPool::Lease::Release() {
  if (pool_ != nullptr && connection_ != nullptr) {
    pool_->Return(std::move(connection_), broken_);
  }
  pool_ = nullptr;
  connection_.reset();
}

// ---------------------------------------------------------------------------
// PostgresPool

absl::StatusOr<std::unique_ptr<PostgresPool>> PostgresPool::Create(PostgresOptions options,
                                                                   PostgresObserver* observer) {
  if (options.url.empty()) {
    return absl::InvalidArgumentError("PostgreSQL URL is empty");
  }
  if (options.pool_size < 1) {
    return absl::InvalidArgumentError("PostgreSQL pool_size must be >= 1");
  }
  if (options.connect_timeout < absl::ZeroDuration() ||
      options.statement_timeout < absl::ZeroDuration() ||
      options.acquire_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("PostgreSQL timeouts must be >= 0");
  }
  std::unique_ptr<PostgresPool> pool(new PostgresPool(std::move(options), observer));
  ConnInfo info(pool->options_.url);
  if (!info.ok()) {
    // libpq's message names the bad part, not the password; mask it anyway.
    return absl::InvalidArgumentError(
        absl::StrCat("bad PostgreSQL URL: ", absl::StripAsciiWhitespace(info.error())));
  }
  pool->password_ = info.Get("password");
  pool->description_ = DescribePostgresUrl(pool->options_.url);
  pool->connection_string_ = pool->options_.url;
  if (info.Get("connect_timeout").empty() &&
      pool->options_.connect_timeout > absl::ZeroDuration()) {
    int64_t seconds =
        static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(pool->options_.connect_timeout)));
    AppendOption(pool->connection_string_, "connect_timeout",
                 absl::StrCat(std::max<int64_t>(seconds, 2)));
  }
  if (info.Get("application_name").empty() && !pool->options_.application_name.empty()) {
    AppendOption(pool->connection_string_, "application_name", pool->options_.application_name);
  }

  // One connection now, so that a wrong URL or a server that is down fails
  // the start rather than the first request.
  {
    absl::StatusOr<Lease> lease = pool->Borrow();
    if (!lease.ok()) return lease.status();
  }  // the connection goes back to the pool
  return pool;
}

PostgresPool::PostgresPool(PostgresOptions options, PostgresObserver* observer)
    : options_(std::move(options)), observer_(observer) {}

PostgresPool::~PostgresPool() {
  std::vector<std::unique_ptr<pqxx::connection>> idle;
  {
    absl::MutexLock lock(&mu_);
    idle.swap(idle_);
  }
}

std::string PostgresPool::StatementTimeoutSetting() const {
  return absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(options_.statement_timeout)));
}

bool PostgresPool::CanBorrow() const { return !idle_.empty() || open_ < options_.pool_size; }

PostgresPool::Stats PostgresPool::GetStats() const {
  absl::MutexLock lock(&mu_);
  Stats stats;
  stats.open = open_;
  stats.idle = static_cast<int>(idle_.size());
  stats.waiting = waiting_;
  return stats;
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> PostgresPool::Connect() {
  absl::Time start = absl::Now();
  absl::Status status;
  std::unique_ptr<pqxx::connection> connection;
  try {
    connection = std::make_unique<pqxx::connection>(connection_string_);
    if (options_.statement_timeout > absl::ZeroDuration()) {
      // Through set_variable, so that libpqxx restores it should it ever
      // reconnect this object by itself.
      connection->set_variable("statement_timeout", StatementTimeoutSetting());
    }
  } catch (const std::exception& e) {
    status = StatusFromPostgresException(e, password_);
    status = absl::Status(
        status.code() == absl::StatusCode::kInternal ? absl::StatusCode::kUnavailable
                                                     : status.code(),
        absl::StrCat("cannot connect to PostgreSQL ", description_, ": ", status.message()));
    connection.reset();
  }
  if (observer_ != nullptr) {
    observer_->OnConnect(status.code(), absl::Now() - start);
  }
  if (!status.ok()) return status;
  return connection;
}

absl::StatusOr<PostgresPool::Lease> PostgresPool::Borrow() {
  absl::Time start = absl::Now();
  std::unique_ptr<pqxx::connection> connection;
  bool acquired = false;
  {
    absl::MutexLock lock(&mu_);
    ++waiting_;
    acquired = mu_.AwaitWithTimeout(absl::Condition(this, &PostgresPool::CanBorrow),
                                    options_.acquire_timeout);
    --waiting_;
    if (acquired) {
      if (!idle_.empty()) {
        connection = std::move(idle_.back());
        idle_.pop_back();
      } else {
        ++open_;  // this caller opens a new one below
      }
    }
  }
  if (observer_ != nullptr) observer_->OnPoolWait(absl::Now() - start, acquired);
  if (!acquired) {
    return absl::DeadlineExceededError(absl::StrCat("no free PostgreSQL connection within ",
                                                    absl::FormatDuration(options_.acquire_timeout),
                                                    " (all ", options_.pool_size, " in use)"));
  }
  if (connection != nullptr && !StillOpen(*connection)) {
    connection.reset();  // its slot is reused for a new connection
    if (observer_ != nullptr) observer_->OnConnectionDiscarded();
  }
  if (connection == nullptr) {
    absl::StatusOr<std::unique_ptr<pqxx::connection>> made = Connect();
    if (!made.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
      return made.status();
    }
    connection = *std::move(made);
  }
  return Lease(this, std::move(connection));
}

void PostgresPool::Return(std::unique_ptr<pqxx::connection> connection, bool broken) {
  if (!broken && connection->is_open()) {
    absl::MutexLock lock(&mu_);
    idle_.push_back(std::move(connection));
    return;
  }
  connection.reset();  // closes outside the lock
  if (observer_ != nullptr) observer_->OnConnectionDiscarded();
  absl::MutexLock lock(&mu_);
  --open_;
}

absl::Status PostgresPool::Run(absl::FunctionRef<absl::Status(pqxx::connection&)> body) {
  absl::StatusOr<Lease> lease = Borrow();
  if (!lease.ok()) return lease.status();
  absl::Time start = absl::Now();
  absl::Status status;
  try {
    status = body(lease->connection());
  } catch (const std::exception& e) {
    status = StatusFromPostgresException(e, password_);
    if (ConnectionLost(e)) lease->MarkBroken();
  } catch (...) {
    status = absl::InternalError("postgres: unknown exception");
  }
  if (observer_ != nullptr) observer_->OnQuery(status.code(), absl::Now() - start);
  return status;
}

}  // namespace codingahead::common
