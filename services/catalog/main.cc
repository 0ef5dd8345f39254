// The catalog service: loads the imported snapshot into memory and serves
// Case2Code.
#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "common/config.h"
#include "common/log.h"
#include "common/server.h"
#include "services/catalog/catalog_service.h"
#include "tools/importer/snapshot_io.h"

ABSL_FLAG(std::string, snapshot_dir, "var/catalog",
          "Folder the importer writes to; its CURRENT file names the snapshot to load");

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
  absl::StatusOr<snapshot_v1::Snapshot> snapshot = importer::ReadSnapshot(*path);
  if (!snapshot.ok()) {
    common::LogLine(common::LogLevel::kError, "cannot read snapshot")
        .With("path", *path)
        .With("error", snapshot.status().ToString());
    return 1;
  }
  auto index = CatalogIndex::Build(*std::move(snapshot), absl::Now());
  if (!index.ok()) {
    common::LogLine(common::LogLevel::kError, "cannot index snapshot")
        .With("error", index.status().ToString());
    return 1;
  }
  common::LogLine(common::LogLevel::kInfo, "snapshot loaded")
      .With("snapshot_id", (*index)->snapshot().snapshot_id())
      .With("releases", (*index)->snapshot().releases_size())
      .With("load_ms", absl::ToInt64Milliseconds(absl::Now() - start));
  CatalogHolder holder(*std::move(index));
  CatalogServiceImpl service(&holder);
  return common::RunUntilSignalled(config, std::make_shared<prometheus::Registry>(), {&service},
                                   {"codingahead.catalog.v1.CatalogService"});
}

}  // namespace
}  // namespace codingahead::catalog

int main(int argc, char** argv) {
  codingahead::common::BlockTerminationSignals();
  codingahead::common::ParseFlagsWithEnv(argc, argv);
  return codingahead::catalog::Main();
}
