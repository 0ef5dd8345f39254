#ifndef CODINGAHEAD_COMMON_REDIS_REDIS_CLIENT_H_
#define CODINGAHEAD_COMMON_REDIS_REDIS_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/redis/redis_observer.h"
#include "common/redis/redis_reply.h"
#include "common/redis/redis_script.h"
#include "common/redis/redis_url.h"

namespace codingahead::common {

struct RedisOptions {
  // redis://[[user]:password@]host[:port][/db]; see redis_url.h.
  std::string url = "redis://127.0.0.1:6379/0";
  // When non-empty, replaces the URL's password, so the secret can come from
  // a file or the environment instead of a flag (CONVENTIONS.md). Never
  // logged, never part of a status message.
  std::string password;
  // TCP connect for a new pooled connection.
  absl::Duration connect_timeout = absl::Milliseconds(200);
  // Waiting for a free pooled connection, and sending a call and reading all
  // its replies (each measured from its own start).
  absl::Duration command_timeout = absl::Milliseconds(300);
  // Most connections open at once; callers beyond that wait for one.
  int pool_size = 8;
  // Optional metrics hook; not owned, must outlive the client.
  RedisObserver* observer = nullptr;
};

// A thread-safe, blocking Redis client over hiredis with a bounded connection
// pool.
//
// THREADING: every call blocks its thread on network I/O for up to its
// timeouts. Call it from store threads, never from a gRPC callback (reactor)
// thread. All methods may be called concurrently; each call borrows one
// pooled connection for its whole duration (so a pipeline or an EVALSHA +
// EVAL fallback runs on a single connection).
//
// RESULTS: a non-OK status means Redis could not be used; an answer from
// Redis, including an error reply, comes back as an OK RedisReply:
//   - kUnavailable: cannot connect, the connection broke, Redis did not
//     answer within command_timeout, no pooled connection freed up within
//     command_timeout, or Redis answered with an availability error (LOADING,
//     BUSY, MASTERDOWN, READONLY, NOAUTH, OOM, MISCONF, TRYAGAIN,
//     CLUSTERDOWN) - the store is down for now; never a wrong answer.
//   - kDeadlineExceeded: the caller's own `deadline` passed first.
//   - kInvalidArgument: an empty command.
//   - OK with reply.is_error(): any other error reply ("ERR ...",
//     "WRONGTYPE ...", or a script's redis.error_reply('EXHAUSTED') whose text
//     is reply.str()). RedisReply::ErrorStatus() turns one into a status.
// After a transport failure or timeout a command may or may not have run on
// the server; the client never retries a call by itself.
//
// RECONNECTING: a connection that failed is closed, and an idle connection
// is checked (without a round trip) when borrowed, so after the server went
// away and came back the next call gets a fresh connection. While the server
// is down each call fails fast (a refused connect is immediate; an
// unreachable host costs at most connect_timeout; resolving a host name
// is not bounded by it). A call never runs past
// connect_timeout + command_timeout after it starts, nor past `deadline`.
//
// Arguments are binary safe. While writing, SIGPIPE is blocked on the
// calling thread, so a server dying mid-write never kills the process.
class RedisClient {
 public:
  // Validates the options and parses the URL; does no I/O (the first call
  // connects). Call CheckServerConfig() at start-up.
  static absl::StatusOr<std::unique_ptr<RedisClient>> Create(RedisOptions options);

  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;
  ~RedisClient();

  // One command: client->Command({"SET", key, value}).
  absl::StatusOr<RedisReply> Command(absl::Span<const std::string> args,
                                     absl::Time deadline = absl::InfiniteFuture());

  // Sends all commands in one write and reads their replies in one round
  // trip; replies come back in command order (error replies in place). Not
  // atomic: wrap in MULTI/EXEC for that. Any availability error reply makes
  // the whole call kUnavailable.
  absl::StatusOr<std::vector<RedisReply>> Pipeline(
      absl::Span<const std::vector<std::string>> commands,
      absl::Time deadline = absl::InfiniteFuture());

  // EVALSHA script.sha() numkeys keys... args...; on NOSCRIPT sends the
  // source with EVAL (which also caches it) on the same connection.
  absl::StatusOr<RedisReply> Eval(const RedisScript& script, absl::Span<const std::string> keys,
                                  absl::Span<const std::string> args,
                                  absl::Time deadline = absl::InfiniteFuture());

  // PING; OK when Redis answered PONG.
  absl::Status Ping(absl::Time deadline = absl::InfiniteFuture());

  // The start-up check of DESIGN.md: OK only if the server runs with
  // `maxmemory-policy noeviction` and AOF on (`appendonly yes`, and
  // appendfsync not `no` where CONFIG is allowed). FailedPrecondition naming
  // every setting that is wrong otherwise; kUnavailable etc. as above.
  absl::Status CheckServerConfig(absl::Time deadline = absl::InfiniteFuture());

  // The URL with the password hidden, for logs.
  const std::string& redacted_url() const { return redacted_url_; }

  // Pool state, for tests and debugging.
  int open_connections() const ABSL_LOCKS_EXCLUDED(mu_);
  int idle_connections() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  class Connection;

  RedisClient(RedisOptions options, RedisEndpoint endpoint);

  // Borrows a connection (an idle one that still looks alive, or a new one),
  // runs `body` on it, returns it to the pool unless it broke, and reports to
  // the observer.
  template <typename Result, typename Body>
  absl::StatusOr<Result> Run(absl::string_view operation, absl::Time deadline, Body body);
  absl::StatusOr<std::unique_ptr<Connection>> Acquire(absl::Time start, absl::Time deadline);
  void Release(std::unique_ptr<Connection> connection);
  bool CanBorrowLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RedisOptions options_;
  const RedisEndpoint endpoint_;
  const std::string redacted_url_;

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + borrowed + being opened
};

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_REDIS_REDIS_CLIENT_H_
