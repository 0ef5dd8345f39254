#include "services/account/account_service.h"

#include <functional>
#include <memory>
#include <utility>

#include "common/status.h"

namespace codingahead::account {
namespace {

constexpr char kOverloaded[] = "account service overloaded: retry later";

template <typename Request, typename Response>
using Call = common::RawUnaryCall<Request, Response>;

// Runs `work` on `pool`; when the pool refuses it, finishes `call` with
// UNAVAILABLE instead. Returns whether `work` was scheduled.
template <typename CallType>
bool RunOn(common::ThreadPool* pool, CallType* call, std::function<void()> work) {
  if (pool->TrySchedule(std::move(work))) return true;
  call->Finish(absl::UnavailableError(kOverloaded));
  return false;
}

// The usual shape: one logic call on the store pool. `fn` gets the request.
template <typename Request, typename Response, typename Fn>
void OnStorePool(common::ThreadPool* pool, Call<Request, Response>* call, Fn fn) {
  RunOn(pool, call, [call, fn = std::move(fn)]() mutable { call->Finish(fn(call->request())); });
}

}  // namespace

AccountServiceImpl::AccountServiceImpl(AccountLogic* logic,
                                       const common::CallerCredentials* credentials,
                                       common::ThreadPool* store_pool,
                                       common::ThreadPool* hash_pool, bool nonblocking_stores)
    : logic_(logic),
      credentials_(credentials),
      store_pool_(store_pool),
      hash_pool_(hash_pool),
      nonblocking_stores_(nonblocking_stores) {}

Caller AccountServiceImpl::CallerOf(const grpc::CallbackServerContext& context) const {
  Caller caller;
  if (common::GetMetadata(context, common::kAuthorizationHeader).has_value()) {
    caller.bearer = common::BearerToken(context);
  }
  caller.client_address = common::ClientAddress(context, credentials_->IsTrustedService(context));
  return caller;
}

grpc::ServerUnaryReactor* AccountServiceImpl::StartGuestSession(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
    grpc::ByteBuffer* raw_response) {
  Call<v1::StartGuestSessionRequest, v1::StartGuestSessionResponse>* call;
  grpc::ServerUnaryReactor* reactor =
      Call<v1::StartGuestSessionRequest, v1::StartGuestSessionResponse>::Start(context, raw_request,
                                                                               raw_response, &call);
  if (call == nullptr) return reactor;
  OnStorePool(store_pool_, call, [this, caller = CallerOf(*context)](const auto&) {
    return logic_->StartGuestSession(caller);
  });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::Register(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* raw_request,
                                                       grpc::ByteBuffer* raw_response) {
  Call<v1::RegisterRequest, v1::RegisterResponse>* call;
  grpc::ServerUnaryReactor* reactor = Call<v1::RegisterRequest, v1::RegisterResponse>::Start(
      context, raw_request, raw_response, &call);
  if (call == nullptr) return reactor;
  RunOn(store_pool_, call, [this, call, caller = CallerOf(*context)] {
    absl::StatusOr<RegisterDraft> draft = logic_->PrepareRegister(call->request(), caller);
    if (!draft.ok()) {
      call->Finish(draft.status());
      return;
    }
    auto shared = std::make_shared<RegisterDraft>(*std::move(draft));
    RunOn(hash_pool_, call, [this, call, shared] {
      auto hash = std::make_shared<absl::StatusOr<std::string>>(
          logic_->HashPassword(call->request().password()));
      if (!hash->ok()) {
        call->Finish(hash->status());
        return;
      }
      RunOn(store_pool_, call, [this, call, shared, hash] {
        call->Finish(logic_->CompleteRegister(*shared, **hash));
      });
    });
  });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::Login(grpc::CallbackServerContext* context,
                                                    const grpc::ByteBuffer* raw_request,
                                                    grpc::ByteBuffer* raw_response) {
  Call<v1::LoginRequest, v1::LoginResponse>* call;
  grpc::ServerUnaryReactor* reactor =
      Call<v1::LoginRequest, v1::LoginResponse>::Start(context, raw_request, raw_response, &call);
  if (call == nullptr) return reactor;
  RunOn(store_pool_, call, [this, call, caller = CallerOf(*context)] {
    absl::StatusOr<LoginAttempt> attempt = logic_->PrepareLogin(call->request(), caller);
    if (!attempt.ok()) {
      call->Finish(attempt.status());
      return;
    }
    auto shared = std::make_shared<LoginAttempt>(*std::move(attempt));
    RunOn(hash_pool_, call, [this, call, shared] {
      PasswordCheck check = logic_->VerifyPassword(*shared, call->request().password());
      RunOn(store_pool_, call, [this, call, shared, check = std::move(check)] {
        call->Finish(logic_->CompleteLogin(*shared, check));
      });
    });
  });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::Logout(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* raw_request,
                                                     grpc::ByteBuffer* raw_response) {
  Call<v1::LogoutRequest, v1::LogoutResponse>* call;
  grpc::ServerUnaryReactor* reactor =
      Call<v1::LogoutRequest, v1::LogoutResponse>::Start(context, raw_request, raw_response, &call);
  if (call == nullptr) return reactor;
  OnStorePool(store_pool_, call,
              [this, caller = CallerOf(*context)](const auto&) { return logic_->Logout(caller); });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::LogoutAll(grpc::CallbackServerContext* context,
                                                        const grpc::ByteBuffer* raw_request,
                                                        grpc::ByteBuffer* raw_response) {
  Call<v1::LogoutAllRequest, v1::LogoutAllResponse>* call;
  grpc::ServerUnaryReactor* reactor = Call<v1::LogoutAllRequest, v1::LogoutAllResponse>::Start(
      context, raw_request, raw_response, &call);
  if (call == nullptr) return reactor;
  OnStorePool(store_pool_, call, [this, caller = CallerOf(*context)](const auto&) {
    return logic_->LogoutAll(caller);
  });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::ChangePassword(grpc::CallbackServerContext* context,
                                                             const grpc::ByteBuffer* raw_request,
                                                             grpc::ByteBuffer* raw_response) {
  Call<v1::ChangePasswordRequest, v1::ChangePasswordResponse>* call;
  grpc::ServerUnaryReactor* reactor =
      Call<v1::ChangePasswordRequest, v1::ChangePasswordResponse>::Start(context, raw_request,
                                                                         raw_response, &call);
  if (call == nullptr) return reactor;
  RunOn(store_pool_, call, [this, call, caller = CallerOf(*context)] {
    absl::StatusOr<PasswordChange> change = logic_->PrepareChangePassword(call->request(), caller);
    if (!change.ok()) {
      call->Finish(change.status());
      return;
    }
    auto shared = std::make_shared<PasswordChange>(*std::move(change));
    RunOn(hash_pool_, call, [this, call, shared] {
      auto check = std::make_shared<absl::StatusOr<PasswordCheck>>(
          logic_->HashChangedPassword(*shared, call->request()));
      if (!check->ok()) {
        call->Finish(check->status());
        return;
      }
      RunOn(store_pool_, call, [this, call, shared, check] {
        call->Finish(logic_->CompleteChangePassword(*shared, **check));
      });
    });
  });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::AcceptTerms(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* raw_request,
                                                          grpc::ByteBuffer* raw_response) {
  Call<v1::AcceptTermsRequest, v1::AcceptTermsResponse>* call;
  grpc::ServerUnaryReactor* reactor = Call<v1::AcceptTermsRequest, v1::AcceptTermsResponse>::Start(
      context, raw_request, raw_response, &call);
  if (call == nullptr) return reactor;
  OnStorePool(store_pool_, call,
              [this, caller = CallerOf(*context)](const v1::AcceptTermsRequest& request) {
                return logic_->AcceptTerms(request, caller);
              });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::ValidateSession(grpc::CallbackServerContext* context,
                                                              const grpc::ByteBuffer* raw_request,
                                                              grpc::ByteBuffer* raw_response) {
  Call<v1::ValidateSessionRequest, v1::ValidateSessionResponse>* call;
  grpc::ServerUnaryReactor* reactor =
      Call<v1::ValidateSessionRequest, v1::ValidateSessionResponse>::Start(context, raw_request,
                                                                           raw_response, &call);
  if (call == nullptr) return reactor;
  if (nonblocking_stores_) {
    logic_->ValidateSessionAsync(call->request(), CallerOf(*context),
                                 [call](absl::StatusOr<v1::ValidateSessionResponse> result) {
                                   call->Finish(std::move(result));
                                 });
    return reactor;
  }
  OnStorePool(store_pool_, call,
              [this, caller = CallerOf(*context)](const v1::ValidateSessionRequest& request) {
                return logic_->ValidateSession(request, caller);
              });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::GetQuota(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* raw_request,
                                                       grpc::ByteBuffer* raw_response) {
  Call<v1::GetQuotaRequest, v1::GetQuotaResponse>* call;
  grpc::ServerUnaryReactor* reactor = Call<v1::GetQuotaRequest, v1::GetQuotaResponse>::Start(
      context, raw_request, raw_response, &call);
  if (call == nullptr) return reactor;
  OnStorePool(store_pool_, call, [this, caller = CallerOf(*context)](const auto&) {
    return logic_->GetQuota(caller);
  });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::ConsumeView(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* raw_request,
                                                          grpc::ByteBuffer* raw_response) {
  Call<v1::ConsumeViewRequest, v1::ConsumeViewResponse>* call;
  grpc::ServerUnaryReactor* reactor = Call<v1::ConsumeViewRequest, v1::ConsumeViewResponse>::Start(
      context, raw_request, raw_response, &call);
  if (call == nullptr) return reactor;
  const Caller caller = CallerOf(*context);
  if (nonblocking_stores_ &&
      logic_->ConsumeViewAsync(call->request(), caller,
                               [call](absl::StatusOr<v1::ConsumeViewResponse> result) {
                                 call->Finish(std::move(result));
                               })) {
    return reactor;
  }
  // The store pool: every call without a non-blocking store, and metered
  // guests (dependent store calls) with one.
  OnStorePool(store_pool_, call, [this, caller](const v1::ConsumeViewRequest& request) {
    return logic_->ConsumeView(request, caller);
  });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::ConsumeQuestion(grpc::CallbackServerContext* context,
                                                              const grpc::ByteBuffer* raw_request,
                                                              grpc::ByteBuffer* raw_response) {
  Call<v1::ConsumeQuestionRequest, v1::ConsumeQuestionResponse>* call;
  grpc::ServerUnaryReactor* reactor =
      Call<v1::ConsumeQuestionRequest, v1::ConsumeQuestionResponse>::Start(context, raw_request,
                                                                           raw_response, &call);
  if (call == nullptr) return reactor;
  OnStorePool(store_pool_, call,
              [this, caller = CallerOf(*context)](const v1::ConsumeQuestionRequest& request) {
                return logic_->ConsumeQuestion(request, caller);
              });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::ChangePlan(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* raw_request,
                                                         grpc::ByteBuffer* raw_response) {
  Call<v1::ChangePlanRequest, v1::ChangePlanResponse>* call;
  grpc::ServerUnaryReactor* reactor = Call<v1::ChangePlanRequest, v1::ChangePlanResponse>::Start(
      context, raw_request, raw_response, &call);
  if (call == nullptr) return reactor;
  absl::Status allowed = credentials_->RequireOperator(*context);
  if (!allowed.ok()) {
    call->Finish(allowed);
    return reactor;
  }
  OnStorePool(store_pool_, call,
              [this](const v1::ChangePlanRequest& request) { return logic_->ChangePlan(request); });
  return reactor;
}

}  // namespace codingahead::account
