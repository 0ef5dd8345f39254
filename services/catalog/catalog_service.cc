#include "services/catalog/catalog_service.h"

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/outbound.h"
#include "common/status.h"
#include "services/catalog/changes.h"
#include "services/catalog/code_lookup.h"
#include "services/catalog/code_page.h"
#include "services/catalog/edits.h"
#include "services/catalog/hierarchy.h"
#include "services/catalog/search_index.h"

namespace codingahead::catalog {
namespace {

constexpr size_t kMaxRequestIdLength = 128;

absl::Status ValidateRequestId(const std::string& request_id) {
  if (request_id.size() > kMaxRequestIdLength) {
    return common::InvalidArgumentError(
        "invalid GetCodePage request",
        {{"request_id", absl::StrCat("at most ", kMaxRequestIdLength, " characters")}});
  }
  for (char c : request_id) {
    if (c <= 0x20 || c >= 0x7F) {
      return common::InvalidArgumentError("invalid GetCodePage request",
                                          {{"request_id", "printable ASCII without spaces only"}});
    }
  }
  return absl::OkStatus();
}

v1::ViewAllowance ToViewAllowance(const account::v1::ConsumeViewResponse& consumed) {
  v1::ViewAllowance allowance;
  const account::v1::Allowance& views = consumed.views();
  allowance.set_unmetered(views.unmetered());
  allowance.set_views_remaining(views.remaining());
  allowance.set_views_limit(views.limit());
  allowance.set_charged(consumed.charged());
  allowance.set_plan(consumed.principal().plan().id());
  *allowance.mutable_period_end() = views.period_end();
  allowance.set_message(views.message());
  return allowance;
}

}  // namespace

grpc::ServerUnaryReactor* CatalogServiceImpl::GetCode(grpc::CallbackServerContext* context,
                                                      const grpc::ByteBuffer* raw_request,
                                                      grpc::ByteBuffer* raw_response) {
  return common::AnswerRawUnaryCall<v1::GetCodeRequest, v1::GetCodeResponse>(
      context, raw_request, raw_response,
      [this](const v1::GetCodeRequest& request) -> absl::StatusOr<v1::GetCodeResponse> {
        absl::StatusOr<v1::Code> code = LookUpCode(*catalog_->Current(), request);
        if (!code.ok()) return code.status();
        v1::GetCodeResponse response;
        *response.mutable_code() = *std::move(code);
        return response;
      });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetCodePage(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* raw_request,
                                                          grpc::ByteBuffer* raw_response) {
  using Call = common::RawUnaryCall<v1::GetCodePageRequest, v1::GetCodePageResponse>;
  Call* call;
  grpc::ServerUnaryReactor* reactor = Call::Start(context, raw_request, raw_response, &call);
  if (call == nullptr) return reactor;
  const v1::GetCodePageRequest& request = call->request();
  std::shared_ptr<const CatalogIndex> index = catalog_->Current();
  // Everything that can be refused is refused before a view is charged.
  v1::GetCodeRequest lookup;
  lookup.set_code(request.code());
  lookup.set_code_set(request.code_set());
  *lookup.mutable_date_of_service() = request.date_of_service();
  absl::StatusOr<v1::Code> header = LookUpCode(*index, lookup);
  if (!header.ok()) {
    call->Finish(header.status());
    return reactor;
  }
  if (absl::Status valid = ValidateRequestId(request.request_id()); !valid.ok()) {
    call->Finish(valid);
    return reactor;
  }
  absl::StatusOr<std::string> token = common::BearerToken(*context);
  if (!token.ok()) {
    call->Finish(absl::UnauthenticatedError(
        absl::StrCat(token.status().message(),
                     ". Code pages need a session: start a guest session or log in.")));
    return reactor;
  }

  account::v1::ConsumeViewRequest consume;
  consume.set_code(header->code());
  consume.set_code_set(v1::CodeSet_Name(header->code_set()));
  consume.set_request_id(request.request_id());

  common::OutboundCallOptions options;
  options.default_timeout = account_.timeout;
  options.service_credential = account_.credential;
  options.request_id = common::RequestIdOf(*context);
  options.bearer_token = *token;
  // The end user's address, decided here at the edge of the call graph.
  options.client_ip = common::ClientAddress(*context, credentials_->IsTrustedService(*context));
  options.incoming_deadline = common::IncomingDeadline(*context);

  // The payment section's PFS file follows the request's date of service
  // (the newest file without one); LookUpCode has validated the date.
  std::optional<absl::CivilDay> date_of_service;
  if (!common::IsUnsetDate(request.date_of_service())) {
    date_of_service = common::FromProtoDate(request.date_of_service());
  }

  auto* stub = account_.stub.get();
  common::CallAsync<account::v1::ConsumeViewRequest, account::v1::ConsumeViewResponse>(
      [stub](grpc::ClientContext* c, const account::v1::ConsumeViewRequest* q,
             account::v1::ConsumeViewResponse* r, std::function<void(grpc::Status)> done) {
        stub->async()->ConsumeView(c, q, r, std::move(done));
      },
      options, std::move(consume),
      [call, index, content = content_, terms = account_.cpt_terms_version,
       header = *std::move(header),
       date_of_service](absl::StatusOr<account::v1::ConsumeViewResponse> consumed) {
        if (!consumed.ok()) {
          // The account's answer (quota failure, session problem, store
          // down) goes back to the caller with its details.
          call->Finish(consumed.status());
          return;
        }
        // Licensed CPT text only under the configured terms (DESIGN.md §5).
        const bool licensed =
            !terms.empty() && consumed->principal().accepted_terms_version() == terms;
        v1::GetCodePageResponse response;
        *response.mutable_page() = BuildCodePage(
            *index, *content, header, consumed->sections_visible(), licensed, date_of_service);
        *response.mutable_allowance() = ToViewAllowance(*consumed);
        call->Finish(std::move(response));
      });
  return reactor;
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListChildren(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* raw_request,
                                                           grpc::ByteBuffer* raw_response) {
  return common::AnswerRawUnaryCall<v1::ListChildrenRequest, v1::ListChildrenResponse>(
      context, raw_request, raw_response, [this](const v1::ListChildrenRequest& request) {
        return catalog::ListChildren(*catalog_->Current(), request);
      });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::ListChanges(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* raw_request,
                                                          grpc::ByteBuffer* raw_response) {
  return common::AnswerRawUnaryCall<v1::ListChangesRequest, v1::ListChangesResponse>(
      context, raw_request, raw_response, [this](const v1::ListChangesRequest& request) {
        return catalog::ListChanges(*catalog_->Current(), request);
      });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::CheckEdits(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* raw_request,
                                                         grpc::ByteBuffer* raw_response) {
  // In memory and bounded (at most 100 lines): answered on the reactor thread.
  return common::AnswerRawUnaryCall<v1::CheckEditsRequest, v1::CheckEditsResponse>(
      context, raw_request, raw_response, [this](const v1::CheckEditsRequest& request) {
        std::shared_ptr<const CatalogIndex> index = catalog_->Current();
        return catalog::CheckEdits(index->Edits(), request);
      });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::SearchCodes(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* raw_request,
                                                          grpc::ByteBuffer* raw_response) {
  return common::AnswerRawUnaryCall<v1::SearchCodesRequest, v1::SearchCodesResponse>(
      context, raw_request, raw_response, [this](const v1::SearchCodesRequest& request) {
        return catalog::SearchCodes(*catalog_->Current(), request);
      });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::SuggestCodes(grpc::CallbackServerContext* context,
                                                           const grpc::ByteBuffer* raw_request,
                                                           grpc::ByteBuffer* raw_response) {
  return common::AnswerRawUnaryCall<v1::SuggestCodesRequest, v1::SuggestCodesResponse>(
      context, raw_request, raw_response, [this](const v1::SuggestCodesRequest& request) {
        return catalog::SuggestCodes(*catalog_->Current(), request);
      });
}

grpc::ServerUnaryReactor* CatalogServiceImpl::GetCatalogInfo(grpc::CallbackServerContext* context,
                                                             const grpc::ByteBuffer* raw_request,
                                                             grpc::ByteBuffer* raw_response) {
  return common::AnswerRawUnaryCall<v1::GetCatalogInfoRequest, v1::GetCatalogInfoResponse>(
      context, raw_request, raw_response, [this](const v1::GetCatalogInfoRequest&) {
        return absl::StatusOr<v1::GetCatalogInfoResponse>(DescribeCatalog(*catalog_->Current()));
      });
}

}  // namespace codingahead::catalog
