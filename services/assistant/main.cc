// The assistant service. It connects to its stores at start-up (Redis checked
// for noeviction and AOF, PostgreSQL migrated under the advisory lock), then
// serves health, reflection and metrics. Its RPCs answer UNIMPLEMENTED (the
// generated default) until their issues land.
#include "assistant/embedded_migrations.h"
#include "assistant/v1/assistant.grpc.pb.h"
#include "common/config.h"
#include "common/log.h"
#include "common/server.h"
#include "common/stores.h"

namespace codingahead::assistant {
namespace {

int Main() {
  common::ServerConfig config =
      common::ServerConfigFromFlags({"assistant", /*grpc_port=*/50054, /*metrics_port=*/9104});
  auto postgres = common::ConnectPostgresFromFlags("assistant", EmbeddedMigrations());
  if (!postgres.ok()) {
    common::LogLine(common::LogLevel::kError, "postgres not usable")
        .With("error", postgres.status().ToString());
    return 1;
  }
  if (common::MigrateOnlyFromFlags()) return 0;
  auto redis = common::ConnectRedisFromFlags();
  if (!redis.ok()) {
    common::LogLine(common::LogLevel::kError, "redis not usable")
        .With("error", redis.status().ToString());
    return 1;
  }
  v1::AssistantService::CallbackService service;
  return common::RunUntilSignalled(config, std::make_shared<prometheus::Registry>(), {&service},
                                   {"codingahead.assistant.v1.AssistantService"});
}

}  // namespace
}  // namespace codingahead::assistant

int main(int argc, char** argv) {
  codingahead::common::BlockTerminationSignals();
  codingahead::common::ParseFlagsWithEnv(argc, argv);
  return codingahead::assistant::Main();
}
