#include "common/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <prometheus/exposer.h>
#include <signal.h>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/rpc_metrics.h"
#include "common/tls.h"

ABSL_FLAG(std::string, listen, "",
          "gRPC listen address (host:port); empty: the service's default port on 0.0.0.0");
ABSL_FLAG(std::string, metrics_listen, "",
          "Prometheus /metrics address; empty: the service's default; 'off' disables");
ABSL_FLAG(double, drain_seconds, 10, "On SIGTERM, how long in-flight RPCs may take to finish");
ABSL_FLAG(double, shutdown_grace_seconds, 0,
          "On SIGTERM, how long health reports NOT_SERVING before new RPCs are refused");
ABSL_FLAG(double, access_log_sample_rate, 0.01,
          "Fraction of successful RPCs written to the access log");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error");
ABSL_FLAG(std::string, service_credentials_file, "",
          "File with the service credentials this server accepts, one per line");
ABSL_FLAG(std::string, operator_credentials_file, "",
          "File with the operator credentials this server accepts, one per line");

namespace codingahead::common {
namespace {

// How long a call that arrives just as the listener closes may still run.
constexpr absl::Duration kLateCallAllowance = absl::Milliseconds(500);

}  // namespace

ServerConfig ServerConfigFromFlags(const ServerDefaults& defaults) {
  LogLevel level = LogLevel::kInfo;
  if (!ParseLogLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    fprintf(stderr, "--log_level must be debug, info, warning or error\n");
    std::exit(2);
  }
  ConfigureLogging(defaults.service_name, level);
  ServerConfig config;
  config.service_name = defaults.service_name;
  config.listen = absl::GetFlag(FLAGS_listen);
  if (config.listen.empty()) config.listen = absl::StrCat("0.0.0.0:", defaults.grpc_port);
  config.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  if (config.metrics_listen.empty()) {
    config.metrics_listen = absl::StrCat("0.0.0.0:", defaults.metrics_port);
  } else if (config.metrics_listen == "off") {
    config.metrics_listen.clear();
  }
  config.drain = absl::Seconds(absl::GetFlag(FLAGS_drain_seconds));
  config.shutdown_grace = absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds));
  config.access_log_sample_rate = absl::GetFlag(FLAGS_access_log_sample_rate);
  auto credentials = MakeServerCredentials(TlsConfigFromFlags());
  if (!credentials.ok()) {
    fprintf(stderr, "TLS settings not usable: %s\n",
            std::string(credentials.status().message()).c_str());
    std::exit(2);
  }
  config.credentials = *std::move(credentials);
  return config;
}

std::string ServiceCredentialsFileFlag() { return absl::GetFlag(FLAGS_service_credentials_file); }
std::string OperatorCredentialsFileFlag() { return absl::GetFlag(FLAGS_operator_credentials_file); }

absl::StatusOr<std::unique_ptr<ServiceServer>> ServiceServer::Start(
    const ServerConfig& config, std::shared_ptr<prometheus::Registry> registry,
    const std::vector<grpc::Service*>& services, const std::vector<std::string>& health_names) {
  std::unique_ptr<ServiceServer> server(new ServiceServer());
  server->config_ = config;
  server->registry_ = registry ? std::move(registry) : std::make_shared<prometheus::Registry>();
  server->health_names_ = health_names;

  if (!config.metrics_listen.empty()) {
    try {
      server->exposer_ = std::make_unique<prometheus::Exposer>(config.metrics_listen);
      server->exposer_->RegisterCollectable(server->registry_);
      auto ports = server->exposer_->GetListeningPorts();
      server->metrics_port_ = ports.empty() ? 0 : ports.front();
    } catch (const std::exception& e) {
      return absl::UnavailableError(
          absl::StrCat("cannot serve metrics on ", config.metrics_listen, ": ", e.what()));
    }
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(
      config.listen, config.credentials ? config.credentials : grpc::InsecureServerCredentials(),
      &server->port_);
  builder.SetMaxReceiveMessageSize(config.max_receive_message_bytes);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<RpcObserverFactory>(
      std::make_shared<RpcMetrics>(*server->registry_, config.service_name),
      config.access_log_sample_rate, server->in_flight_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", config.listen));
  }
  server->SetServing(true);
  return server;
}

ServiceServer::~ServiceServer() {
  if (server_ == nullptr) return;
  Shutdown(absl::Now());
  Wait();
}

void ServiceServer::SetServing(bool serving) {
  auto* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus(serving);
  for (const auto& name : health_names_) health->SetServingStatus(name, serving);
}

void ServiceServer::Shutdown() { Shutdown(absl::Now() + config_.shutdown_grace + config_.drain); }

void ServiceServer::Shutdown(absl::Time drain_deadline) {
  if (shut_down_.exchange(true)) return;
  SetServing(false);
  LogLine(LogLevel::kInfo, "health NOT_SERVING; draining")
      .With("grace_ms", absl::ToInt64Milliseconds(config_.shutdown_grace));
  absl::Time grace_end = std::min(absl::Now() + config_.shutdown_grace, drain_deadline);
  // Still serving during the grace period: clients that watch health move away.
  absl::SleepFor(std::max(absl::ZeroDuration(), grace_end - absl::Now()));
  // gRPC's own Shutdown waits for every client connection to close, which
  // idle clients may never do before the deadline; wait for the work instead.
  while (in_flight_->load(std::memory_order_relaxed) > 0 && absl::Now() < drain_deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  int64_t left = in_flight_->load(std::memory_order_relaxed);
  // A call that lands between the check and the stop still gets a moment.
  server_->Shutdown(absl::ToChronoTime(std::min(drain_deadline, absl::Now() + kLateCallAllowance)));
  LogLine(LogLevel::kInfo, "stopped").With("cancelled_in_flight", left);
}

void ServiceServer::Wait() { server_->Wait(); }

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

int RunUntilSignalled(const ServerConfig& config, std::shared_ptr<prometheus::Registry> registry,
                      const std::vector<grpc::Service*>& services,
                      const std::vector<std::string>& health_names) {
  // Abseil's lock-order graph costs a hash-map update on every Mutex::Lock
  // (seen in profiles of the metered page); tests keep it, servers do not.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  auto server = ServiceServer::Start(config, std::move(registry), services, health_names);
  if (!server.ok()) {
    LogLine(LogLevel::kError, "cannot start").With("error", server.status().ToString());
    return 1;
  }
  LogLine(LogLevel::kInfo, "serving")
      .With("listen", config.listen)
      .With("port", (*server)->port())
      .With("metrics_port", (*server)->metrics_port());
  int signal = WaitForTerminationSignal();
  LogLine(LogLevel::kInfo, "shutting down")
      .With("signal", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->Shutdown();
  (*server)->Wait();
  return 0;
}

}  // namespace codingahead::common
