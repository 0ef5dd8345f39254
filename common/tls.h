#ifndef CODINGAHEAD_COMMON_TLS_H_
#define CODINGAHEAD_COMMON_TLS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

// Optional (mutual) TLS between the suite's processes, from configuration
// (docs/security.md). One set of flags per process, used both for what it
// serves and for the channels it opens:
//   --tls_cert_file / --tls_key_file   this process's certificate chain and
//                                      private key (PEM; the key is a secret)
//   --tls_ca_file                      the CA bundle peers are verified with
//   --tls_require_client_cert          servers refuse clients without a
//                                      certificate signed by that CA
//   --tls_server_name                  clients: the name expected in the
//                                      server's certificate instead of the
//                                      target's host
// each with its environment twin (CODINGAHEAD_TLS_CERT_FILE, ...). Without
// any of them everything stays plaintext (local runs, tests).
namespace codingahead::common {

struct TlsConfig {
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
  bool require_client_cert = false;
  std::string server_name;

  // A server listens with TLS when it has a certificate.
  bool server_enabled() const { return !cert_file.empty(); }
  // A client speaks TLS when it has a CA to verify the server with.
  bool client_enabled() const { return !ca_file.empty(); }
};

// The --tls_* flags.
TlsConfig TlsConfigFromFlags();

// Insecure credentials when `config` has no certificate; otherwise TLS with
// this certificate, verifying client certificates against the CA when one is
// given (and refusing clients without one when require_client_cert).
// INVALID_ARGUMENT for inconsistent settings, NOT_FOUND / FAILED_PRECONDITION
// when a file cannot be read; never quotes the key.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsConfig& config);

// Insecure credentials when `config` has no CA; otherwise TLS verifying the
// server against the CA, presenting the certificate and key when given.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const TlsConfig& config);

// A channel to `target` with MakeChannelCredentials(config) and `args` (the
// server name override is added when configured).
absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateServiceChannel(
    const std::string& target, const TlsConfig& config,
    grpc::ChannelArguments args = grpc::ChannelArguments());

// CreateServiceChannel with the --tls_* flags; exits with a message (as a
// bad flag does) when they are not usable. For binaries' start-up.
std::shared_ptr<grpc::Channel> CreateServiceChannelFromFlags(
    const std::string& target, grpc::ChannelArguments args = grpc::ChannelArguments());

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_TLS_H_
