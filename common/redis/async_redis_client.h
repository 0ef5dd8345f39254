#ifndef CODINGAHEAD_COMMON_REDIS_ASYNC_REDIS_CLIENT_H_
#define CODINGAHEAD_COMMON_REDIS_ASYNC_REDIS_CLIENT_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis/redis_observer.h"
#include "common/redis/redis_reply.h"
#include "common/redis/redis_script.h"
#include "common/redis/redis_url.h"

struct redisContext;
struct redisReader;

namespace codingahead::common {

struct AsyncRedisOptions {
  // redis://[[user]:password@]host[:port][/db]; see redis_url.h.
  std::string url = "redis://127.0.0.1:6379/0";
  // Replaces the URL's password when non-empty (from a file or the
  // environment). Never logged.
  std::string password;
  absl::Duration connect_timeout = absl::Milliseconds(200);
  // Redis must answer a command within this long after it was sent, or the
  // connection is taken for broken (every call waiting on it fails
  // UNAVAILABLE) and the next call opens a new one.
  absl::Duration command_timeout = absl::Milliseconds(300);
  // Optional metrics hook; not owned, must outlive the client.
  RedisObserver* observer = nullptr;
};

// A non-blocking Redis client for the hot paths that answer gRPC calls
// straight from Redis (ValidateSession, ConsumeView): callers never wait, so
// a gRPC callback (reactor) thread may call it and finish its call from the
// completion.
//
// ONE PIPELINED CONNECTION: the calling thread formats the command and
// writes it to the socket itself (non-blocking; what the kernel does not take
// is flushed by the client's own I/O thread), and that I/O thread reads the
// replies in order and runs the completions. Compared with handing each call
// to a pool thread that blocks on a round trip, this saves a thread wake-up
// per call and lets concurrent calls share reads and writes.
//
// COMPLETIONS run on the I/O thread, or on the calling thread when the call
// fails before anything was sent (client shutting down). They must be quick
// and never block: every other call on the connection waits for them.
//
// DEADLINES are checked every 10 ms, so a call may be answered up to 10 ms
// after its deadline or command_timeout.
//
// RESULTS follow RedisClient (redis_client.h): kUnavailable when Redis cannot
// be reached, the connection broke, Redis did not answer within
// command_timeout, or answered with an availability error (LOADING, BUSY,
// READONLY, ...); kDeadlineExceeded when the caller's deadline passed first;
// otherwise an OK RedisReply, error replies included. After a failure a
// command may or may not have run; nothing is retried.
//
// CONNECTING happens on the I/O thread (DNS and connect bounded by
// connect_timeout, then AUTH / SELECT); calls made meanwhile wait in the
// queue and fail UNAVAILABLE if the connect fails. While Redis is down each
// call therefore fails within about one connect attempt.
class AsyncRedisClient {
 public:
  using Callback = std::function<void(absl::StatusOr<RedisReply>)>;

  // Parses the URL and starts the I/O thread; does not connect yet.
  static absl::StatusOr<std::unique_ptr<AsyncRedisClient>> Create(AsyncRedisOptions options);

  AsyncRedisClient(const AsyncRedisClient&) = delete;
  AsyncRedisClient& operator=(const AsyncRedisClient&) = delete;
  // Fails the calls still waiting with UNAVAILABLE and stops the I/O thread.
  ~AsyncRedisClient();

  void Command(std::vector<std::string> args, absl::Time deadline, Callback done);

  // EVALSHA; on NOSCRIPT sends the source with EVAL (which caches it).
  // `script` must outlive the call.
  void Eval(const RedisScript& script, std::vector<std::string> keys, std::vector<std::string> args,
            absl::Time deadline, Callback done);

  // Calls sent and not yet answered (for tests).
  int pending() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Call {
    Callback done;
    absl::Time sent_at;
    absl::Time deadline;
    const char* operation;  // metric label: "EVALSHA", "EVAL", "GET", ...
    // Set for EVALSHA, for the NOSCRIPT fallback.
    const RedisScript* script = nullptr;
    std::vector<std::string> keys;
    std::vector<std::string> args;
    bool reloaded = false;
    // The caller was already answered (deadline); the reply is dropped.
    bool abandoned = false;
  };

  AsyncRedisClient(AsyncRedisOptions options, RedisEndpoint endpoint);

  void Submit(Call call, const std::vector<absl::string_view>& argv);
  void SubmitEval(Call call);
  void Loop();
  // I/O-thread only.
  void Connect();
  void ReadReplies();
  void FlushWrites();
  void ExpireCalls(absl::Time now);
  void Disconnect(const absl::Status& why);
  void Complete(Call& call, absl::StatusOr<RedisReply> result);
  void Wake();
  // Writes as much of out_ as the socket takes; false on a write error.
  bool WriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WatchWritable(bool on) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const AsyncRedisOptions options_;
  const RedisEndpoint endpoint_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;

  mutable absl::Mutex mu_;
  std::deque<Call> calls_ ABSL_GUARDED_BY(mu_);
  std::string out_ ABSL_GUARDED_BY(mu_);
  redisContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  int fd_ ABSL_GUARDED_BY(mu_) = -1;
  bool connect_wanted_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  bool watching_writable_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  // I/O thread only.
  redisReader* reader_ = nullptr;
  std::thread thread_;
};

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_REDIS_ASYNC_REDIS_CLIENT_H_
