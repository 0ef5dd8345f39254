#include "common/redis/redis_client.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/redis/hiredis_util.h"

namespace codingahead::common {
namespace {

// When a wait must end, and whether it is the caller's deadline (a timeout
// is then kDeadlineExceeded) or one of our own timeouts (kUnavailable).
struct Budget {
  absl::Time when;
  bool callers = false;
};

Budget Within(absl::Time own, absl::Time callers) {
  if (callers < own) return Budget{callers, true};
  return Budget{own, false};
}

// Blocks SIGPIPE on this thread while hiredis writes (it uses write(), not
// send(MSG_NOSIGNAL)), and swallows a SIGPIPE the write raised. Changing the
// process-wide disposition would be a hidden global side effect.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~ScopedSigpipeBlock() {
    if (!was_pending_) {
      sigset_t pending;
      sigemptyset(&pending);
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        struct timespec zero = {0, 0};
        sigtimedwait(&pipe_, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

using redis_internal::Convert;
using redis_internal::IsAvailabilityError;

std::string Upper(absl::string_view s) {
  return absl::AsciiStrToUpper(s.substr(0, std::min<size_t>(s.size(), 32)));
}

}  // namespace

// One hiredis connection, used by one thread at a time. The socket is
// non-blocking; every wait is a poll() bounded by a Budget.
class RedisClient::Connection {
 public:
  ~Connection() {
    if (context_ != nullptr) redisFree(context_);
  }

  static absl::StatusOr<std::unique_ptr<Connection>> Open(const RedisEndpoint& endpoint,
                                                          const std::string& password,
                                                          const Budget& connect, const Budget& io) {
    std::unique_ptr<Connection> connection(new Connection(endpoint.Address()));
    redisContext* c = redisConnectNonBlock(endpoint.host.c_str(), endpoint.port);
    if (c == nullptr) {
      return absl::ResourceExhaustedError("redis: out of memory");
    }
    connection->context_ = c;
    if (c->err != 0) return connection->Failure("connecting");
    if (absl::Status s = connection->WaitFor(POLLOUT, connect, "connecting"); !s.ok()) {
      return s;
    }
    int error = 0;
    socklen_t length = sizeof(error);
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
      error = errno;
    }
    if (error != 0) {
      return absl::UnavailableError(
          absl::StrCat("redis ", connection->address_, ": connecting: ", strerror(error)));
    }
    redisEnableKeepAlive(c);

    std::vector<std::vector<std::string>> handshake;
    if (!password.empty()) {
      if (endpoint.username.empty()) {
        handshake.push_back({"AUTH", password});
      } else {
        handshake.push_back({"AUTH", endpoint.username, password});
      }
    }
    if (endpoint.db != 0) {
      handshake.push_back({"SELECT", absl::StrCat(endpoint.db)});
    }
    if (handshake.empty()) return connection;
    std::vector<absl::Span<const std::string>> commands(handshake.begin(), handshake.end());
    absl::StatusOr<std::vector<RedisReply>> replies = connection->RoundTrip(commands, io);
    if (!replies.ok()) return replies.status();
    for (size_t i = 0; i < replies->size(); ++i) {
      const RedisReply& reply = (*replies)[i];
      if (reply.is_error()) {
        // The reply text never contains the password.
        return absl::UnavailableError(absl::StrCat("redis ", connection->address_, ": ",
                                                   handshake[i][0], " refused: ", reply.str()));
      }
    }
    return connection;
  }

  // False if the server closed the connection (or sent something nobody
  // asked for) while it sat idle in the pool. No round trip.
  bool LooksIdleAndAlive() const {
    if (broken_ || context_ == nullptr || context_->err != 0) return false;
    struct pollfd p = {context_->fd, POLLIN, 0};
    int r = poll(&p, 1, 0);
    return r == 0;
  }

  bool broken() const { return broken_; }
  void MarkBroken() { broken_ = true; }

  // Writes all commands at once, then reads one reply per command.
  absl::StatusOr<std::vector<RedisReply>> RoundTrip(
      absl::Span<const absl::Span<const std::string>> commands, const Budget& budget) {
    for (absl::Span<const std::string> args : commands) {
      std::vector<const char*> argv;
      std::vector<size_t> lengths;
      argv.reserve(args.size());
      lengths.reserve(args.size());
      for (const std::string& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
      }
      if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(),
                                 lengths.data()) != REDIS_OK) {
        return Failure("formatting a command");
      }
    }
    int done = 0;
    while (!done) {
      if (absl::Status s = WaitFor(POLLOUT, budget, "sending"); !s.ok()) {
        return s;
      }
      ScopedSigpipeBlock no_sigpipe;
      if (redisBufferWrite(context_, &done) != REDIS_OK) {
        return Failure("sending");
      }
    }
    std::vector<RedisReply> replies;
    replies.reserve(commands.size());
    while (replies.size() < commands.size()) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(context_, &raw) != REDIS_OK) {
        return Failure("reading a reply");
      }
      if (raw != nullptr) {
        replies.push_back(Convert(static_cast<redisReply*>(raw)));
        freeReplyObject(raw);
        continue;
      }
      if (absl::Status s = WaitFor(POLLIN, budget, "waiting for a reply"); !s.ok()) {
        return s;
      }
      if (redisBufferRead(context_) != REDIS_OK) {
        return Failure("reading a reply");
      }
    }
    return replies;
  }

 private:
  explicit Connection(std::string address) : address_(std::move(address)) {}

  absl::Status Failure(absl::string_view what) {
    broken_ = true;
    const char* why =
        context_ != nullptr && context_->err != 0 ? context_->errstr : "connection error";
    return absl::UnavailableError(absl::StrCat("redis ", address_, ": ", what, ": ", why));
  }

  // Waits until the socket is ready for `events`; a timeout breaks the
  // connection (a late reply would be read as the next call's).
  absl::Status WaitFor(short events, const Budget& budget, absl::string_view what) {
    while (true) {
      absl::Duration left = budget.when - absl::Now();
      if (left <= absl::ZeroDuration()) {
        broken_ = true;
        if (budget.callers) {
          return absl::DeadlineExceededError(
              absl::StrCat("redis ", address_, ": deadline exceeded while ", what));
        }
        return absl::UnavailableError(absl::StrCat("redis ", address_, ": timed out while ", what));
      }
      int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1)));
      struct pollfd p = {context_->fd, events, 0};
      int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, INT_MAX)));
      if (r > 0) return absl::OkStatus();  // errors show in the next I/O
      if (r < 0 && errno != EINTR) {
        broken_ = true;
        return absl::UnavailableError(
            absl::StrCat("redis ", address_, ": poll: ", strerror(errno)));
      }
    }
  }

  const std::string address_;
  redisContext* context_ = nullptr;
  bool broken_ = false;
};

