#include "tools/loadgen/load_runner.h"

#include <grpc/grpc.h>

#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "tools/loadgen/cpu.h"

namespace codingahead::loadgen {
namespace {

constexpr int kStatusCodes = 17;  // OK .. UNAUTHENTICATED
// Nesting beyond this (a callback run inline by the call that started the
// next one, e.g. when calls fail at once) moves on to another thread.
constexpr int kMaxInlineDepth = 8;

thread_local int inline_depth = 0;

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Runs posted functions on one thread, in order, until destroyed.
class Trampoline {
 public:
  Trampoline() : thread_([this] { Loop(); }) {}
  ~Trampoline() {
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
    }
    thread_.join();
  }
  void Post(std::function<void()> fn) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(fn));
  }

 private:
  void Loop() {
    while (true) {
      std::function<void()> fn;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](Trampoline* t) { return t->done_ || !t->queue_.empty(); }, this));
        if (queue_.empty()) return;
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
  }
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

class LoadRun;

// One closed-loop stream: one call outstanding, the next started from the
// previous one's completion. Its counters are touched only by its own
// (sequential) completions, and read after it has stopped.
class Stream {
 public:
  Stream(LoadRun* run, std::unique_ptr<Call> call) : run_(run), call_(std::move(call)) {}
  void Next();
  LatencyHistogram latency;
  std::array<uint64_t, kStatusCodes> codes{};

 private:
  void OnDone(const grpc::Status& status);
  LoadRun* run_;
  std::unique_ptr<Call> call_;
  std::unique_ptr<grpc::ClientContext> context_;
  uint64_t sequence_ = 0;
  int64_t started_ns_ = 0;
};

class LoadRun {
 public:
  LoadRun(const LoadOptions& options, int64_t window_start_ns)
      : options_(options), window_start_ns_(window_start_ns) {
    window_end_ns_ = options.requests > 0
                         ? std::numeric_limits<int64_t>::max()
                         : window_start_ns + absl::ToInt64Nanoseconds(options.duration);
  }

  const LoadOptions& options() const { return options_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  Trampoline& trampoline() { return trampoline_; }

  // Whether a call completing at `now` counts (and, in count mode, claims
  // one of the requested completions).
  bool Counts(int64_t now) {
    if (now < window_start_ns_ || now >= window_end_ns_.load(std::memory_order_acquire)) {
      return false;
    }
    if (options_.requests == 0) return true;
    uint64_t n = measured_.fetch_add(1, std::memory_order_relaxed);
    if (n >= options_.requests) return false;
    if (n + 1 == options_.requests) {
      window_end_ns_.store(now + 1, std::memory_order_release);
      Stop();
      limit_reached_.Notify();
    }
    return true;
  }

  void Stop() { stopping_.store(true, std::memory_order_release); }

  void StreamStarted() {
    absl::MutexLock lock(&mu_);
    ++active_;
  }
  void StreamDone() {
    absl::MutexLock lock(&mu_);
    --active_;
  }
  bool WaitAllDone(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(
                                    +[](int* active) { return *active == 0; }, &active_),
                                timeout);
  }
  // Count mode: until the last requested call, or `timeout`.
  bool WaitForLimit(absl::Duration timeout) {
    return limit_reached_.WaitForNotificationWithTimeout(timeout);
  }
  void EndWindowAt(int64_t end_ns) {
    int64_t expected = std::numeric_limits<int64_t>::max();
    window_end_ns_.compare_exchange_strong(expected, end_ns);
  }

  int64_t window_start_ns() const { return window_start_ns_; }
  int64_t window_end_ns() const { return window_end_ns_.load(std::memory_order_acquire); }

 private:
  const LoadOptions options_;
  const int64_t window_start_ns_;
  std::atomic<int64_t> window_end_ns_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> measured_{0};
  absl::Notification limit_reached_;
  absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_) = 0;
  Trampoline trampoline_;
};

void Stream::Next() {
  if (run_->stopping()) {
    run_->StreamDone();
    return;
  }
  if (inline_depth >= kMaxInlineDepth) {
    run_->trampoline().Post([this] { Next(); });
    return;
  }
  ++inline_depth;
  context_ = std::make_unique<grpc::ClientContext>();
  context_->set_deadline(std::chrono::system_clock::now() +
                         absl::ToChronoNanoseconds(run_->options().call_timeout));
  started_ns_ = NowNanos();
  call_->Start(context_.get(), sequence_++, [this](const grpc::Status& status) { OnDone(status); });
  --inline_depth;
}

void Stream::OnDone(const grpc::Status& status) {
  int64_t now = NowNanos();
  if (run_->Counts(now)) {
    latency.Record(static_cast<uint64_t>(now - started_ns_));
    int code = static_cast<int>(status.error_code());
    ++codes[code >= 0 && code < kStatusCodes ? code : static_cast<int>(grpc::StatusCode::UNKNOWN)];
  }
  Next();
}

