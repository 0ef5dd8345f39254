#include "services/account/account_service.h"

#include <functional>
#include <memory>
#include <utility>

#include "common/status.h"

namespace codingahead::account {
namespace {

constexpr char kOverloaded[] = "account service overloaded: retry later";

// Runs `work` on `pool`; when the pool refuses it, finishes the call with
// UNAVAILABLE instead. Returns whether `work` was scheduled.
bool RunOn(common::ThreadPool* pool, grpc::ServerUnaryReactor* reactor,
           std::function<void()> work) {
  if (pool->TrySchedule(std::move(work))) return true;
  reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, kOverloaded));
  return false;
}

// Finishes with `result`, moving it into `response` when OK.
template <typename Response>
void FinishWith(grpc::ServerUnaryReactor* reactor, Response* response,
                absl::StatusOr<Response> result) {
  if (result.ok()) *response = *std::move(result);
  reactor->Finish(common::ToGrpcStatus(result.status()));
}

// The usual shape: one logic call on the store pool.
template <typename Response, typename Fn>
grpc::ServerUnaryReactor* OnStorePool(grpc::CallbackServerContext* context,
                                      common::ThreadPool* pool, Response* response, Fn fn) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RunOn(pool, reactor, [reactor, response, fn = std::move(fn)]() mutable {
    FinishWith<Response>(reactor, response, fn());
  });
  return reactor;
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
    grpc::CallbackServerContext* context, const v1::StartGuestSessionRequest* request,
    v1::StartGuestSessionResponse* response) {
  return OnStorePool(context, store_pool_, response, [this, caller = CallerOf(*context)] {
    return logic_->StartGuestSession(caller);
  });
}

