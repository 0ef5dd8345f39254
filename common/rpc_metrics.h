#ifndef CODINGAHEAD_COMMON_RPC_METRICS_H_
#define CODINGAHEAD_COMMON_RPC_METRICS_H_

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace codingahead::common {

// codingahead_rpc_requests_total{service,method,code} and
// codingahead_rpc_duration_seconds{service,method} (CONVENTIONS.md).
class RpcMetrics {
 public:
  RpcMetrics(prometheus::Registry& registry, std::string service);
  // `method` is the full gRPC path ("/codingahead.catalog.v1.CatalogService/GetCode").
  void Record(const std::string& method, grpc::StatusCode code, double seconds);

 private:
  struct PerMethod {
    prometheus::Histogram* duration;
    prometheus::Counter* by_code[17];
  };
  PerMethod* ForMethod(const std::string& method);

  std::string service_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<PerMethod>> methods_ ABSL_GUARDED_BY(mu_);
};

// Records metrics and writes access-log lines for every RPC — server
// failures always, everything else sampled — and
// counts the calls in flight (long-lived health watches excepted) so a
// shutdown can tell when draining is done.
class RpcObserverFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  RpcObserverFactory(std::shared_ptr<RpcMetrics> metrics, double access_log_sample_rate,
                     std::shared_ptr<std::atomic<int64_t>> in_flight)
      : metrics_(std::move(metrics)),
        sample_rate_(access_log_sample_rate),
        in_flight_(std::move(in_flight)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::shared_ptr<RpcMetrics> metrics_;
  double sample_rate_;
  std::shared_ptr<std::atomic<int64_t>> in_flight_;
};

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_RPC_METRICS_H_
