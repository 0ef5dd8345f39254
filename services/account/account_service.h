#ifndef CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_SERVICE_H_
#define CODINGAHEAD_SERVICES_ACCOUNT_ACCOUNT_SERVICE_H_

#include "account/v1/account.grpc.pb.h"
#include "common/executor.h"
#include "common/metadata.h"
#include "common/raw_unary_call.h"
#include "services/account/account_logic.h"

namespace codingahead::account {

// Every method served from its raw bytes through common::RawUnaryCall, so a
// request protobuf refuses (a string that is not UTF-8) gets INVALID_ARGUMENT
// naming the field instead of the callback API's bare UNIMPLEMENTED.
using RawAccountService = v1::AccountService::WithRawCallbackMethod_StartGuestSession<
    v1::AccountService::WithRawCallbackMethod_Register<
        v1::AccountService::WithRawCallbackMethod_Login<
            v1::AccountService::WithRawCallbackMethod_Logout<
                v1::AccountService::WithRawCallbackMethod_LogoutAll<
                    v1::AccountService::WithRawCallbackMethod_ChangePassword<
                        v1::AccountService::WithRawCallbackMethod_ValidateSession<
                            v1::AccountService::WithRawCallbackMethod_GetQuota<
                                v1::AccountService::WithRawCallbackMethod_ConsumeView<
                                    v1::AccountService::WithRawCallbackMethod_ConsumeQuestion<
                                        v1::AccountService::WithRawCallbackMethod_AcceptTerms<
                                            v1::AccountService::WithRawCallbackMethod_ChangePlan<
                                                v1::AccountService::Service>>>>>>>>>>>>;

// The gRPC glue: reads the caller from the metadata on the reactor thread,
// runs the logic on the store pool (and password hashing on the hash pool),
// and finishes the call from the pool thread. A full pool answers
// UNAVAILABLE.
class AccountServiceImpl final : public RawAccountService {
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
                                              const grpc::ByteBuffer* raw_request,
                                              grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* Register(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* raw_request,
                                     grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* raw_request,
                                  grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* Logout(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* raw_request,
                                   grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* LogoutAll(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* raw_request,
                                      grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* ChangePassword(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer* raw_request,
                                           grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* ValidateSession(grpc::CallbackServerContext* context,
                                            const grpc::ByteBuffer* raw_request,
                                            grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* GetQuota(grpc::CallbackServerContext* context,
                                     const grpc::ByteBuffer* raw_request,
                                     grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* ConsumeView(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* raw_request,
                                        grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* ConsumeQuestion(grpc::CallbackServerContext* context,
                                            const grpc::ByteBuffer* raw_request,
                                            grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* AcceptTerms(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* raw_request,
                                        grpc::ByteBuffer* raw_response) override;
  grpc::ServerUnaryReactor* ChangePlan(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* raw_request,
                                       grpc::ByteBuffer* raw_response) override;

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