absl::StatusOr<std::unique_ptr<RedisClient>> RedisClient::Create(RedisOptions options) {
  absl::StatusOr<RedisEndpoint> endpoint = ParseRedisUrl(options.url);
  if (!endpoint.ok()) return endpoint.status();
  if (!options.password.empty()) endpoint->password = options.password;
  if (options.pool_size < 1) {
    return absl::InvalidArgumentError("redis pool_size must be at least 1");
  }
  if (options.connect_timeout <= absl::ZeroDuration() ||
      options.command_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("redis timeouts must be positive");
  }
  return std::unique_ptr<RedisClient>(new RedisClient(std::move(options), *std::move(endpoint)));
}

RedisClient::RedisClient(RedisOptions options, RedisEndpoint endpoint)
    : options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      redacted_url_(endpoint_.RedactedUrl()) {}

RedisClient::~RedisClient() = default;

int RedisClient::open_connections() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

int RedisClient::idle_connections() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(idle_.size());
}

bool RedisClient::CanBorrowLocked() const { return !idle_.empty() || open_ < options_.pool_size; }

absl::StatusOr<std::unique_ptr<RedisClient::Connection>> RedisClient::Acquire(absl::Time start,
                                                                              absl::Time deadline) {
  const absl::Time end = start + options_.connect_timeout + options_.command_timeout;
  Budget wait = Within(std::min(end, start + options_.command_timeout), deadline);
  std::unique_ptr<Connection> connection;
  std::vector<std::unique_ptr<Connection>> dead;
  if (!mu_.LockWhenWithDeadline(absl::Condition(this, &RedisClient::CanBorrowLocked), wait.when)) {
    mu_.Unlock();
    if (wait.callers) {
      return absl::DeadlineExceededError(absl::StrCat(
          "redis ", endpoint_.Address(), ": deadline exceeded waiting for a free connection"));
    }
    return absl::UnavailableError(absl::StrCat("redis ", endpoint_.Address(), ": all ",
                                               options_.pool_size, " connections stayed busy for ",
                                               absl::FormatDuration(options_.command_timeout)));
  }
  while (!idle_.empty() && connection == nullptr) {
    std::unique_ptr<Connection> candidate = std::move(idle_.back());
    idle_.pop_back();
    if (candidate->LooksIdleAndAlive()) {
      connection = std::move(candidate);
    } else {
      dead.push_back(std::move(candidate));
      --open_;
    }
  }
  if (connection == nullptr) ++open_;  // the slot the new connection takes
  mu_.Unlock();
  dead.clear();  // closes sockets outside the lock
  if (connection != nullptr) return connection;

  absl::Time now = absl::Now();
  Budget connect = Within(std::min(end, now + options_.connect_timeout), deadline);
  Budget io =
      Within(std::min(end, now + options_.connect_timeout + options_.command_timeout), deadline);
  absl::StatusOr<std::unique_ptr<Connection>> opened =
      Connection::Open(endpoint_, endpoint_.password, connect, io);
  if (options_.observer != nullptr) {
    options_.observer->OnConnect(opened.status().code());
  }
  if (!opened.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
  }
  return opened;
}

