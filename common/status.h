#ifndef CODINGAHEAD_COMMON_STATUS_H_
#define CODINGAHEAD_COMMON_STATUS_H_

#include <grpcpp/support/status.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/rpc/error_details.pb.h"

// The one mapping between absl::Status (what logic returns) and grpc::Status
// (what handlers send). Rich details travel as absl::Status payloads keyed by
// their google.rpc type URL, and as google.rpc.Status in the gRPC trailer
// `grpc-status-details-bin`, so any gRPC client can read them.
namespace codingahead::common {

struct FieldViolation {
  std::string field;        // "code", "date_of_service.month", "lines[3].units"
  std::string description;  // what is wrong, for a person
};

struct QuotaViolation {
  std::string subject;      // "guest:abc", "ip:203.0.113.0"
  std::string description;  // "0 code page views remaining…"
};

// INVALID_ARGUMENT with a google.rpc.BadRequest listing the violations.
absl::Status InvalidArgumentError(absl::string_view message,
                                  const std::vector<FieldViolation>& violations);

// RESOURCE_EXHAUSTED with a google.rpc.QuotaFailure.
absl::Status ResourceExhaustedError(absl::string_view message,
                                    const std::vector<QuotaViolation>& violations);

// FAILED_PRECONDITION with a google.rpc.PreconditionFailure.
absl::Status FailedPreconditionError(absl::string_view message, absl::string_view type,
                                     absl::string_view subject, absl::string_view description);

// Adds a google.rpc.ErrorInfo (reason, domain "codingahead.<service>",
// metadata) to `status`.
absl::Status WithErrorInfo(absl::Status status, absl::string_view reason, absl::string_view domain,
                           const std::vector<std::pair<std::string, std::string>>& metadata = {});

// Adds a google.rpc.RetryInfo (how long to wait before retrying).
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);

// Collects field violations while validating a request.
class BadRequestBuilder {
 public:
  void Add(std::string field, std::string description) {
    violations_.push_back({std::move(field), std::move(description)});
  }
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& violations() const { return violations_; }
  // OK when nothing was added; INVALID_ARGUMENT with every violation otherwise.
  absl::Status Build(absl::string_view message) const;

 private:
  std::vector<FieldViolation> violations_;
};

// Attaches or reads any message as a payload of an absl::Status.
void SetDetail(absl::Status& status, const google::protobuf::Message& detail);
template <typename T>
std::optional<T> GetDetail(const absl::Status& status) {
  T detail;
  auto payload =
      status.GetPayload("type.googleapis.com/" + std::string(T::descriptor()->full_name()));
  if (!payload.has_value()) return std::nullopt;
  if (!detail.ParseFromString(std::string(*payload))) return std::nullopt;
  return detail;
}

// absl -> gRPC, details included. Internal errors keep their code; their
// message is passed through because logic never puts secrets in statuses.
grpc::Status ToGrpcStatus(const absl::Status& status);

// gRPC -> absl, details included (for clients and service-to-service calls).
absl::Status FromGrpcStatus(const grpc::Status& status);

// Reads the details of a gRPC status a client received.
template <typename T>
std::optional<T> GetDetail(const grpc::Status& status) {
  return GetDetail<T>(FromGrpcStatus(status));
}

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_STATUS_H_
