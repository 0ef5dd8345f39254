// The assistant service. Its RPCs answer UNIMPLEMENTED (the generated default)
// until their issues land; the binary already serves health, reflection and
// metrics and shuts down gracefully, so deployments can be built around it.
#include "assistant/v1/assistant.grpc.pb.h"
#include "common/config.h"
#include "common/server.h"

int main(int argc, char** argv) {
  codingahead::common::BlockTerminationSignals();
  codingahead::common::ParseFlagsWithEnv(argc, argv);
  codingahead::common::ServerConfig config = codingahead::common::ServerConfigFromFlags(
      {"assistant", /*grpc_port=*/50054, /*metrics_port=*/9104});
  codingahead::assistant::v1::AssistantService::CallbackService service;
  return codingahead::common::RunUntilSignalled(
      config, std::make_shared<prometheus::Registry>(), {&service},
      {"codingahead.assistant.v1.AssistantService"});
}
