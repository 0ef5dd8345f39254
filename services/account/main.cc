// The account service. It connects to its stores at start-up (Redis checked
// for noeviction and AOF, PostgreSQL migrated under the advisory lock), then
// serves health, reflection and metrics. Its RPCs answer UNIMPLEMENTED (the
// generated default) until their issues land.
#include "account/embedded_migrations.h"
#include "account/v1/account.grpc.pb.h"
#include "common/config.h"
#include "common/log.h"
#include "common/server.h"
#include "common/stores.h"

namespace codingahead::account {
namespace {

int Main() {
  common::ServerConfig config =
      common::ServerConfigFromFlags({"account", /*grpc_port=*/50052, /*metrics_port=*/9102});
  auto postgres = common::ConnectPostgresFromFlags("account", EmbeddedMigrations());
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
  v1::AccountService::CallbackService service;
  return common::RunUntilSignalled(config, std::make_shared<prometheus::Registry>(), {&service},
                                   {"codingahead.account.v1.AccountService"});
}

}  // namespace
}  // namespace codingahead::account

int main(int argc, char** argv) {
  codingahead::common::BlockTerminationSignals();
  codingahead::common::ParseFlagsWithEnv(argc, argv);
  return codingahead::account::Main();
}
