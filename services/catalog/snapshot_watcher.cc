#include "services/catalog/snapshot_watcher.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "tools/importer/snapshot_io.h"

namespace codingahead::catalog {

absl::StatusOr<std::shared_ptr<const CatalogIndex>> LoadSnapshotIndex(const std::string& path) {
  absl::StatusOr<snapshot_v1::Snapshot> snapshot = importer::ReadSnapshot(path);
  if (!snapshot.ok()) return snapshot.status();
  return CatalogIndex::Build(*std::move(snapshot), absl::Now());
}

SnapshotWatcher::SnapshotWatcher(CatalogHolder* holder, std::string snapshot_dir,
                                 std::string loaded_path)
    : holder_(holder), dir_(std::move(snapshot_dir)), loaded_path_(std::move(loaded_path)) {}

SnapshotWatcher::~SnapshotWatcher() { Stop(); }

void SnapshotWatcher::Start(absl::Duration interval) {
  if (thread_.joinable() || interval <= absl::ZeroDuration()) return;
  {
    absl::MutexLock lock(&mu_);
    stop_ = false;
  }
  thread_ = std::thread([this, interval] { Run(interval); });
}

void SnapshotWatcher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

std::string SnapshotWatcher::loaded_path() const {
  absl::MutexLock lock(&mu_);
  return loaded_path_;
}

int SnapshotWatcher::swaps() const {
  absl::MutexLock lock(&mu_);
  return swaps_;
}

void SnapshotWatcher::Run(absl::Duration interval) {
  absl::MutexLock lock(&mu_);
  while (!stop_) {
    mu_.AwaitWithTimeout(absl::Condition(&stop_), interval);
    if (stop_) break;
    mu_.Unlock();
    // Errors are logged by CheckOnce; the serving snapshot stays.
    (void)CheckOnce();
    mu_.Lock();
  }
}

absl::StatusOr<bool> SnapshotWatcher::CheckOnce() {
  absl::MutexLock check(&check_mu_);
  std::shared_ptr<const CatalogIndex> release_here;
  {
    // A retired index nobody reads any more is released here, off the
    // serving path.
    absl::MutexLock lock(&mu_);
    if (retired_ != nullptr && retired_.use_count() == 1) release_here = std::move(retired_);
  }
  release_here.reset();

  absl::StatusOr<std::string> path = importer::ResolveCurrentSnapshot(dir_);
  std::string loaded, failed;
  {
    absl::MutexLock lock(&mu_);
    loaded = loaded_path_;
    failed = failed_path_;
  }
  if (!path.ok()) {
    if (failed != "CURRENT") {
      common::LogLine(common::LogLevel::kWarning, "cannot resolve CURRENT; keeping the snapshot")
          .With("snapshot_dir", dir_)
          .With("error", path.status().ToString());
      absl::MutexLock lock(&mu_);
      failed_path_ = "CURRENT";
    }
    return path.status();
  }
  if (*path == loaded) return false;
  if (*path == failed) {
    return absl::FailedPreconditionError(
        absl::StrCat("snapshot ", *path, " failed to load before; keeping ", loaded));
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<std::shared_ptr<const CatalogIndex>> index = LoadSnapshotIndex(*path);
  if (!index.ok()) {
    common::LogLine(common::LogLevel::kError, "cannot load new snapshot; keeping the serving one")
        .With("path", *path)
        .With("serving", loaded)
        .With("error", index.status().ToString());
    absl::MutexLock lock(&mu_);
    failed_path_ = *path;
    return index.status();
  }
  const std::string snapshot_id = (*index)->snapshot().snapshot_id();
  const int releases = (*index)->snapshot().releases_size();
  std::shared_ptr<const CatalogIndex> old = holder_->Swap(*std::move(index));
  {
    absl::MutexLock lock(&mu_);
    loaded_path_ = *path;
    failed_path_.clear();
    ++swaps_;
    // Keep the old index until a later check finds no reader holding it.
    release_here = std::move(retired_);
    retired_ = std::move(old);
  }
  release_here.reset();
  common::LogLine(common::LogLevel::kInfo, "snapshot swapped")
      .With("snapshot_id", snapshot_id)
      .With("releases", releases)
      .With("path", *path)
      .With("load_ms", absl::ToInt64Milliseconds(absl::Now() - start));
  return true;
}

}  // namespace codingahead::catalog