void RedisClient::Release(std::unique_ptr<Connection> connection) {
  {
    absl::MutexLock lock(&mu_);
    if (!connection->broken()) {
      idle_.push_back(std::move(connection));
      return;
    }
    --open_;
  }
  connection.reset();  // a broken connection is closed outside the lock
}

template <typename Result, typename Body>
absl::StatusOr<Result> RedisClient::Run(absl::string_view operation, absl::Time deadline,
                                        Body body) {
  const absl::Time start = absl::Now();
  RedisOperationInfo info;
  info.operation = operation;
  absl::StatusOr<Result> result;
  absl::StatusOr<std::unique_ptr<Connection>> connection = Acquire(start, deadline);
  if (!connection.ok()) {
    result = connection.status();
  } else {
    absl::Time now = absl::Now();
    Budget io = Within(std::min(start + options_.connect_timeout + options_.command_timeout,
                                now + options_.command_timeout),
                       deadline);
    result = body(**connection, io, info);
    Release(*std::move(connection));
  }
  info.code = result.status().code();
  info.latency = absl::Now() - start;
  if (options_.observer != nullptr) options_.observer->OnOperation(info);
  return result;
}

absl::StatusOr<RedisReply> RedisClient::Command(absl::Span<const std::string> args,
                                                absl::Time deadline) {
  if (args.empty()) return absl::InvalidArgumentError("empty redis command");
  const std::string operation = Upper(args[0]);
  return Run<RedisReply>(operation, deadline,
                         [&](Connection& connection, const Budget& io,
                             RedisOperationInfo& info) -> absl::StatusOr<RedisReply> {
                           absl::Span<const std::string> one[] = {args};
                           absl::StatusOr<std::vector<RedisReply>> replies =
                               connection.RoundTrip(one, io);
                           if (!replies.ok()) return replies.status();
                           RedisReply& reply = replies->front();
                           info.error_reply = reply.is_error();
                           if (IsAvailabilityError(reply)) {
                             connection.MarkBroken();
                             return absl::UnavailableError(
                                 absl::StrCat("redis ", endpoint_.Address(), ": ", reply.str()));
                           }
                           return std::move(reply);
                         });
}

absl::StatusOr<std::vector<RedisReply>> RedisClient::Pipeline(
    absl::Span<const std::vector<std::string>> commands, absl::Time deadline) {
  if (commands.empty()) return std::vector<RedisReply>();
  std::vector<absl::Span<const std::string>> spans;
  spans.reserve(commands.size());
  for (const std::vector<std::string>& c : commands) {
    if (c.empty()) return absl::InvalidArgumentError("empty redis command");
    spans.emplace_back(c);
  }
  return Run<std::vector<RedisReply>>(
      "PIPELINE", deadline,
      [&](Connection& connection, const Budget& io,
          RedisOperationInfo& info) -> absl::StatusOr<std::vector<RedisReply>> {
        absl::StatusOr<std::vector<RedisReply>> replies = connection.RoundTrip(spans, io);
        if (!replies.ok()) return replies.status();
        for (const RedisReply& reply : *replies) {
          if (reply.is_error()) info.error_reply = true;
          if (IsAvailabilityError(reply)) {
            connection.MarkBroken();
            return absl::UnavailableError(
                absl::StrCat("redis ", endpoint_.Address(), ": ", reply.str()));
          }
        }
        return replies;
      });
}

