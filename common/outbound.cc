#include "common/outbound.h"

#include "common/metadata.h"

namespace codingahead::common {

absl::Time OutboundDeadline(const OutboundCallOptions& options, absl::Time now) {
  return std::min(options.incoming_deadline, now + options.default_timeout);
}

void PrepareClientContext(const OutboundCallOptions& options, grpc::ClientContext* context) {
  context->set_deadline(absl::ToChronoTime(OutboundDeadline(options, absl::Now())));
  if (!options.service_credential.empty()) {
    context->AddMetadata(kServiceCredentialHeader, options.service_credential);
  }
  if (!options.request_id.empty()) context->AddMetadata(kRequestIdHeader, options.request_id);
  if (!options.bearer_token.empty()) {
    context->AddMetadata(kAuthorizationHeader, "Bearer " + options.bearer_token);
  }
  if (!options.client_ip.empty()) context->AddMetadata(kClientIpHeader, options.client_ip);
}

absl::Time IncomingDeadline(const grpc::ServerContextBase& context) {
  auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

}  // namespace codingahead::common
