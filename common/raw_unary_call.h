#ifndef CODINGAHEAD_COMMON_RAW_UNARY_CALL_H_
#define CODINGAHEAD_COMMON_RAW_UNARY_CALL_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status.h"
#include "google/protobuf/descriptor.h"

// Why this exists: proto3 requires string fields to be UTF-8, so protobuf's
// parser refuses a request carrying other bytes, and gRPC's callback API then
// answers a bare UNIMPLEMENTED that names nothing. A method registered as a
// raw callback (`WithRawCallbackMethod_<Name>`) and served through
// RawUnaryCall parses the request itself and answers such a request with
// INVALID_ARGUMENT and a field violation on every offending field.

namespace codingahead::common {

// INVALID_ARGUMENT for `wire` bytes that do not parse as `descriptor`'s
// message: a field violation ("must be valid UTF-8") for every string field
// that is not UTF-8, named as the API names it ("email", "filter.query",
// "lines[2].code"); when no field is to blame, one violation on the request as
// a whole.
absl::Status DiagnoseUnparsableRequest(const google::protobuf::Descriptor& descriptor,
                                       absl::string_view wire);

// One unary call served from raw bytes, finished on the context's default
// reactor: gRPC runs that reactor's completion inline, where a reactor of our
// own would cost a hop to gRPC's executor thread on every call.
//
//   Call* call;
//   grpc::ServerUnaryReactor* reactor = Call::Start(context, raw, raw_response, &call);
//   if (call == nullptr) return reactor;  // did not parse: already finished
//   ... call->request() ...; later, from any thread, call->Finish(result);
//   return reactor;
//
// Take the reactor before handing the call to another thread: Finish deletes
// the call.
template <typename Request, typename Response>
class RawUnaryCall {
 public:
  static grpc::ServerUnaryReactor* Start(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* raw_request,
                                         grpc::ByteBuffer* raw_response, RawUnaryCall** call) {
    auto* started = new RawUnaryCall(context, raw_response);
    grpc::ServerUnaryReactor* reactor = started->reactor_;
    grpc::ByteBuffer copy(*raw_request);  // Deserialize consumes its buffer; copies share slices.
    if (grpc::SerializationTraits<Request>::Deserialize(&copy, &started->request_).ok()) {
      *call = started;
    } else {
      *call = nullptr;
      started->Finish(DiagnoseUnparsableRequest(*Request::descriptor(), Flatten(*raw_request)));
    }
    return reactor;
  }

  grpc::CallbackServerContext* context() const { return context_; }
  const Request& request() const { return request_; }

  // Sends `result` (its value, or its status with details) and deletes this.
  void Finish(absl::StatusOr<Response> result) {
    if (!result.ok()) {
      Finish(result.status());
      return;
    }
    bool own_buffer = false;
    grpc::Status serialized =
        grpc::SerializationTraits<Response>::Serialize(*result, raw_response_, &own_buffer);
    grpc::ServerUnaryReactor* reactor = reactor_;
    delete this;
    reactor->Finish(serialized);
  }
  // Sends `status` (an OK status sends the empty response) and deletes this.
  void Finish(const absl::Status& status) {
    if (status.ok()) {
      Finish(absl::StatusOr<Response>(Response()));
      return;
    }
    grpc::ServerUnaryReactor* reactor = reactor_;
    delete this;
    reactor->Finish(ToGrpcStatus(status));
  }

 private:
  RawUnaryCall(grpc::CallbackServerContext* context, grpc::ByteBuffer* raw_response)
      : context_(context), reactor_(context->DefaultReactor()), raw_response_(raw_response) {}

  static std::string Flatten(const grpc::ByteBuffer& buffer) {
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (!buffer.Dump(&slices).ok()) return bytes;
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    return bytes;
  }

  grpc::CallbackServerContext* context_;
  grpc::ServerUnaryReactor* reactor_;
  grpc::ByteBuffer* raw_response_;
  Request request_;
};

// A raw call answered where it arrives, on the reactor thread: `answer`
// (const Request&) -> absl::StatusOr<Response> must not block (in-memory
// lookups).
template <typename Request, typename Response, typename Answer>
grpc::ServerUnaryReactor* AnswerRawUnaryCall(grpc::CallbackServerContext* context,
                                             const grpc::ByteBuffer* raw_request,
                                             grpc::ByteBuffer* raw_response, Answer&& answer) {
  RawUnaryCall<Request, Response>* call;
  grpc::ServerUnaryReactor* reactor =
      RawUnaryCall<Request, Response>::Start(context, raw_request, raw_response, &call);
  if (call != nullptr) call->Finish(answer(call->request()));
  return reactor;
}

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_RAW_UNARY_CALL_H_