struct CpuSnapshot {
  int64_t self_us = 0;
  std::vector<std::optional<int64_t>> servers_us;
};

CpuSnapshot TakeCpuSnapshot(const std::vector<ServerProcess>& servers) {
  CpuSnapshot s;
  s.self_us = SelfCpuMicros();
  for (const ServerProcess& p : servers) s.servers_us.push_back(ProcessCpuMicros(p.pid));
  return s;
}

void SleepUntilNanos(int64_t deadline_ns) {
  int64_t now = NowNanos();
  if (deadline_ns > now) absl::SleepFor(absl::Nanoseconds(deadline_ns - now));
}

}  // namespace

std::string StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return absl::StrCat("CODE_", static_cast<int>(code));
  }
}

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count,
                                                         absl::Duration connect_timeout) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < std::max(1, count); ++i) {
    grpc::ChannelArguments args;
    // Each channel its own subchannel, hence its own TCP connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("codingahead.loadgen_channel", i);
    channels.push_back(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }
  auto deadline = absl::ToChronoTime(absl::Now() + connect_timeout);
  for (auto& channel : channels) channel->WaitForConnected(deadline);
  return channels;
}

grpc::Status ProbeOnce(Workload& workload, const std::shared_ptr<grpc::Channel>& channel,
                       absl::Duration timeout) {
  std::unique_ptr<Call> call = workload.NewCall(0, 1, channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  absl::Notification done;
  grpc::Status result;
  call->Start(&context, 0, [&](const grpc::Status& status) {
    result = status;
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

absl::StatusOr<RunResult> RunLoad(Workload& workload,
                                  const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                                  const LoadOptions& options,
                                  const std::vector<ServerProcess>& servers) {
  if (channels.empty()) return absl::InvalidArgumentError("no channels");
  if (options.streams < 1) return absl::InvalidArgumentError("streams must be at least 1");
  if (options.duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("duration must be positive");
  }
  int64_t start_ns = NowNanos();
  auto run =
      std::make_unique<LoadRun>(options, start_ns + absl::ToInt64Nanoseconds(options.warmup));
  std::vector<std::unique_ptr<Stream>> streams;
  for (int i = 0; i < options.streams; ++i) {
    streams.push_back(std::make_unique<Stream>(
        run.get(), workload.NewCall(i, options.streams, channels[i % channels.size()])));
  }
  for (auto& stream : streams) {
    run->StreamStarted();
    stream->Next();
  }

  SleepUntilNanos(run->window_start_ns());
  CpuSnapshot before = TakeCpuSnapshot(servers);
  if (options.requests > 0) {
    if (!run->WaitForLimit(options.duration)) {
      run->EndWindowAt(run->window_start_ns() + absl::ToInt64Nanoseconds(options.duration));
      run->Stop();
    }
  } else {
    SleepUntilNanos(run->window_end_ns());
    run->Stop();
  }
  CpuSnapshot after = TakeCpuSnapshot(servers);

  if (!run->WaitAllDone(options.call_timeout + absl::Seconds(10))) {
    // The streams still reference the run: leave both alive rather than crash.
    for (auto& stream : streams) stream.release();
    run.release();
    return absl::DeadlineExceededError("calls still outstanding long after their deadline");
  }

  RunResult result;
  result.seconds = static_cast<double>(run->window_end_ns() - run->window_start_ns()) / 1e9;
  std::array<uint64_t, kStatusCodes> codes{};
  for (const auto& stream : streams) {
    result.latency_ns.Merge(stream->latency);
    for (int c = 0; c < kStatusCodes; ++c) codes[c] += stream->codes[c];
  }
  for (int c = 0; c < kStatusCodes; ++c) {
    result.requests += codes[c];
    if (c == 0 || codes[c] == 0) continue;
    auto code = static_cast<grpc::StatusCode>(c);
    result.by_code[StatusCodeName(code)] = codes[c];
    if (code == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      result.refusals += codes[c];
    } else {
      result.errors += codes[c];
    }
  }
  result.ok = codes[0];
  if (result.requests > 0) {
    double n = static_cast<double>(result.requests);
    result.client_cpu_us_per_req = static_cast<double>(after.self_us - before.self_us) / n;
    double server_total = 0;
    bool any = false;
    for (size_t i = 0; i < servers.size(); ++i) {
      if (!before.servers_us[i].has_value() || !after.servers_us[i].has_value()) continue;
      double per = static_cast<double>(*after.servers_us[i] - *before.servers_us[i]) / n;
      result.server_cpu_us_per_req_by_process[servers[i].name] = per;
      server_total += per;
      any = true;
    }
    if (any) result.server_cpu_us_per_req = server_total;
  }
  return result;
}

}  // namespace codingahead::loadgen
