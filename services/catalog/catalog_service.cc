#include "services/catalog/catalog_service.h"

#include "common/status.h"
#include "services/catalog/code_lookup.h"

namespace codingahead::catalog {

grpc::ServerUnaryReactor* CatalogServiceImpl::GetCode(grpc::CallbackServerContext* context,
                                                      const v1::GetCodeRequest* request,
                                                      v1::GetCodeResponse* response) {
  auto* reactor = context->DefaultReactor();
  absl::StatusOr<v1::Code> code = LookUpCode(*catalog_->Current(), *request);
  if (code.ok()) *response->mutable_code() = *std::move(code);
  reactor->Finish(common::ToGrpcStatus(code.status()));
  return reactor;
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetCatalogInfo(
    grpc::CallbackServerContext* context, const v1::GetCatalogInfoRequest* request,
    v1::GetCatalogInfoResponse* response) {
  auto* reactor = context->DefaultReactor();
  *response = DescribeCatalog(*catalog_->Current());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace codingahead::catalog
