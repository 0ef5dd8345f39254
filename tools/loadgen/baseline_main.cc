// ca-loadgen-baseline: BaselineService.Empty behind the same bootstrap as the
// services (common::ServiceServer: health, reflection, metrics and access-log
// interceptor, sampled access logs), answering at once without touching any
// store. What the gRPC stack alone costs on this machine; the load generator
// reports every scenario as a ratio to it.
//
//   ca-loadgen-baseline --listen=127.0.0.1:0 --metrics_listen=off
#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "common/config.h"
#include "common/outbound.h"
#include "common/server.h"
#include "testing/v1/testing.grpc.pb.h"

ABSL_FLAG(std::string, forward_to, "",
          "When set, each Empty call first calls Empty on this target (the "
          "chain2 reference: two hops with the services' outbound helper)");

namespace codingahead::loadgen {
namespace {

class BaselineServiceImpl final : public testing::v1::BaselineService::CallbackService {
 public:
  explicit BaselineServiceImpl(std::unique_ptr<testing::v1::BaselineService::Stub> downstream)
      : downstream_(std::move(downstream)) {}

  grpc::ServerUnaryReactor* Empty(grpc::CallbackServerContext* context,
                                  const testing::v1::EmptyRequest* request,
                                  testing::v1::EmptyResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (downstream_ == nullptr) {
      // Echoes the payload, so --payload_bytes sizes both directions.
      if (!request->payload().empty()) response->set_payload(request->payload());
      reactor->Finish(grpc::Status::OK);
      return reactor;
    }
    // The same outbound path a service takes (deadline, async completion).
    common::OutboundCallOptions options;
    options.incoming_deadline = common::IncomingDeadline(*context);
    auto* stub = downstream_.get();
    common::CallAsync<testing::v1::EmptyRequest, testing::v1::EmptyResponse>(
        [stub](grpc::ClientContext* c, const testing::v1::EmptyRequest* q,
               testing::v1::EmptyResponse* r, std::function<void(grpc::Status)> done) {
          stub->async()->Empty(c, q, r, std::move(done));
        },
        options, *request,
        [reactor, response](absl::StatusOr<testing::v1::EmptyResponse> r) {
          if (r.ok()) *response = *std::move(r);
          reactor->Finish(common::ToGrpcStatus(r.status()));
        });
    return reactor;
  }

 private:
  std::unique_ptr<testing::v1::BaselineService::Stub> downstream_;
};

int Main() {
  common::ServerConfig config =
      common::ServerConfigFromFlags({"baseline", /*grpc_port=*/0, /*metrics_port=*/0});
  std::unique_ptr<testing::v1::BaselineService::Stub> downstream;
  if (std::string target = absl::GetFlag(FLAGS_forward_to); !target.empty()) {
    downstream = testing::v1::BaselineService::NewStub(
        grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  }
  BaselineServiceImpl service(std::move(downstream));
  return common::RunUntilSignalled(config, std::make_shared<prometheus::Registry>(), {&service},
                                   {"codingahead.testing.v1.BaselineService"});
}

}  // namespace
}  // namespace codingahead::loadgen

int main(int argc, char** argv) {
  codingahead::common::BlockTerminationSignals();
  codingahead::common::ParseFlagsWithEnv(argc, argv);
  return codingahead::loadgen::Main();
}
