#include "common/redis/async_redis_client.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/redis/hiredis_util.h"

namespace codingahead::common {
namespace {

using redis_internal::Convert;
using redis_internal::IsAvailabilityError;

constexpr uint64_t kWakeToken = 0;  // epoll data of the eventfd
constexpr uint64_t kSocketToken = 1;
// Longest a deadline can pass unnoticed.
constexpr absl::Duration kDeadlineTick = absl::Milliseconds(10);

// RESP2 array of bulk strings: what Redis reads for any command.
void AppendCommand(const std::vector<absl::string_view>& argv, std::string* out) {
  absl::StrAppend(out, "*", argv.size(), "\r\n");
  for (absl::string_view a : argv) absl::StrAppend(out, "$", a.size(), "\r\n", a, "\r\n");
}

timeval AsTimeval(absl::Duration d) { return absl::ToTimeval(d); }

std::string UpperName(absl::string_view command) {
  std::string name(command.substr(0, std::min<size_t>(command.size(), 32)));
  for (char& c : name) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AsyncRedisClient>> AsyncRedisClient::Create(
    AsyncRedisOptions options) {
  absl::StatusOr<RedisEndpoint> endpoint = ParseRedisUrl(options.url);
  if (!endpoint.ok()) return endpoint.status();
  if (!options.password.empty()) endpoint->password = options.password;
  if (options.connect_timeout <= absl::ZeroDuration() ||
      options.command_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("redis timeouts must be positive");
  }
  std::unique_ptr<AsyncRedisClient> client(
      new AsyncRedisClient(std::move(options), *std::move(endpoint)));
  client->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  client->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (client->epoll_fd_ < 0 || client->wake_fd_ < 0) {
    return absl::InternalError(absl::StrCat("redis client: ", strerror(errno)));
  }
  epoll_event wake = {};
  wake.events = EPOLLIN;
  wake.data.u64 = kWakeToken;
  if (epoll_ctl(client->epoll_fd_, EPOLL_CTL_ADD, client->wake_fd_, &wake) != 0) {
    return absl::InternalError(absl::StrCat("redis client: ", strerror(errno)));
  }
  client->thread_ = std::thread([c = client.get()] { c->Loop(); });
  return client;
}

AsyncRedisClient::AsyncRedisClient(AsyncRedisOptions options, RedisEndpoint endpoint)
    : options_(std::move(options)), endpoint_(std::move(endpoint)) {}

AsyncRedisClient::~AsyncRedisClient() {
  if (thread_.joinable()) {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    Wake();
    thread_.join();
  }
  if (wake_fd_ >= 0) close(wake_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

int AsyncRedisClient::pending() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(calls_.size());
}

void AsyncRedisClient::Command(std::vector<std::string> args, absl::Time deadline, Callback done) {
  if (args.empty()) {
    done(absl::InvalidArgumentError("redis: empty command"));
    return;
  }
  static constexpr const char* kKnown[] = {"GET", "SET", "DEL", "PING", "INCR", "EXPIRE"};
  const char* operation = "COMMAND";
  const std::string name = UpperName(args[0]);
  for (const char* k : kKnown) {
    if (name == k) operation = k;
  }
  Call call;
  call.done = std::move(done);
  call.deadline = deadline;
  call.operation = operation;
  std::vector<absl::string_view> argv(args.begin(), args.end());
  Submit(std::move(call), argv);
}

void AsyncRedisClient::Eval(const RedisScript& script, std::vector<std::string> keys,
                            std::vector<std::string> args, absl::Time deadline, Callback done) {
  Call call;
  call.done = std::move(done);
  call.deadline = deadline;
  call.operation = "EVALSHA";
  call.script = &script;
  call.keys = std::move(keys);
  call.args = std::move(args);
  SubmitEval(std::move(call));
}

void AsyncRedisClient::SubmitEval(Call call) {
  const std::string numkeys = absl::StrCat(call.keys.size());
  std::vector<absl::string_view> argv;
  argv.reserve(3 + call.keys.size() + call.args.size());
  if (call.reloaded) {
    argv.push_back("EVAL");
    argv.push_back(call.script->source());
  } else {
    argv.push_back("EVALSHA");
    argv.push_back(call.script->sha());
  }
  argv.push_back(numkeys);
  for (const std::string& k : call.keys) argv.push_back(k);
  for (const std::string& a : call.args) argv.push_back(a);
  Submit(std::move(call), argv);
}

void AsyncRedisClient::Submit(Call call, const std::vector<absl::string_view>& argv) {
  std::string bytes;
  AppendCommand(argv, &bytes);
  bool wake = false;
  bool stopping = false;
  {
    absl::MutexLock lock(&mu_);
    stopping = stopping_;
    if (!stopping) {
      call.sent_at = absl::Now();
      out_.append(bytes);
      calls_.push_back(std::move(call));
      if (fd_ >= 0 && !broken_) {
        if (!WriteLocked()) {
          broken_ = true;
          wake = true;
        }
      } else if (fd_ < 0 && !connect_wanted_) {
        connect_wanted_ = true;
        wake = true;
      }
    }
  }
  if (stopping) {
    call.sent_at = absl::Now();
    Complete(call, absl::UnavailableError("redis client shutting down"));
    return;
  }
  if (wake) Wake();
}

bool AsyncRedisClient::WriteLocked() {
  size_t written = 0;
  while (written < out_.size()) {
    ssize_t n =
        send(fd_, out_.data() + written, out_.size() - written, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      written += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    out_.erase(0, written);
    return false;
  }
  out_.erase(0, written);
  WatchWritable(!out_.empty());
  return true;
}

void AsyncRedisClient::WatchWritable(bool on) {
  if (on == watching_writable_ || fd_ < 0) return;
  epoll_event event = {};
  event.events = EPOLLIN | (on ? EPOLLOUT : 0);
  event.data.u64 = kSocketToken;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd_, &event);
  watching_writable_ = on;
}

void AsyncRedisClient::Wake() {
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof(one));
  (void)ignored;
}

void AsyncRedisClient::Complete(Call& call, absl::StatusOr<RedisReply> result) {
  if (options_.observer != nullptr) {
    RedisOperationInfo info;
    info.operation = call.operation;
    info.code = result.status().code();
    info.error_reply = result.ok() && result->is_error();
    info.script_reloaded = call.reloaded;
    info.latency = absl::Now() - call.sent_at;
    options_.observer->OnOperation(info);
  }
  Callback done = std::move(call.done);
  call.done = nullptr;
  if (done) done(std::move(result));
}

void AsyncRedisClient::Loop() {
  epoll_event events[8];
  while (true) {
    // Callers never wake this thread (a wake-up per call would cost what the
    // pipelining saves), so deadlines are checked on a short tick.
    int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(kDeadlineTick));
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      absl::Time next = absl::InfiniteFuture();
      for (const Call& call : calls_) {
        if (call.abandoned) continue;
        next = std::min({next, call.deadline, call.sent_at + options_.command_timeout});
      }
      if (next != absl::InfiniteFuture()) {
        timeout_ms = static_cast<int>(std::clamp<int64_t>(
            absl::ToInt64Milliseconds(absl::Ceil(next - absl::Now(), absl::Milliseconds(1))), 0,
            timeout_ms));
      }
    }
    int n = epoll_wait(epoll_fd_, events, 8, timeout_ms);
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == kWakeToken) {
        uint64_t count;
        ssize_t ignored = read(wake_fd_, &count, sizeof(count));
        (void)ignored;
        continue;
      }
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ReadReplies();
      if (events[i].events & EPOLLOUT) FlushWrites();
    }
    bool broken;
    bool connect;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      broken = broken_;
      connect = connect_wanted_ && fd_ < 0;
    }
    if (broken) {
      Disconnect(absl::UnavailableError(
          absl::StrCat("redis ", endpoint_.Address(), ": connection broke while writing")));
    }
    if (connect) Connect();
    ExpireCalls(absl::Now());
  }
  Disconnect(absl::UnavailableError("redis client shutting down"));
}

