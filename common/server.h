#ifndef CODINGAHEAD_COMMON_SERVER_H_
#define CODINGAHEAD_COMMON_SERVER_H_

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace prometheus {
class Exposer;
}

// Server bootstrap shared by every service: gRPC callback server, health
// checking (grpc.health.v1) per service, reflection, Prometheus metrics and
// access logs through one interceptor, graceful shutdown on SIGTERM.
namespace codingahead::common {

struct ServerConfig {
  std::string service_name;    // "catalog": log `service`, metric label
  std::string listen;          // "0.0.0.0:50051"; port 0 picks one
  std::string metrics_listen;  // "0.0.0.0:9101"; empty: no /metrics
  // Fraction of successful RPCs written to the access log (errors always are).
  double access_log_sample_rate = 0.01;
  // Between NOT_SERVING and refusing new calls: lets load balancers and
  // clients watching health move away before the listener closes.
  absl::Duration shutdown_grace = absl::ZeroDuration();
  // How long in-flight calls may take to finish once new calls are refused.
  absl::Duration drain = absl::Seconds(10);
  int max_receive_message_bytes = 4 << 20;
  // TLS / mTLS (common/tls.h); null: plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
};

// The defaults a binary passes for its own ports (DESIGN.md §6).
struct ServerDefaults {
  std::string service_name;
  int grpc_port;
  int metrics_port;
};

// ServerConfig from the common flags (--listen, --metrics_listen,
// --drain_seconds, --shutdown_grace_seconds, --access_log_sample_rate,
// --log_level, --tls_*), falling back to `defaults`. Also configures logging.
ServerConfig ServerConfigFromFlags(const ServerDefaults& defaults);

// The flag-derived credential file paths (--service_credentials_file,
// --operator_credentials_file).
std::string ServiceCredentialsFileFlag();
std::string OperatorCredentialsFileFlag();

class ServiceServer {
 public:
  // Starts serving `services`; `health_names` are the fully qualified
  // service names reported SERVING ("codingahead.catalog.v1.CatalogService").
  static absl::StatusOr<std::unique_ptr<ServiceServer>> Start(
      const ServerConfig& config, std::shared_ptr<prometheus::Registry> registry,
      const std::vector<grpc::Service*>& services, const std::vector<std::string>& health_names);

  ~ServiceServer();

  int port() const { return port_; }
  // Bound /metrics port, 0 when metrics are off.
  int metrics_port() const { return metrics_port_; }
  prometheus::Registry& registry() { return *registry_; }

  // Reports every registered service (and the overall "") as SERVING or not.
  void SetServing(bool serving);

  // Graceful stop: NOT_SERVING first, wait `shutdown_grace`, then wait for
  // the calls in flight to finish (until `drain_deadline`), stop accepting
  // calls and cancel what is left by the deadline. Returns as soon as the
  // work is done: idle client connections do not hold it up. Safe to call
  // more than once.
  void Shutdown(absl::Time drain_deadline);
  // Shutdown() with the configured grace and drain.
  void Shutdown();

  // Blocks until the server has shut down.
  void Wait();

 private:
  ServiceServer() = default;
  ServerConfig config_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::string> health_names_;
  int port_ = 0;
  int metrics_port_ = 0;
  std::atomic<bool> shut_down_{false};
  std::shared_ptr<std::atomic<int64_t>> in_flight_ = std::make_shared<std::atomic<int64_t>>(0);
};

// Blocks SIGTERM and SIGINT in the calling thread (call first thing in main,
// before any thread starts, so every thread inherits the mask).
void BlockTerminationSignals();

// Waits for SIGTERM or SIGINT (blocked by BlockTerminationSignals); returns
// the signal number.
int WaitForTerminationSignal();

// The usual main body: start, log, wait for a signal, shut down gracefully.
// Returns the process exit code.
int RunUntilSignalled(const ServerConfig& config, std::shared_ptr<prometheus::Registry> registry,
                      const std::vector<grpc::Service*>& services,
                      const std::vector<std::string>& health_names);

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_SERVER_H_
