// mTLS between the suite's processes (docs/security.md): the real ca-account
// serving with certificates from scripts/make-certs.sh and requiring client
// certificates, and a real ca-catalog calling it over mTLS; real Redis and
// PostgreSQL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "account/v1/account.grpc.pb.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "common/metadata.h"
#include "common/testing/postgres_server.h"
#include "common/testing/redis_server.h"
#include "common/tls.h"
#include "tests/process_harness.h"

namespace codingahead::e2e {
namespace {

namespace account_v1 = ::codingahead::account::v1;
namespace catalog_v1 = ::codingahead::catalog::v1;

constexpr char kServiceCredential[] = "front-end-credential-tls-0123456789abcdef0123";

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("ca-tls-e2e");
    certs_ = dir_->path() + "/certs";
    CommandResult made = RunCommand({"bash", CA_MAKE_CERTS_SCRIPT, certs_});
    ASSERT_EQ(made.exit_code, 0) << made.output;
    // A client certificate nobody signed: the CA must not accept it.
    CommandResult self_signed = RunCommand({"openssl",
                                            "req",
                                            "-x509",
                                            "-newkey",
                                            "ec",
                                            "-pkeyopt",
                                            "ec_paramgen_curve:prime256v1",
                                            "-nodes",
                                            "-keyout",
                                            certs_ + "/self-key.pem",
                                            "-out",
                                            certs_ + "/self.pem",
                                            "-days",
                                            "1",
                                            "-subj",
                                            "/CN=codingahead client",
                                            "-addext",
                                            "extendedKeyUsage=clientAuth,serverAuth",
                                            "-addext",
                                            "subjectAltName=DNS:localhost,IP:127.0.0.1"});
    ASSERT_EQ(self_signed.exit_code, 0) << self_signed.output;
    CommandResult imported =
        RunCommand({CA_IMPORT_BINARY, absl::StrCat("--cpt_file=", CA_CPT_SAMPLE_FILE),
                    absl::StrCat("--out_dir=", dir_->path(), "/catalog")});
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
    std::ofstream(dir_->path() + "/service-credential") << kServiceCredential << "\n";
    auto postgres = testing::PostgresServer::Start();
    ASSERT_TRUE(postgres.ok()) << postgres.status();
    postgres_ = postgres->release();
  }
  static void TearDownTestSuite() {
    delete postgres_;
    delete dir_;
  }

  void SetUp() override {
    auto redis = testing::RedisServer::Start({});
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    static int database = 0;
    auto db_url = postgres_->CreateDatabase(absl::StrCat("tls_", ++database));
    ASSERT_TRUE(db_url.ok()) << db_url.status();
    auto account = ServiceProcess::Start(
        CA_ACCOUNT_BINARY, "account", dir_->path(),
        {absl::StrCat("--redis_url=", redis_->url()), absl::StrCat("--postgres_url=", *db_url),
         absl::StrCat("--service_credentials_file=", dir_->path(), "/service-credential"),
         absl::StrCat("--tls_cert_file=", certs_, "/server.pem"),
         absl::StrCat("--tls_key_file=", certs_, "/server-key.pem"),
         absl::StrCat("--tls_ca_file=", certs_, "/ca.pem"), "--tls_require_client_cert"},
        Credentials(Client("client")));
    ASSERT_TRUE(account.ok()) << account.status();
    account_ = *std::move(account);
  }

  // A client's TLS settings: `cert` "client", "self" or "" (none), trusting
  // `ca_file` (default: the suite's CA).
  static common::TlsConfig Client(const std::string& cert, const std::string& ca_file = "") {
    common::TlsConfig config;
    config.ca_file = ca_file.empty() ? certs_ + "/ca.pem" : ca_file;
    if (!cert.empty()) {
      config.cert_file = absl::StrCat(certs_, "/", cert, ".pem");
      config.key_file = absl::StrCat(certs_, "/", cert, "-key.pem");
    }
    return config;
  }

  static std::shared_ptr<grpc::ChannelCredentials> Credentials(const common::TlsConfig& config) {
    auto credentials = common::MakeChannelCredentials(config);
    EXPECT_TRUE(credentials.ok()) << credentials.status();
    return credentials.ok() ? *credentials : nullptr;
  }

  // StartGuestSession over a fresh channel with `credentials`.
  grpc::Status GuestOver(std::shared_ptr<grpc::ChannelCredentials> credentials,
                         const std::string& target = "") {
    auto stub = account_v1::AccountService::NewStub(
        grpc::CreateChannel(target.empty() ? account_->target() : target, std::move(credentials)));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    account_v1::StartGuestSessionResponse response;
    grpc::Status status =
        stub->StartGuestSession(&context, account_v1::StartGuestSessionRequest(), &response);
    if (status.ok()) {
      EXPECT_FALSE(response.session().token().empty());
    }
    return status;
  }

  static testing::TempDir* dir_;
  static std::string certs_;
  static testing::PostgresServer* postgres_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<ServiceProcess> account_;
};

testing::TempDir* TlsTest::dir_ = nullptr;
std::string TlsTest::certs_;
testing::PostgresServer* TlsTest::postgres_ = nullptr;

TEST_F(TlsTest, ClientWithACaSignedCertificateIsServed) {
  grpc::Status status = GuestOver(Credentials(Client("client")));
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  // localhost is in the server certificate too.
  status = GuestOver(Credentials(Client("client")), absl::StrCat("localhost:", account_->port()));
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
}

