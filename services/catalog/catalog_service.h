#ifndef CODINGAHEAD_SERVICES_CATALOG_CATALOG_SERVICE_H_
#define CODINGAHEAD_SERVICES_CATALOG_CATALOG_SERVICE_H_

#include <memory>

#include "absl/synchronization/mutex.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "services/catalog/catalog_index.h"

namespace codingahead::catalog {

// The serving catalog: readers take the current index, a new release is
// swapped in whole (readers holding the old one finish with it).
class CatalogHolder {
 public:
  explicit CatalogHolder(std::shared_ptr<const CatalogIndex> index) : index_(std::move(index)) {}
  std::shared_ptr<const CatalogIndex> Current() const {
    absl::ReaderMutexLock lock(&mu_);
    return index_;
  }
  void Swap(std::shared_ptr<const CatalogIndex> index) {
    absl::MutexLock lock(&mu_);
    index_.swap(index);
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const CatalogIndex> index_ ABSL_GUARDED_BY(mu_);
};

// gRPC glue for codingahead.catalog.v1.CatalogService. Lookups are in-memory
// and answer on the reactor thread without blocking; RPCs not built yet
// answer UNIMPLEMENTED (the generated default).
class CatalogServiceImpl final : public v1::CatalogService::CallbackService {
 public:
  explicit CatalogServiceImpl(const CatalogHolder* catalog) : catalog_(catalog) {}

  grpc::ServerUnaryReactor* GetCode(grpc::CallbackServerContext* context,
                                    const v1::GetCodeRequest* request,
                                    v1::GetCodeResponse* response) override;
  grpc::ServerUnaryReactor* GetCatalogInfo(grpc::CallbackServerContext* context,
                                           const v1::GetCatalogInfoRequest* request,
                                           v1::GetCatalogInfoResponse* response) override;

 private:
  const CatalogHolder* catalog_;
};

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_CATALOG_SERVICE_H_