void AsyncRedisClient::Connect() {
  const std::string address = endpoint_.Address();
  auto fail = [&](const std::string& why) {
    if (options_.observer != nullptr) options_.observer->OnConnect(absl::StatusCode::kUnavailable);
    std::deque<Call> failed;
    {
      absl::MutexLock lock(&mu_);
      connect_wanted_ = false;
      out_.clear();
      failed.swap(calls_);
    }
    const absl::Status status = absl::UnavailableError(absl::StrCat("redis ", address, ": ", why));
    for (Call& call : failed) {
      if (!call.abandoned) Complete(call, status);
    }
  };
  redisContext* c = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port,
                                            AsTimeval(options_.connect_timeout));
  if (c == nullptr || c->err != 0) {
    std::string why = c == nullptr ? "out of memory" : absl::StrCat("connecting: ", c->errstr);
    if (c != nullptr) redisFree(c);
    fail(why);
    return;
  }
  redisSetTimeout(c, AsTimeval(options_.command_timeout));
  redisEnableKeepAlive(c);
  std::vector<std::vector<std::string>> handshake;
  if (!endpoint_.password.empty()) {
    if (endpoint_.username.empty()) {
      handshake.push_back({"AUTH", endpoint_.password});
    } else {
      handshake.push_back({"AUTH", endpoint_.username, endpoint_.password});
    }
  }
  if (endpoint_.db != 0) handshake.push_back({"SELECT", absl::StrCat(endpoint_.db)});
  for (const auto& command : handshake) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& a : command) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (reply == nullptr) {
      std::string why = absl::StrCat(command[0], ": ", c->errstr);
      redisFree(c);
      fail(why);
      return;
    }
    RedisReply converted = Convert(reply);
    freeReplyObject(reply);
    if (converted.is_error()) {
      // The reply text never contains the password.
      redisFree(c);
      fail(absl::StrCat(command[0], " refused: ", converted.str()));
      return;
    }
  }
  int flags = fcntl(c->fd, F_GETFL, 0);
  fcntl(c->fd, F_SETFL, flags | O_NONBLOCK);
  if (reader_ != nullptr) redisReaderFree(reader_);
  reader_ = redisReaderCreate();
  {
    absl::MutexLock lock(&mu_);
    context_ = c;
    fd_ = c->fd;
    connect_wanted_ = false;
    broken_ = false;
    watching_writable_ = false;
    epoll_event event = {};
    event.events = EPOLLIN;
    event.data.u64 = kSocketToken;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd_, &event);
    // Calls queued while connecting go out now.
    if (!WriteLocked()) broken_ = true;
  }
  if (options_.observer != nullptr) options_.observer->OnConnect(absl::StatusCode::kOk);
}

