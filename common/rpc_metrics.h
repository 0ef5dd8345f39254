#ifndef CODINGAHEAD_COMMON_RPC_METRICS_H_
#define CODINGAHEAD_COMMON_RPC_METRICS_H_

#include <memory>
#include <string>

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

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

// Records metrics and writes sampled access-log lines for every RPC.
class RpcObserverFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  RpcObserverFactory(std::shared_ptr<RpcMetrics> metrics, double access_log_sample_rate)
      : metrics_(std::move(metrics)), sample_rate_(access_log_sample_rate) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::shared_ptr<RpcMetrics> metrics_;
  double sample_rate_;
};

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_RPC_METRICS_H_
