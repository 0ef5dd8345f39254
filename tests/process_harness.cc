#include "tests/process_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace codingahead::e2e {
CommandResult RunCommand(const std::vector<std::string>& argv, absl::Duration timeout) {
  testing::TempDir dir("ca-run");
  std::string log = dir.path() + "/out.txt";
  CommandResult result;
  auto code = testing::RunCommand({argv, log, "", ""}, timeout);
  result.exit_code = code.ok() ? *code : -1;
  std::ifstream in(log);
  std::stringstream buffer;
  buffer << in.rdbuf();
  result.output = buffer.str();
  return result;
}

int HealthStatus(const std::shared_ptr<grpc::Channel>& channel, const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  if (!stub->Check(&context, request, &response).ok()) return -1;
  return response.status();
}

ServiceProcess::ServiceProcess(testing::Subprocess process, int port, std::string log_path,
                               std::shared_ptr<grpc::ChannelCredentials> credentials)
    : process_(std::move(process)),
      port_(port),
      log_path_(std::move(log_path)),
      channel_(
          grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                              credentials ? credentials : grpc::InsecureChannelCredentials())) {}

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(
    const std::string& binary, const std::string& name, const std::string& dir,
    std::vector<std::string> extra_flags, std::shared_ptr<grpc::ChannelCredentials> credentials) {
  int port = testing::PickFreePort();
  std::vector<std::string> argv = {binary, absl::StrCat("--listen=127.0.0.1:", port),
                                   "--metrics_listen=off", "--access_log_sample_rate=0"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  std::string log = absl::StrCat(dir, "/", name, ".log");
  auto process = testing::Subprocess::Start({argv, log, "", ""});
  if (!process.ok()) return process.status();
  // Probe with plain TCP first: a gRPC channel that fails to connect backs
  // off for seconds before trying again.
  bool listening =
      testing::WaitUntil([&] { return testing::PortAcceptsConnections(port); }, absl::Seconds(30));
  std::unique_ptr<ServiceProcess> service(
      new ServiceProcess(*std::move(process), port, log, std::move(credentials)));
  bool ready = listening && testing::WaitUntil(
                                [&] {
                                  return HealthStatus(service->channel_, "") ==
                                         grpc::health::v1::HealthCheckResponse::SERVING;
                                },
                                absl::Seconds(30));
  if (!ready) {
    return absl::UnavailableError(absl::StrCat(name, " did not become healthy:\n", service->Log()));
  }
  return service;
}

absl::StatusOr<AccountAndCatalog> StartAccountAndCatalog(const std::string& account_binary,
                                                         const std::string& catalog_binary,
                                                         const std::string& dir,
                                                         const std::string& redis_url,
                                                         const std::string& postgres_url,
                                                         const std::string& content_file) {
  AccountAndCatalog suite;
  auto account = ServiceProcess::Start(
      account_binary, "account", dir,
      {absl::StrCat("--redis_url=", redis_url), absl::StrCat("--postgres_url=", postgres_url),
       absl::StrCat("--service_credentials_file=", dir, "/service-credential"),
       absl::StrCat("--operator_credentials_file=", dir, "/operator-credential")});
  if (!account.ok()) return account.status();
  suite.account = *std::move(account);
  auto catalog = ServiceProcess::Start(
      catalog_binary, "catalog", dir,
      {absl::StrCat("--snapshot_dir=", dir, "/catalog"),
       absl::StrCat("--content_file=", content_file),
       absl::StrCat("--account_target=", suite.account->target()),
       absl::StrCat("--client_credential_file=", dir, "/service-credential"),
       absl::StrCat("--service_credentials_file=", dir, "/service-credential")});
  if (!catalog.ok()) return catalog.status();
  suite.catalog = *std::move(catalog);
  return suite;
}

std::string ServiceProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace codingahead::e2e