TEST_F(TlsTest, ClientWithoutACertificateIsRefused) {
  grpc::Status status = GuestOver(Credentials(Client("")));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(TlsTest, ClientWithASelfSignedCertificateIsRefused) {
  grpc::Status status = GuestOver(Credentials(Client("self")));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(TlsTest, PlaintextIsRefused) {
  grpc::Status status = GuestOver(grpc::InsecureChannelCredentials());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(TlsTest, ClientRefusesAServerItsCaDidNotSign) {
  // Trusting only the self-signed certificate: the service's certificate
  // (signed by the suite's CA) does not verify.
  grpc::Status status = GuestOver(Credentials(Client("client", certs_ + "/self.pem")));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(TlsTest, VerifiedClientCertificateIsAServiceIdentityForTheClientAddress) {
  auto stub = account_v1::AccountService::NewStub(account_->channel());
  // No x-service-credential: the mTLS identity alone makes x-client-ip count,
  // so two guests at two claimed addresses each get their view (were the
  // header ignored, both would be 127.0.0.1 and the second refused).
  for (const std::string ip : {"192.0.2.10", "192.0.2.11"}) {
    grpc::ClientContext guest_context;
    account_v1::StartGuestSessionResponse guest;
    ASSERT_TRUE(
        stub->StartGuestSession(&guest_context, account_v1::StartGuestSessionRequest(), &guest)
            .ok());
    grpc::ClientContext context;
    context.AddMetadata(common::kAuthorizationHeader, "Bearer " + guest.session().token());
    context.AddMetadata(common::kClientIpHeader, ip);
    account_v1::ConsumeViewRequest request;
    request.set_code("E0601");
    request.set_code_set("HCPCS");
    account_v1::ConsumeViewResponse response;
    grpc::Status status = stub->ConsumeView(&context, request, &response);
    EXPECT_TRUE(status.ok()) << ip << ": " << status.error_message();
  }
}

TEST_F(TlsTest, CactlSpeaksMutualTlsFromItsFlags) {
  const std::vector<std::string> health = {CA_CACTL_BINARY, "health",
                                           "--target=" + account_->target()};
  CommandResult plaintext = RunCommand(health);
  EXPECT_NE(plaintext.exit_code, 0) << plaintext.output;
  std::vector<std::string> with_tls = health;
  with_tls.push_back("--tls_ca_file=" + certs_ + "/ca.pem");
  with_tls.push_back("--tls_cert_file=" + certs_ + "/client.pem");
  with_tls.push_back("--tls_key_file=" + certs_ + "/client-key.pem");
  CommandResult served = RunCommand(with_tls);
  EXPECT_EQ(served.exit_code, 0) << served.output;
  EXPECT_THAT(served.output, ::testing::HasSubstr("SERVING"));
  // A key file that is not there stops it with a message, not a plaintext call.
  with_tls.back() = "--tls_key_file=" + certs_ + "/missing-key.pem";
  CommandResult broken = RunCommand(with_tls);
  EXPECT_EQ(broken.exit_code, 2) << broken.output;
  EXPECT_THAT(broken.output, ::testing::HasSubstr("TLS settings not usable"));
}

TEST_F(TlsTest, KeyWithoutCertificateIsAConfigurationError) {
  common::TlsConfig config = Client("client");
  config.cert_file.clear();
  EXPECT_EQ(common::MakeChannelCredentials(config).status().code(),
            absl::StatusCode::kInvalidArgument);
  common::TlsConfig server;
  server.require_client_cert = true;
  EXPECT_EQ(common::MakeServerCredentials(server).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(TlsTest, CatalogCallsTheAccountServiceOverMutualTls) {
  const std::string target = absl::StrCat("localhost:", account_->port());
  // The catalog serves TLS too (clients must present a certificate) and
  // presents the services' certificate to the account service.
  auto catalog = ServiceProcess::Start(
      CA_CATALOG_BINARY, "catalog", dir_->path(),
      {absl::StrCat("--snapshot_dir=", dir_->path(), "/catalog"),
       absl::StrCat("--account_target=", target),
       absl::StrCat("--client_credential_file=", dir_->path(), "/service-credential"),
       absl::StrCat("--service_credentials_file=", dir_->path(), "/service-credential"),
       absl::StrCat("--tls_cert_file=", certs_, "/server.pem"),
       absl::StrCat("--tls_key_file=", certs_, "/server-key.pem"),
       absl::StrCat("--tls_ca_file=", certs_, "/ca.pem"), "--tls_require_client_cert"},
      Credentials(Client("client")));
  ASSERT_TRUE(catalog.ok()) << catalog.status();

  auto account_stub = account_v1::AccountService::NewStub(account_->channel());
  grpc::ClientContext guest_context;
  account_v1::StartGuestSessionResponse guest;
  ASSERT_TRUE(
      account_stub
          ->StartGuestSession(&guest_context, account_v1::StartGuestSessionRequest(), &guest)
          .ok());

  auto catalog_stub = catalog_v1::CatalogService::NewStub((*catalog)->channel());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  context.AddMetadata(common::kServiceCredentialHeader, kServiceCredential);
  context.AddMetadata(common::kAuthorizationHeader, "Bearer " + guest.session().token());
  catalog_v1::GetCodePageRequest request;
  request.set_code("99213");
  catalog_v1::GetCodePageResponse response;
  grpc::Status status = catalog_stub->GetCodePage(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_code() << " " << status.error_message() << "\n"
                           << (*catalog)->Log();
  EXPECT_TRUE(response.allowance().charged());
  EXPECT_EQ(response.page().code().code(), "99213");
}

}  // namespace
}  // namespace codingahead::e2e
