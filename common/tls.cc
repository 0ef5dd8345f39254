#include "common/tls.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/config.h"

ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain of this process: served when set (TLS), and presented to "
          "the services it calls (mTLS)");
ABSL_FLAG(std::string, tls_key_file, "",
          "PEM private key of --tls_cert_file (a secret: keep the file private)");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA bundle: servers verify client certificates with it, clients verify servers "
          "(and speak TLS when it is set)");
ABSL_FLAG(bool, tls_require_client_cert, false,
          "Servers refuse callers without a certificate signed by --tls_ca_file");
ABSL_FLAG(std::string, tls_server_name, "",
          "Clients: the name expected in the server certificate when it differs from the "
          "target's host");

namespace codingahead::common {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read --", flag, " file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string pem = buffer.str();
  if (pem.find("-----BEGIN ") == std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat("--", flag, " file ", path, " holds no PEM block"));
  }
  return pem;
}

// The key through the secret reader: its content never reaches a message.
absl::StatusOr<std::string> ReadKey(const std::string& path) {
  absl::StatusOr<std::string> key = ReadSecretFile(path);
  if (!key.ok()) return key.status();
  if (key->find("-----BEGIN ") == std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat("--tls_key_file file ", path, " holds no PEM block"));
  }
  return absl::StrCat(*key, "\n");
}

absl::Status CheckPair(const TlsConfig& config) {
  if (config.cert_file.empty() != config.key_file.empty()) {
    return absl::InvalidArgumentError("--tls_cert_file and --tls_key_file must be given together");
  }
  return absl::OkStatus();
}

}  // namespace

TlsConfig TlsConfigFromFlags() {
  TlsConfig config;
  config.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  config.key_file = absl::GetFlag(FLAGS_tls_key_file);
  config.ca_file = absl::GetFlag(FLAGS_tls_ca_file);
  config.require_client_cert = absl::GetFlag(FLAGS_tls_require_client_cert);
  config.server_name = absl::GetFlag(FLAGS_tls_server_name);
  return config;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsConfig& config) {
  if (absl::Status pair = CheckPair(config); !pair.ok()) return pair;
  if (config.require_client_cert && config.ca_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_require_client_cert needs --tls_ca_file to verify client certificates with");
  }
  if (!config.server_enabled()) {
    if (config.require_client_cert) {
      return absl::InvalidArgumentError(
          "--tls_require_client_cert needs --tls_cert_file and --tls_key_file");
    }
    return grpc::InsecureServerCredentials();
  }
  absl::StatusOr<std::string> cert = ReadPem(config.cert_file, "tls_cert_file");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadKey(config.key_file);
  if (!key.ok()) return key.status();
  grpc_ssl_client_certificate_request_type request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
  std::string ca;
  if (!config.ca_file.empty()) {
    absl::StatusOr<std::string> read = ReadPem(config.ca_file, "tls_ca_file");
    if (!read.ok()) return read.status();
    ca = *std::move(read);
    // A certificate, when sent, is always verified; required only when asked.
    request = config.require_client_cert
                  ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                  : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  grpc::SslServerCredentialsOptions options(request);
  options.pem_root_certs = ca;
  options.pem_key_cert_pairs.push_back({*std::move(key), *std::move(cert)});
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const TlsConfig& config) {
  if (absl::Status pair = CheckPair(config); !pair.ok()) return pair;
  if (!config.client_enabled()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  absl::StatusOr<std::string> ca = ReadPem(config.ca_file, "tls_ca_file");
  if (!ca.ok()) return ca.status();
  options.pem_root_certs = *std::move(ca);
  if (!config.cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadPem(config.cert_file, "tls_cert_file");
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadKey(config.key_file);
    if (!key.ok()) return key.status();
    options.pem_cert_chain = *std::move(cert);
    options.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateServiceChannel(const std::string& target,
                                                                    const TlsConfig& config,
                                                                    grpc::ChannelArguments args) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials(config);
  if (!credentials.ok()) return credentials.status();
  if (config.client_enabled() && !config.server_name.empty()) {
    args.SetSslTargetNameOverride(config.server_name);
  }
  return grpc::CreateCustomChannel(target, *credentials, args);
}

std::shared_ptr<grpc::Channel> CreateServiceChannelFromFlags(const std::string& target,
                                                             grpc::ChannelArguments args) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      CreateServiceChannel(target, TlsConfigFromFlags(), std::move(args));
  if (!channel.ok()) {
    fprintf(stderr, "TLS settings not usable: %s\n",
            std::string(channel.status().message()).c_str());
    std::exit(2);
  }
  return *std::move(channel);
}

}  // namespace codingahead::common
