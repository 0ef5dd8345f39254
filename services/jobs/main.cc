// The jobs service. Its RPCs answer UNIMPLEMENTED (the generated default)
// until their issues land; the binary already serves health, reflection and
// metrics and shuts down gracefully, so deployments can be built around it.
#include "jobs/v1/jobs.grpc.pb.h"
#include "common/config.h"
#include "common/server.h"

int main(int argc, char** argv) {
  codingahead::common::BlockTerminationSignals();
  codingahead::common::ParseFlagsWithEnv(argc, argv);
  codingahead::common::ServerConfig config = codingahead::common::ServerConfigFromFlags(
      {"jobs", /*grpc_port=*/50053, /*metrics_port=*/9103});
  codingahead::jobs::v1::JobBoardService::CallbackService service;
  return codingahead::common::RunUntilSignalled(
      config, std::make_shared<prometheus::Registry>(), {&service},
      {"codingahead.jobs.v1.JobBoardService"});
}