void AsyncRedisClient::FlushWrites() {
  absl::MutexLock lock(&mu_);
  if (fd_ >= 0 && !broken_ && !WriteLocked()) broken_ = true;
}

void AsyncRedisClient::ReadReplies() {
  int fd;
  {
    absl::MutexLock lock(&mu_);
    fd = fd_;
  }
  if (fd < 0 || reader_ == nullptr) return;
  const std::string address = endpoint_.Address();
  char buffer[16 * 1024];
  while (true) {
    ssize_t n = recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n > 0) {
      redisReaderFeed(reader_, buffer, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof(buffer)) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    Disconnect(absl::UnavailableError(absl::StrCat(
        "redis ", address, ": ", n == 0 ? "connection closed by the server" : strerror(errno))));
    return;
  }
  while (true) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
      Disconnect(absl::UnavailableError(absl::StrCat("redis ", address, ": protocol error")));
      return;
    }
    if (raw == nullptr) return;
    RedisReply reply = Convert(static_cast<redisReply*>(raw));
    freeReplyObject(raw);
    Call call;
    {
      absl::MutexLock lock(&mu_);
      if (calls_.empty()) break;
      call = std::move(calls_.front());
      calls_.pop_front();
    }
    if (call.abandoned) continue;
    if (call.script != nullptr && !call.reloaded && RedisErrorCode(reply) == "NOSCRIPT") {
      call.reloaded = true;
      SubmitEval(std::move(call));
      continue;
    }
    if (IsAvailabilityError(reply)) {
      Complete(call, absl::UnavailableError(absl::StrCat("redis ", address, ": ", reply.str())));
      continue;
    }
    Complete(call, std::move(reply));
  }
  // A reply nobody asked for: the stream is out of step.
  Disconnect(absl::UnavailableError(absl::StrCat("redis ", address, ": unexpected reply")));
}

void AsyncRedisClient::ExpireCalls(absl::Time now) {
  std::vector<Call> expired;
  bool timed_out = false;
  {
    absl::MutexLock lock(&mu_);
    for (Call& call : calls_) {
      if (call.abandoned) continue;
      if (now >= call.sent_at + options_.command_timeout) {
        timed_out = true;
        break;
      }
      if (now >= call.deadline) {
        call.abandoned = true;
        Call answered;
        answered.done = std::move(call.done);
        answered.sent_at = call.sent_at;
        answered.operation = call.operation;
        answered.reloaded = call.reloaded;
        expired.push_back(std::move(answered));
      }
    }
  }
  for (Call& call : expired) {
    Complete(call, absl::DeadlineExceededError(
                       "redis: the call's deadline passed before Redis answered"));
  }
  if (timed_out) {
    Disconnect(absl::UnavailableError(
        absl::StrCat("redis ", endpoint_.Address(), ": no answer within the command timeout")));
  }
}

void AsyncRedisClient::Disconnect(const absl::Status& why) {
  std::deque<Call> failed;
  redisContext* context;
  {
    absl::MutexLock lock(&mu_);
    context = context_;
    if (fd_ >= 0) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd_, nullptr);
    context_ = nullptr;
    fd_ = -1;
    broken_ = false;
    watching_writable_ = false;
    out_.clear();
    failed.swap(calls_);
  }
  if (context != nullptr) redisFree(context);
  if (reader_ != nullptr) {
    redisReaderFree(reader_);
    reader_ = nullptr;
  }
  for (Call& call : failed) {
    if (!call.abandoned) Complete(call, why);
  }
}

}  // namespace codingahead::common
