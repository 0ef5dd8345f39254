// The account service. Its RPCs answer UNIMPLEMENTED (the generated default)
// until their issues land; the binary already serves health, reflection and
// metrics and shuts down gracefully, so deployments can be built around it.
#include "account/v1/account.grpc.pb.h"
#include "common/config.h"
#include "common/server.h"

int main(int argc, char** argv) {
  codingahead::common::BlockTerminationSignals();
  codingahead::common::ParseFlagsWithEnv(argc, argv);
  codingahead::common::ServerConfig config = codingahead::common::ServerConfigFromFlags(
      {"account", /*grpc_port=*/50052, /*metrics_port=*/9102});
  codingahead::account::v1::AccountService::CallbackService service;
  return codingahead::common::RunUntilSignalled(
      config, std::make_shared<prometheus::Registry>(), {&service},
      {"codingahead.account.v1.AccountService"});
}
