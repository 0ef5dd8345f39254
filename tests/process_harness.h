#ifndef CODINGAHEAD_TESTS_PROCESS_HARNESS_H_
#define CODINGAHEAD_TESTS_PROCESS_HARNESS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/testing/subprocess.h"

// Runs the suite's own binaries for end-to-end tests.
namespace codingahead::e2e {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `argv` to completion (at most `timeout`) and returns its output.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         absl::Duration timeout = absl::Seconds(60));

// A service binary started on a free port, ready once gRPC health reports
// SERVING; logs go to `<dir>/<name>.log`.
class ServiceProcess {
 public:
  // `credentials` (default: plaintext) are the ones channel() uses, e.g.
  // TLS when the flags make the service serve it.
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(
      const std::string& binary, const std::string& name, const std::string& dir,
      std::vector<std::string> extra_flags,
      std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);

  int port() const { return port_; }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  testing::Subprocess& process() { return process_; }
  std::string Log() const;

 private:
  ServiceProcess(testing::Subprocess process, int port, std::string log_path,
                 std::shared_ptr<grpc::ChannelCredentials> credentials);
  testing::Subprocess process_;
  int port_;
  std::string log_path_;
  std::shared_ptr<grpc::Channel> channel_;
};

// ca-account and a ca-catalog that calls it, as the metered page needs them.
// `dir` holds service-credential, operator-credential and the imported
// catalog (<dir>/catalog); logs go there too.
struct AccountAndCatalog {
  std::unique_ptr<ServiceProcess> account;
  std::unique_ptr<ServiceProcess> catalog;
};
absl::StatusOr<AccountAndCatalog> StartAccountAndCatalog(
    const std::string& account_binary, const std::string& catalog_binary, const std::string& dir,
    const std::string& redis_url, const std::string& postgres_url, const std::string& content_file);

// The grpc.health.v1 status of `service` ("" for the whole server), or -1
// when the call fails.
int HealthStatus(const std::shared_ptr<grpc::Channel>& channel, const std::string& service);

}  // namespace codingahead::e2e

#endif  // CODINGAHEAD_TESTS_PROCESS_HARNESS_H_
