#include "common/rpc_metrics.h"

#include <chrono>
#include <cstring>
#include <random>

#include "common/log.h"
#include "common/metadata.h"

namespace codingahead::common {
namespace {

const char* CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return (i >= 0 && i <= 16) ? kNames[i] : "UNKNOWN";
}

// Buckets from 50 µs to 10 s: loopback RPCs sit in the sub-millisecond range.
prometheus::Histogram::BucketBoundaries DurationBuckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
          0.025,   0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   10.0};
}

// Failures that say something is wrong with the server or its stores; the
// others (bad input, no session, no allowance left…) are the caller's and are
// as routine as successes.
bool IsServerFailure(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
      return true;
    default:
      return false;
  }
}

bool Sampled(double rate) {
  if (rate >= 1.0) return true;
  if (rate <= 0.0) return false;
  thread_local std::minstd_rand rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < rate;
}

class RpcObserver : public grpc::experimental::Interceptor {
 public:
  RpcObserver(grpc::experimental::ServerRpcInfo* info, RpcMetrics* metrics, double sample_rate,
              std::shared_ptr<std::atomic<int64_t>> in_flight)
      : info_(info),
        metrics_(metrics),
        sample_rate_(sample_rate),
        start_(std::chrono::steady_clock::now()) {
    // A health watch stays open for the life of a connection: it is not work
    // a shutdown waits for.
    if (std::strcmp(info->method(), "/grpc.health.v1.Health/Watch") != 0) {
      in_flight_ = std::move(in_flight);
      in_flight_->fetch_add(1, std::memory_order_relaxed);
    }
  }
  ~RpcObserver() override {
    if (in_flight_ != nullptr) in_flight_->fetch_sub(1, std::memory_order_relaxed);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      std::string method = info_->method();
      metrics_->Record(method, status.error_code(), seconds);
      bool failed = !status.ok();
      bool server_failure = IsServerFailure(status.error_code());
      // Server failures are always written; everything else is sampled, so
      // a flood of refusals cannot turn into a flood of log lines.
      if (server_failure || Sampled(sample_rate_)) {
        auto* context = info_->server_context();
        LogLine line(server_failure ? LogLevel::kWarning : LogLevel::kInfo, "rpc");
        line.With("rpc", method)
            .With("code", CodeName(status.error_code()))
            .With("duration_ms", seconds * 1000.0);
        if (context != nullptr) {
          auto request_id = GetMetadata(*context, kRequestIdHeader);
          if (request_id.has_value()) line.With("request_id", *request_id);
          line.With("peer", PeerHost(context->peer()));
        }
        if (failed) line.With("error", status.error_message());
      }
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  RpcMetrics* metrics_;
  double sample_rate_;
  std::chrono::steady_clock::time_point start_;
  std::shared_ptr<std::atomic<int64_t>> in_flight_;
};

}  // namespace

RpcMetrics::RpcMetrics(prometheus::Registry& registry, std::string service)
    : service_(std::move(service)),
      requests_(prometheus::BuildCounter()
                    .Name("codingahead_rpc_requests_total")
                    .Help("RPCs handled, by method and status code")
                    .Register(registry)),
      durations_(prometheus::BuildHistogram()
                     .Name("codingahead_rpc_duration_seconds")
                     .Help("Time from call start to status sent")
                     .Register(registry)) {}

RpcMetrics::PerMethod* RpcMetrics::ForMethod(const std::string& method) {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = methods_.find(method);
    if (it != methods_.end()) return it->second.get();
  }
  absl::MutexLock lock(&mu_);
  auto& slot = methods_[method];
  if (slot == nullptr) {
    slot = std::make_unique<PerMethod>();
    slot->duration =
        &durations_.Add({{"service", service_}, {"method", method}}, DurationBuckets());
    for (int code = 0; code <= 16; ++code) slot->by_code[code] = nullptr;
  }
  return slot.get();
}

void RpcMetrics::Record(const std::string& method, grpc::StatusCode code, double seconds) {
  PerMethod* per_method = ForMethod(method);
  per_method->duration->Observe(seconds);
  int index = static_cast<int>(code);
  if (index < 0 || index > 16) index = static_cast<int>(grpc::StatusCode::UNKNOWN);
  prometheus::Counter* counter;
  {
    absl::ReaderMutexLock lock(&mu_);
    counter = per_method->by_code[index];
  }
  if (counter == nullptr) {
    absl::MutexLock lock(&mu_);
    if (per_method->by_code[index] == nullptr) {
      per_method->by_code[index] =
          &requests_.Add({{"service", service_}, {"method", method}, {"code", CodeName(code)}});
    }
    counter = per_method->by_code[index];
  }
  counter->Increment();
}

grpc::experimental::Interceptor* RpcObserverFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcObserver(info, metrics_.get(), sample_rate_, in_flight_);
}

}  // namespace codingahead::common
