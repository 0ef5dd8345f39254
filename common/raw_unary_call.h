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

// One unary call served from raw bytes. Create it with `new` in the raw
// method; it deletes itself once gRPC is done with the call. Use it as the
// method's reactor: return it, and finish it exactly once with Finish.
template <typename Request, typename Response>
class RawUnaryCall final : public grpc::ServerUnaryReactor {
 public:
  RawUnaryCall(grpc::CallbackServerContext* context, const grpc::ByteBuffer* raw_request,
               grpc::ByteBuffer* raw_response)
      : context_(context), raw_response_(raw_response) {
    grpc::ByteBuffer copy(*raw_request);  // Deserialize consumes its buffer; copies share slices.
    parsed_ = grpc::SerializationTraits<Request>::Deserialize(&copy, &request_).ok();
    if (!parsed_) Finish(DiagnoseUnparsableRequest(*Request::descriptor(), Flatten(*raw_request)));
  }

  // False when the request did not parse: the call is already finished.
  bool parsed() const { return parsed_; }
  grpc::CallbackServerContext* context() const { return context_; }
  const Request& request() const { return request_; }

  // Sends `result` (its value, or its status with details).
  void Finish(absl::StatusOr<Response> result) {
    if (!result.ok()) {
      Finish(result.status());
      return;
    }
    bool own_buffer = false;
    grpc::Status serialized =
        grpc::SerializationTraits<Response>::Serialize(*result, raw_response_, &own_buffer);
    grpc::ServerUnaryReactor::Finish(serialized);
  }
  // Sends `status`; an OK status sends the empty response.
  void Finish(const absl::Status& status) {
    if (status.ok()) {
      Finish(absl::StatusOr<Response>(Response()));
      return;
    }
    grpc::ServerUnaryReactor::Finish(ToGrpcStatus(status));
  }

  void OnDone() override { delete this; }

 private:
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
  grpc::ByteBuffer* raw_response_;
  Request request_;
  bool parsed_ = false;
};

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_RAW_UNARY_CALL_H_