absl::StatusOr<RedisReply> RedisClient::Eval(const RedisScript& script,
                                             absl::Span<const std::string> keys,
                                             absl::Span<const std::string> args,
                                             absl::Time deadline) {
  std::vector<std::string> evalsha;
  evalsha.reserve(3 + keys.size() + args.size());
  evalsha.push_back("EVALSHA");
  evalsha.push_back(script.sha());
  evalsha.push_back(absl::StrCat(keys.size()));
  evalsha.insert(evalsha.end(), keys.begin(), keys.end());
  evalsha.insert(evalsha.end(), args.begin(), args.end());
  return Run<RedisReply>("EVALSHA", deadline,
                         [&](Connection& connection, const Budget& io,
                             RedisOperationInfo& info) -> absl::StatusOr<RedisReply> {
                           absl::Span<const std::string> one[] = {evalsha};
                           absl::StatusOr<std::vector<RedisReply>> replies =
                               connection.RoundTrip(one, io);
                           if (!replies.ok()) return replies.status();
                           if (RedisErrorCode(replies->front()) == "NOSCRIPT") {
                             // Same arguments, with the source in place of the hash.
                             info.script_reloaded = true;
                             std::vector<std::string> eval = evalsha;
                             eval[0] = "EVAL";
                             eval[1] = script.source();
                             absl::Span<const std::string> again[] = {eval};
                             replies = connection.RoundTrip(again, io);
                             if (!replies.ok()) return replies.status();
                           }
                           RedisReply& reply = replies->front();
                           info.error_reply = reply.is_error();
                           if (IsAvailabilityError(reply)) {
                             connection.MarkBroken();
                             return absl::UnavailableError(
                                 absl::StrCat("redis ", endpoint_.Address(), ": ", reply.str()));
                           }
                           return std::move(reply);
                         });
}

absl::Status RedisClient::Ping(absl::Time deadline) {
  absl::StatusOr<RedisReply> reply = Command({"PING"}, deadline);
  if (!reply.ok()) return reply.status();
  if (!reply->is_status() || reply->str() != "PONG") {
    return absl::UnavailableError(
        absl::StrCat("redis ", endpoint_.Address(), ": PING answered ", reply->DebugString()));
  }
  return absl::OkStatus();
}

namespace {

// "key:value" lines of an INFO reply.
std::string InfoField(const RedisReply& info, absl::string_view key) {
  for (absl::string_view line : absl::StrSplit(info.str(), '\n')) {
    line = absl::StripTrailingAsciiWhitespace(line);
    if (absl::ConsumePrefix(&line, key) && absl::ConsumePrefix(&line, ":")) {
      return std::string(line);
    }
  }
  return "";
}

}  // namespace

absl::Status RedisClient::CheckServerConfig(absl::Time deadline) {
  absl::StatusOr<std::vector<RedisReply>> replies = Pipeline(
      {{"INFO", "memory"}, {"INFO", "persistence"}, {"CONFIG", "GET", "appendfsync"}}, deadline);
  if (!replies.ok()) return replies.status();
  const RedisReply& memory = (*replies)[0];
  const RedisReply& persistence = (*replies)[1];
  const RedisReply& fsync = (*replies)[2];
  if (!memory.is_string() || !persistence.is_string()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "redis ", redacted_url_, ": cannot read INFO to check the config: ", memory.DebugString(),
        " ", persistence.DebugString()));
  }
  std::vector<std::string> problems;
  std::string policy = InfoField(memory, "maxmemory_policy");
  if (policy != "noeviction") {
    problems.push_back(
        absl::StrCat("maxmemory-policy is '", policy,
                     "', need 'noeviction' (eviction would silently drop sessions and "
                     "view counts)"));
  }
  if (InfoField(persistence, "aof_enabled") != "1") {
    problems.push_back(
        "appendonly is off, need 'appendonly yes' with 'appendfsync "
        "everysec' (a crash would lose all data since the last snapshot)");
  }
  // CONFIG may be renamed away on managed servers; then this check is
  // skipped.
  if (fsync.is_array() && fsync.array().size() == 2 && fsync.array()[1].str() == "no") {
    problems.push_back(
        "appendfsync is 'no', need 'everysec' (or 'always') so a crash loses "
        "at most one second");
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("redis ", redacted_url_,
                   " is not configured for the platform: ", absl::StrJoin(problems, "; ")));
}

}  // namespace codingahead::common
