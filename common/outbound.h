#ifndef CODINGAHEAD_COMMON_OUTBOUND_H_
#define CODINGAHEAD_COMMON_OUTBOUND_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status.h"

// Calls from one service to another: always asynchronous (never blocking a
// reactor thread), always with a deadline, carrying the request id and this
// service's credential (CONVENTIONS.md, "Calls between services").
namespace codingahead::common {

struct OutboundCallOptions {
  // Cap on the call's time when the incoming call allows more (or has none).
  absl::Duration default_timeout = absl::Milliseconds(300);
  // This service's credential, sent as x-service-credential when not empty.
  std::string service_credential;
  // Propagated as x-request-id when not empty.
  std::string request_id;
  // The end user's session, forwarded as `authorization: Bearer …`.
  std::string bearer_token;
  // The end user's address, forwarded as x-client-ip (trusted callers only).
  std::string client_ip;
  // The incoming call's deadline; the outbound deadline never exceeds it.
  absl::Time incoming_deadline = absl::InfiniteFuture();
};

// The outbound deadline: the caller's remaining time, capped by the default.
absl::Time OutboundDeadline(const OutboundCallOptions& options, absl::Time now);

// Fills a ClientContext from the options.
void PrepareClientContext(const OutboundCallOptions& options, grpc::ClientContext* context);

// The deadline of an incoming call as absl::Time (InfiniteFuture if none).
absl::Time IncomingDeadline(const grpc::ServerContextBase& context);

// Starts `method` asynchronously and calls `done` exactly once, on a gRPC
// thread, with the response or the call's status (details included).
// `method` is typically
//   [stub](grpc::ClientContext* c, const Req* q, Resp* r,
//          std::function<void(grpc::Status)> f) {
//     stub->async()->ConsumeView(c, q, r, std::move(f));
//   }
template <typename Request, typename Response, typename Method>
void CallAsync(Method method, const OutboundCallOptions& options, Request request,
               std::function<void(absl::StatusOr<Response>)> done) {
  struct Call {
    grpc::ClientContext context;
    Request request;
    Response response;
    std::function<void(absl::StatusOr<Response>)> done;
  };
  auto* call = new Call;
  call->request = std::move(request);
  call->done = std::move(done);
  PrepareClientContext(options, &call->context);
  method(&call->context, &call->request, &call->response, [call](grpc::Status status) {
    std::unique_ptr<Call> owned(call);
    if (status.ok()) {
      owned->done(std::move(owned->response));
    } else {
      owned->done(FromGrpcStatus(status));
    }
  });
}

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_OUTBOUND_H_
