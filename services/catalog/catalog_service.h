#ifndef CODINGAHEAD_SERVICES_CATALOG_CATALOG_SERVICE_H_
#define CODINGAHEAD_SERVICES_CATALOG_CATALOG_SERVICE_H_

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "account/v1/account.grpc.pb.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "common/metadata.h"
#include "common/raw_unary_call.h"
#include "services/catalog/catalog_index.h"
#include "services/catalog/content_store.h"

namespace codingahead::catalog {

// The serving catalog: readers take the current index, a new release is
// swapped in whole (readers holding the old one finish with it). RCU-style:
// the index is built off the serving path and only the pointer changes under
// the lock, which is never held while anything else is done (the old index
// is handed back to the caller, so its destruction happens outside the lock
// and, for the snapshot watcher, off the reactor threads).
class CatalogHolder {
 public:
  explicit CatalogHolder(std::shared_ptr<const CatalogIndex> index) : index_(std::move(index)) {}
  std::shared_ptr<const CatalogIndex> Current() const {
    absl::ReaderMutexLock lock(&mu_);
    return index_;
  }
  // Installs `index` and returns the one it replaces.
  std::shared_ptr<const CatalogIndex> Swap(std::shared_ptr<const CatalogIndex> index) {
    {
      absl::MutexLock lock(&mu_);
      index_.swap(index);
    }
    return index;
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const CatalogIndex> index_ ABSL_GUARDED_BY(mu_);
};

// How the catalog reaches the account service for metered pages.
struct AccountClientConfig {
  std::shared_ptr<account::v1::AccountService::StubInterface> stub;
  // The credential the catalog presents (x-service-credential).
  std::string credential;
  // Cap on each ConsumeView call.
  absl::Duration timeout = absl::Milliseconds(300);
  // Licensed CPT descriptors are shown on code pages to principals whose
  // accepted terms version is this one (DESIGN.md §5); empty: to nobody.
  std::string cpt_terms_version;
};

// Every method served from its raw bytes through common::RawUnaryCall, so a
// request protobuf refuses (a string that is not UTF-8) gets INVALID_ARGUMENT
// naming the field instead of the callback API's bare UNIMPLEMENTED.
using RawCatalogService = v1::CatalogService::WithRawCallbackMethod_GetCode<
    v1::CatalogService::WithRawCallbackMethod_GetCodePage<
        v1::CatalogService::WithRawCallbackMethod_ListChildren<
            v1::CatalogService::WithRawCallbackMethod_ListChanges<
                v1::CatalogService::WithRawCallbackMethod_SearchCodes<
                    v1::CatalogService::WithRawCallbackMethod_SuggestCodes<
                        v1::CatalogService::WithRawCallbackMethod_CheckEdits<
                            v1::CatalogService::WithRawCallbackMethod_GetCatalogInfo<
                                v1::CatalogService::Service>>>>>>>>;

// gRPC glue for codingahead.catalog.v1.CatalogService. Lookups are in-memory
// and answer on the reactor thread without blocking; GetCodePage waits for
// the account service asynchronously.
class CatalogServiceImpl final : public RawCatalogService {
 public:
  CatalogServiceImpl(const CatalogHolder* catalog, std::shared_ptr<const ContentStore> content,
                     AccountClientConfig account, const common::CallerCredentials* credentials)
      : catalog_(catalog),
        content_(std::move(content)),
        account_(std::move(account)),
        credentials_(credentials) {}

  grpc::ServerUnaryReactor* GetCode(grpc::CallbackServerContext* context,
                                    const grpc::ByteBuffer* raw_request,
                                    grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* GetCodePage(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* raw_request,
                                        grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* ListChildren(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* raw_request,
                                         grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* raw_request,
                                        grpc::ByteBuffer* raw_response) override;
  // Search answers on the reactor thread: in memory (Xapian handles from a
  // pool whose lock is held only to take or return one).
  grpc::ServerUnaryReactor* SearchCodes(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* raw_request,
                                        grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* SuggestCodes(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* raw_request,
                                         grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* CheckEdits(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* raw_request,
                                       grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* GetCatalogInfo(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* raw_request,
                                           grpc::ByteBuffer* raw_response) override;

 private:
  const CatalogHolder* catalog_;
  std::shared_ptr<const ContentStore> content_;
  AccountClientConfig account_;
  const common::CallerCredentials* credentials_;
};

}  // namespace codingahead::catalog

#endif  // CODINGAHEAD_SERVICES_CATALOG_CATALOG_SERVICE_H_