grpc::ServerUnaryReactor* AccountServiceImpl::Register(grpc::CallbackServerContext* context,
                                                       const v1::RegisterRequest* request,
                                                       v1::RegisterResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RunOn(store_pool_, reactor, [this, reactor, request, response, caller = CallerOf(*context)] {
    absl::StatusOr<RegisterDraft> draft = logic_->PrepareRegister(*request, caller);
    if (!draft.ok()) {
      reactor->Finish(common::ToGrpcStatus(draft.status()));
      return;
    }
    auto shared = std::make_shared<RegisterDraft>(*std::move(draft));
    RunOn(hash_pool_, reactor, [this, reactor, request, response, shared] {
      auto hash =
          std::make_shared<absl::StatusOr<std::string>>(logic_->HashPassword(request->password()));
      if (!hash->ok()) {
        reactor->Finish(common::ToGrpcStatus(hash->status()));
        return;
      }
      RunOn(store_pool_, reactor, [this, reactor, response, shared, hash] {
        FinishWith<v1::RegisterResponse>(reactor, response,
                                         logic_->CompleteRegister(*shared, **hash));
      });
    });
  });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::Login(grpc::CallbackServerContext* context,
                                                    const v1::LoginRequest* request,
                                                    v1::LoginResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RunOn(store_pool_, reactor, [this, reactor, request, response, caller = CallerOf(*context)] {
    absl::StatusOr<LoginAttempt> attempt = logic_->PrepareLogin(*request, caller);
    if (!attempt.ok()) {
      reactor->Finish(common::ToGrpcStatus(attempt.status()));
      return;
    }
    auto shared = std::make_shared<LoginAttempt>(*std::move(attempt));
    RunOn(hash_pool_, reactor, [this, reactor, request, response, shared] {
      PasswordCheck check = logic_->VerifyPassword(*shared, request->password());
      RunOn(store_pool_, reactor, [this, reactor, response, shared, check = std::move(check)] {
        FinishWith<v1::LoginResponse>(reactor, response, logic_->CompleteLogin(*shared, check));
      });
    });
  });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::Logout(grpc::CallbackServerContext* context,
                                                     const v1::LogoutRequest* request,
                                                     v1::LogoutResponse* response) {
  return OnStorePool(context, store_pool_, response,
                     [this, caller = CallerOf(*context)] { return logic_->Logout(caller); });
}

grpc::ServerUnaryReactor* AccountServiceImpl::LogoutAll(grpc::CallbackServerContext* context,
                                                        const v1::LogoutAllRequest* request,
                                                        v1::LogoutAllResponse* response) {
  return OnStorePool(context, store_pool_, response,
                     [this, caller = CallerOf(*context)] { return logic_->LogoutAll(caller); });
}

grpc::ServerUnaryReactor* AccountServiceImpl::ChangePassword(
    grpc::CallbackServerContext* context, const v1::ChangePasswordRequest* request,
    v1::ChangePasswordResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RunOn(store_pool_, reactor, [this, reactor, request, response, caller = CallerOf(*context)] {
    absl::StatusOr<PasswordChange> change = logic_->PrepareChangePassword(*request, caller);
    if (!change.ok()) {
      reactor->Finish(common::ToGrpcStatus(change.status()));
      return;
    }
    auto shared = std::make_shared<PasswordChange>(*std::move(change));
    RunOn(hash_pool_, reactor, [this, reactor, request, response, shared] {
      auto check = std::make_shared<absl::StatusOr<PasswordCheck>>(
          logic_->HashChangedPassword(*shared, *request));
      if (!check->ok()) {
        reactor->Finish(common::ToGrpcStatus(check->status()));
        return;
      }
      RunOn(store_pool_, reactor, [this, reactor, response, shared, check] {
        FinishWith<v1::ChangePasswordResponse>(reactor, response,
                                               logic_->CompleteChangePassword(*shared, **check));
      });
    });
  });
  return reactor;
}

grpc::ServerUnaryReactor* AccountServiceImpl::AcceptTerms(grpc::CallbackServerContext* context,
                                                          const v1::AcceptTermsRequest* request,
                                                          v1::AcceptTermsResponse* response) {
  return OnStorePool(context, store_pool_, response, [this, request, caller = CallerOf(*context)] {
    return logic_->AcceptTerms(*request, caller);
  });
}

grpc::ServerUnaryReactor* AccountServiceImpl::ValidateSession(
    grpc::CallbackServerContext* context, const v1::ValidateSessionRequest* request,
    v1::ValidateSessionResponse* response) {
  if (nonblocking_stores_) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    logic_->ValidateSessionAsync(
        *request, CallerOf(*context),
        [reactor, response](absl::StatusOr<v1::ValidateSessionResponse> result) {
          FinishWith<v1::ValidateSessionResponse>(reactor, response, std::move(result));
        });
    return reactor;
  }
  return OnStorePool(context, store_pool_, response, [this, request, caller = CallerOf(*context)] {
    return logic_->ValidateSession(*request, caller);
  });
}

grpc::ServerUnaryReactor* AccountServiceImpl::GetQuota(grpc::CallbackServerContext* context,
                                                       const v1::GetQuotaRequest* request,
                                                       v1::GetQuotaResponse* response) {
  return OnStorePool(context, store_pool_, response,
                     [this, caller = CallerOf(*context)] { return logic_->GetQuota(caller); });
}

grpc::ServerUnaryReactor* AccountServiceImpl::ConsumeView(grpc::CallbackServerContext* context,
                                                          const v1::ConsumeViewRequest* request,
                                                          v1::ConsumeViewResponse* response) {
  if (nonblocking_stores_) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    const Caller caller = CallerOf(*context);
    if (logic_->ConsumeViewAsync(
            *request, caller, [reactor, response](absl::StatusOr<v1::ConsumeViewResponse> result) {
              FinishWith<v1::ConsumeViewResponse>(reactor, response, std::move(result));
            })) {
      return reactor;
    }
    // A metered guest: dependent store calls, on the store pool.
    RunOn(store_pool_, reactor, [this, reactor, request, response, caller] {
      FinishWith<v1::ConsumeViewResponse>(reactor, response, logic_->ConsumeView(*request, caller));
    });
    return reactor;
  }
  return OnStorePool(context, store_pool_, response, [this, request, caller = CallerOf(*context)] {
    return logic_->ConsumeView(*request, caller);
  });
}

grpc::ServerUnaryReactor* AccountServiceImpl::ConsumeQuestion(
    grpc::CallbackServerContext* context, const v1::ConsumeQuestionRequest* request,
    v1::ConsumeQuestionResponse* response) {
  return OnStorePool(context, store_pool_, response, [this, request, caller = CallerOf(*context)] {
    return logic_->ConsumeQuestion(*request, caller);
  });
}

grpc::ServerUnaryReactor* AccountServiceImpl::ChangePlan(grpc::CallbackServerContext* context,
                                                         const v1::ChangePlanRequest* request,
                                                         v1::ChangePlanResponse* response) {
  absl::Status allowed = credentials_->RequireOperator(*context);
  if (!allowed.ok()) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(common::ToGrpcStatus(allowed));
    return reactor;
  }
  return OnStorePool(context, store_pool_, response,
                     [this, request] { return logic_->ChangePlan(*request); });
}

}  // namespace codingahead::account
