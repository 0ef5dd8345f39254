// The account, jobs and assistant binaries against real Redis and PostgreSQL:
// they check their stores at start-up, apply migrations, and serve health
// while their RPCs are not built yet.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include "absl/strings/str_cat.h"
#include "common/testing/postgres_server.h"
#include "common/testing/redis_server.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "jobs/v1/jobs.grpc.pb.h"
#include "tests/process_harness.h"

namespace codingahead::e2e {
namespace {

using ::testing::HasSubstr;
using HealthResponse = ::grpc::health::v1::HealthCheckResponse;

class ServicesStartTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto postgres = testing::PostgresServer::Start();
    ASSERT_TRUE(postgres.ok()) << postgres.status();
    postgres_ = postgres->release();
  }
  static void TearDownTestSuite() {
    delete postgres_;
    postgres_ = nullptr;
  }
  void SetUp() override {
    auto redis = testing::RedisServer::Start({});
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
  }

  std::vector<std::string> StoreFlags(const std::string& db) {
    auto url = postgres_->CreateDatabase(db);
    EXPECT_TRUE(url.ok()) << url.status();
    return {absl::StrCat("--redis_url=", redis_->url()),
            absl::StrCat("--postgres_url=", url.ok() ? *url : "")};
  }

  static testing::PostgresServer* postgres_;
  std::unique_ptr<testing::RedisServer> redis_;
  testing::TempDir dir_{"ca-services-e2e"};
};

testing::PostgresServer* ServicesStartTest::postgres_ = nullptr;

TEST_F(ServicesStartTest, EachServiceStartsAndReportsItsServiceServing) {
  struct Case {
    const char* binary;
    const char* name;
    const char* health_name;
  };
  for (const Case& c :
       {Case{CA_ACCOUNT_BINARY, "account", "codingahead.account.v1.AccountService"},
        Case{CA_JOBS_BINARY, "jobs", "codingahead.jobs.v1.JobBoardService"},
        Case{CA_ASSISTANT_BINARY, "assistant", "codingahead.assistant.v1.AssistantService"}}) {
    auto service = ServiceProcess::Start(c.binary, c.name, dir_.path(),
                                         StoreFlags(absl::StrCat("start_", c.name)));
    ASSERT_TRUE(service.ok()) << service.status();
    EXPECT_EQ(HealthStatus((*service)->channel(), c.health_name), HealthResponse::SERVING)
        << c.name;
    EXPECT_THAT((*service)->Log(), HasSubstr("\"msg\":\"postgres ready\"")) << c.name;
    EXPECT_THAT((*service)->Log(), HasSubstr("\"msg\":\"redis ready\"")) << c.name;
  }
}

TEST_F(ServicesStartTest, RpcsNotBuiltYetAnswerUnimplemented) {
  auto jobs =
      ServiceProcess::Start(CA_JOBS_BINARY, "jobs", dir_.path(), StoreFlags("unimplemented_jobs"));
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  auto stub = jobs::v1::JobBoardService::NewStub((*jobs)->channel());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  jobs::v1::GetJobRequest request;
  request.set_job_id("1");
  jobs::v1::GetJobResponse response;
  grpc::Status status = stub->GetJob(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(ServicesStartTest, RedisWithoutAofIsRefusedAtStartUp) {
  testing::RedisServer::Options options;
  options.config = {{"appendonly", "no"}};
  auto lossy = testing::RedisServer::Start(options);
  ASSERT_TRUE(lossy.ok()) << lossy.status();
  std::vector<std::string> flags = StoreFlags("lossy_redis");
  flags[0] = absl::StrCat("--redis_url=", (*lossy)->url());
  std::vector<std::string> argv = {CA_JOBS_BINARY, "--listen=127.0.0.1:0", "--metrics_listen=off"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  CommandResult result = RunCommand(argv, absl::Seconds(30));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("redis not usable"));
  EXPECT_THAT(result.output, HasSubstr("appendonly"));
}

TEST_F(ServicesStartTest, MigrateOnlyAppliesAndExits) {
  std::vector<std::string> argv = {CA_ACCOUNT_BINARY, "--listen=127.0.0.1:0",
                                   "--metrics_listen=off", "--migrate=only"};
  std::vector<std::string> flags = StoreFlags("migrate_only");
  argv.insert(argv.end(), flags.begin(), flags.end());
  CommandResult result = RunCommand(argv, absl::Seconds(30));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("\"migrate\":\"only\""));
  EXPECT_THAT(result.output, ::testing::Not(HasSubstr("\"msg\":\"serving\"")));
}

TEST_F(ServicesStartTest, UnreachablePostgresIsRefusedAtStartUp) {
  int port = testing::PickFreePort();
  std::vector<std::string> argv = {
      CA_ASSISTANT_BINARY, "--listen=127.0.0.1:0", "--metrics_listen=off",
      absl::StrCat("--redis_url=", redis_->url()),
      absl::StrCat("--postgres_url=postgresql://postgres:hunter2secret@127.0.0.1:", port,
                   "/x?connect_timeout=2")};
  CommandResult result = RunCommand(argv, absl::Seconds(30));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("postgres not usable"));
  EXPECT_THAT(result.output, ::testing::Not(HasSubstr("hunter2secret")));
}

}  // namespace
}  // namespace codingahead::e2e
