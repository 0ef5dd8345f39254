#ifndef CODINGAHEAD_SERVICES_CATALOG_SNAPSHOT_WATCHER_H_
#define CODINGAHEAD_SERVICES_CATALOG_SNAPSHOT_WATCHER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/catalog/catalog_service.h"

namespace codingahead::catalog {

// Reads the snapshot file at `path` and indexes it (the slow part of a
// release swap: run it off the serving path).
absl::StatusOr<std::shared_ptr<const CatalogIndex>> LoadSnapshotIndex(const std::string& path);

// Release swap without a restart: watches `<snapshot_dir>/CURRENT` on its
// own thread and, when it names another snapshot file, reads and indexes that
// file on the same thread, then swaps it into the holder. A snapshot that
// cannot be read or indexed is logged once and the serving one kept (it is
// retried only when CURRENT changes again). The index a swap retires is
// released on the watcher thread at a later check once no reader holds it,
// so a large index is not torn down on a reactor thread.
class SnapshotWatcher {
 public:
  // `loaded_path` is the snapshot file the holder serves now.
  SnapshotWatcher(CatalogHolder* holder, std::string snapshot_dir, std::string loaded_path);
  ~SnapshotWatcher();  // Stop()s

  SnapshotWatcher(const SnapshotWatcher&) = delete;
  SnapshotWatcher& operator=(const SnapshotWatcher&) = delete;

  // Starts checking every `interval` (> 0) on a background thread.
  void Start(absl::Duration interval);
  // Stops and joins the thread; harmless when not started.
  void Stop();

  // One check, on the caller's thread: true when a new snapshot was swapped
  // in; an error when CURRENT names a snapshot that fails to load (the
  // serving one is kept) or CURRENT cannot be resolved.
  absl::StatusOr<bool> CheckOnce();

  // The snapshot file currently served.
  std::string loaded_path() const;
  int swaps() const;

 private:
  void Run(absl::Duration interval);

  CatalogHolder* holder_;
  const std::string dir_;
  mutable absl::Mutex mu_;
  std::string loaded_path_ ABSL_GUARDED_BY(mu_);
  std::string failed_path_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const CatalogIndex> retired_ ABSL_GUARDED_BY(mu_);
  int swaps_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  // Serialises CheckOnce (the background thread and callers).
  absl::Mutex check_mu_;
  std::thread thread_;
};

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_SNAPSHOT_WATCHER_H_
