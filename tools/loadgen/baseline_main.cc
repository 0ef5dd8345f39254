// ca-loadgen-baseline: BaselineService.Empty behind the same bootstrap as the
// services (common::ServiceServer: health, reflection, metrics and access-log
// interceptor, sampled access logs), answering at once without touching any
// store. What the gRPC stack alone costs on this machine; the load generator
// reports every scenario as a ratio to it.
//
//   ca-loadgen-baseline --listen=127.0.0.1:0 --metrics_listen=off
#include <grpcpp/grpcpp.h>

#include "common/config.h"
#include "common/server.h"
#include "testing/v1/testing.grpc.pb.h"

namespace codingahead::loadgen {
namespace {

class BaselineServiceImpl final
    : public testing::v1::BaselineService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Empty(
      grpc::CallbackServerContext* context,
      const testing::v1::EmptyRequest* request,
      testing::v1::EmptyResponse* response) override {
    // Echoes the payload, so --payload_bytes sizes both directions.
    if (!request->payload().empty()) response->set_payload(request->payload());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

int Main() {
  common::ServerConfig config = common::ServerConfigFromFlags(
      {"baseline", /*grpc_port=*/0, /*metrics_port=*/0});
  BaselineServiceImpl service;
  return common::RunUntilSignalled(
      config, std::make_shared<prometheus::Registry>(), {&service},
      {"codingahead.testing.v1.BaselineService"});
}

}  // namespace
}  // namespace codingahead::loadgen

int main(int argc, char** argv) {
  codingahead::common::BlockTerminationSignals();
  codingahead::common::ParseFlagsWithEnv(argc, argv);
  return codingahead::loadgen::Main();
}
