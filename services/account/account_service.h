#ifndef CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_SERVICE_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_SERVICE_H_

#include "account/v1/account.grpc.pb.h"
#include "common/executor.h"
#include "common/metadata.h"
#include "services/account/account_logic.h"

namespace codingahead::account {

// The gRPC glue: reads the caller from the metadata on the reactor thread,
// runs the logic on the store pool (and password hashing on the hash pool),
// and finishes the reactor from the pool thread. A full pool answers
// UNAVAILABLE. RPCs not overridden here answer UNIMPLEMENTED.
class AccountServiceImpl final : public v1::AccountService::CallbackService {
 public:
  // Every argument must outlive the service (and the server serving it).
  // `nonblocking_stores`: the logic's stores answer ValidateAsync and
  // ConsumeViewAsync without blocking (an AsyncRedisClient is wired), so
  // ValidateSession and ConsumeView run from the reactor without the store
  // pool. Otherwise every store call goes through `store_pool`.
  AccountServiceImpl(AccountLogic* logic, const common::CallerCredentials* credentials,
                     common::ThreadPool* store_pool, common::ThreadPool* hash_pool,
                     bool nonblocking_stores = false);

  grpc::ServerUnaryReactor* StartGuestSession(grpc::CallbackServerContext* context,
                                              const v1::StartGuestSessionRequest* request,
                                              v1::StartGuestSessionResponse* response) override;
  grpc::ServerUnaryReactor* Register(grpc::CallbackServerContext* context,
                                     const v1::RegisterRequest* request,
                                     v1::RegisterResponse* response) override;
  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* context,
                                  const v1::LoginRequest* request,
                                  v1::LoginResponse* response) override;
  grpc::ServerUnaryReactor* Logout(grpc::CallbackServerContext* context,
                                   const v1::LogoutRequest* request,
                                   v1::LogoutResponse* response) override;
  grpc::ServerUnaryReactor* LogoutAll(grpc::CallbackServerContext* context,
                                      const v1::LogoutAllRequest* request,
                                      v1::LogoutAllResponse* response) override;
  grpc::ServerUnaryReactor* ChangePassword(grpc::CallbackServerContext* context,
                                           const v1::ChangePasswordRequest* request,
                                           v1::ChangePasswordResponse* response) override;
  grpc::ServerUnaryReactor* AcceptTerms(grpc::CallbackServerContext* context,
                                        const v1::AcceptTermsRequest* request,
                                        v1::AcceptTermsResponse* response) override;
  grpc::ServerUnaryReactor* ValidateSession(grpc::CallbackServerContext* context,
                                            const v1::ValidateSessionRequest* request,
                                            v1::ValidateSessionResponse* response) override;
  grpc::ServerUnaryReactor* GetQuota(grpc::CallbackServerContext* context,
                                     const v1::GetQuotaRequest* request,
                                     v1::GetQuotaResponse* response) override;
  grpc::ServerUnaryReactor* ConsumeView(grpc::CallbackServerContext* context,
                                        const v1::ConsumeViewRequest* request,
                                        v1::ConsumeViewResponse* response) override;
  grpc::ServerUnaryReactor* ConsumeQuestion(grpc::CallbackServerContext* context,
                                            const v1::ConsumeQuestionRequest* request,
                                            v1::ConsumeQuestionResponse* response) override;
  grpc::ServerUnaryReactor* ChangePlan(grpc::CallbackServerContext* context,
                                       const v1::ChangePlanRequest* request,
                                       v1::ChangePlanResponse* response) override;

 private:
  Caller CallerOf(const grpc::CallbackServerContext& context) const;

  AccountLogic* logic_;
  const common::CallerCredentials* credentials_;
  common::ThreadPool* store_pool_;
  common::ThreadPool* hash_pool_;
  bool nonblocking_stores_;
};

}  // namespace codingahead::account

#endif  // CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_SERVICE_H_
