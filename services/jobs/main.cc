// The jobs service. It connects to its stores at start-up (Redis checked
// for noeviction and AOF, PostgreSQL migrated under the advisory lock), then
// serves health, reflection and metrics. Its RPCs answer UNIMPLEMENTED (the
// generated default) until their issues land.
#include "common/config.h"
#include "common/log.h"
#include "common/server.h"
#include "common/stores.h"
#include "jobs/embedded_migrations.h"
#include "jobs/v1/jobs.grpc.pb.h"

namespace codingahead::jobs {
namespace {

int Main() {
  common::ServerConfig config =
      common::ServerConfigFromFlags({"jobs", /*grpc_port=*/50053, /*metrics_port=*/9103});
  auto postgres = common::ConnectPostgresFromFlags("jobs", EmbeddedMigrations());
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
  v1::JobBoardService::CallbackService service;
  return common::RunUntilSignalled(config, std::make_shared<prometheus::Registry>(), {&service},
                                   {"codingahead.jobs.v1.JobBoardService"});
}

}  // namespace
}  // namespace codingahead::jobs

int main(int argc, char** argv) {
  codingahead::common::BlockTerminationSignals();
  codingahead::common::ParseFlagsWithEnv(argc, argv);
  return codingahead::jobs::Main();
}
