// The catalog service: loads the imported snapshot into memory and serves
// Case2Code.
#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "common/server.h"
#include "common/tls.h"
#include "services/catalog/catalog_service.h"
#include "services/catalog/snapshot_watcher.h"
#include "tools/importer/snapshot_io.h"

ABSL_FLAG(std::string, snapshot_dir, "var/catalog",
          "Folder the importer writes to; its CURRENT file names the snapshot to load");
ABSL_FLAG(int, snapshot_poll_seconds, 10,
          "How often to check <snapshot_dir>/CURRENT for a new snapshot to swap in "
          "without a restart; 0 disables");
ABSL_FLAG(std::string, content_file, "",
          "Common language descriptions (code, code set, text; tab-separated); empty: none");
ABSL_FLAG(std::string, account_target, "127.0.0.1:50052", "The account service (gRPC target)");
ABSL_FLAG(int, account_timeout_ms, 300, "Cap on each call to the account service");
ABSL_FLAG(std::string, cpt_terms_version, "2026",
          "The CPT licence terms version a user must have accepted (AcceptTerms) to see "
          "licensed CPT descriptors on code pages: the account service's --cpt_terms_version");
ABSL_FLAG(std::string, client_credential_file, "",
          "The credential this service presents to the services it calls "
          "(or set CODINGAHEAD_CLIENT_CREDENTIAL)");

namespace codingahead::catalog {
namespace {

int Main() {
  common::ServerConfig config =
      common::ServerConfigFromFlags({"catalog", /*grpc_port=*/50051, /*metrics_port=*/9101});
  std::string dir = absl::GetFlag(FLAGS_snapshot_dir);
  absl::StatusOr<std::string> path = importer::ResolveCurrentSnapshot(dir);
  if (!path.ok()) {
    common::LogLine(common::LogLevel::kError, "no snapshot to load")
        .With("snapshot_dir", dir)
        .With("error", path.status().ToString());
    return 1;
  }
  absl::Time start = absl::Now();
  auto index = LoadSnapshotIndex(*path);
  if (!index.ok()) {
    common::LogLine(common::LogLevel::kError, "cannot load snapshot")
        .With("path", *path)
        .With("error", index.status().ToString());
    return 1;
  }
  common::LogLine(common::LogLevel::kInfo, "snapshot loaded")
      .With("snapshot_id", (*index)->snapshot().snapshot_id())
      .With("releases", (*index)->snapshot().releases_size())
      .With("load_ms", absl::ToInt64Milliseconds(absl::Now() - start));
  CatalogHolder holder(*std::move(index));
  // New releases are swapped in by a background thread, never a reactor.
  SnapshotWatcher watcher(&holder, dir, *path);
  if (const int poll = absl::GetFlag(FLAGS_snapshot_poll_seconds); poll > 0) {
    watcher.Start(absl::Seconds(poll));
  }

  auto content = std::make_shared<ContentStore>();
  if (std::string file = absl::GetFlag(FLAGS_content_file); !file.empty()) {
    auto loaded = ContentStore::LoadFile(file);
    if (!loaded.ok()) {
      common::LogLine(common::LogLevel::kError, "cannot load content")
          .With("error", loaded.status().ToString());
      return 1;
    }
    *content = *std::move(loaded);
  }
  auto credentials = common::CallerCredentials::LoadFromFiles(
      common::ServiceCredentialsFileFlag(), common::OperatorCredentialsFileFlag());
  auto own_credential = common::LoadSecret(absl::GetFlag(FLAGS_client_credential_file),
                                           "CODINGAHEAD_CLIENT_CREDENTIAL");
  if (!credentials.ok() || !own_credential.ok()) {
    common::LogLine(common::LogLevel::kError, "cannot load credentials")
        .With("error",
              (!credentials.ok() ? credentials.status() : own_credential.status()).ToString());
    return 1;
  }
  AccountClientConfig account;
  account.stub = account::v1::AccountService::NewStub(
      common::CreateServiceChannelFromFlags(absl::GetFlag(FLAGS_account_target)));
  account.credential = *own_credential;
  account.timeout = absl::Milliseconds(absl::GetFlag(FLAGS_account_timeout_ms));
  account.cpt_terms_version = absl::GetFlag(FLAGS_cpt_terms_version);
  CatalogServiceImpl service(&holder, content, std::move(account), &*credentials);
  const int exit_code =
      common::RunUntilSignalled(config, std::make_shared<prometheus::Registry>(), {&service},
                                {"codingahead.catalog.v1.CatalogService"});
  watcher.Stop();
  return exit_code;
}

}  // namespace
}  // namespace codingahead::catalog

int main(int argc, char** argv) {
  codingahead::common::BlockTerminationSignals();
  codingahead::common::ParseFlagsWithEnv(argc, argv);
  return codingahead::catalog::Main();
}
