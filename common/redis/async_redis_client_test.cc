#include "common/redis/async_redis_client.h"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace codingahead::common {
namespace {

using ::codingahead::testing::RedisServer;
using ::testing::HasSubstr;

class RecordingObserverForTest : public RedisObserver {
 public:
  void OnOperation(const RedisOperationInfo& info) override {
    if (info.script_reloaded) reloads_.fetch_add(1);
  }
  int reloads() const { return reloads_.load(); }

 private:
  std::atomic<int> reloads_{0};
};

// Waits for one completion.
class Result {
 public:
  AsyncRedisClient::Callback Callback() {
    return [this](absl::StatusOr<RedisReply> reply) {
      result_ = std::move(reply);
      done_.Notify();
    };
  }
  absl::StatusOr<RedisReply> Get() {
    EXPECT_TRUE(done_.WaitForNotificationWithTimeout(absl::Seconds(10)));
    return result_.value_or(absl::InternalError("no completion"));
  }

 private:
  absl::Notification done_;
  std::optional<absl::StatusOr<RedisReply>> result_;
};

absl::StatusOr<RedisReply> Send(AsyncRedisClient& client, std::vector<std::string> args,
                                absl::Time deadline = absl::InfiniteFuture()) {
  Result result;
  client.Command(std::move(args), deadline, result.Callback());
  return result.Get();
}

class AsyncRedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RedisServer::Start({});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::unique_ptr<AsyncRedisClient> NewClient(AsyncRedisOptions options = {}) {
    options.url = server_->url();
    auto client = AsyncRedisClient::Create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  std::unique_ptr<RedisServer> server_;
};

TEST_F(AsyncRedisClientTest, WritesAndReadsBackBinarySafeValues) {
  auto client = NewClient();
  const std::string value = std::string("a\0b\r\n$3\r\n", 10);
  auto set = Send(*client, {"SET", "k", value});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->str(), "OK");
  auto get = Send(*client, {"GET", "k"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->str(), value);
  auto missing = Send(*client, {"GET", "absent"});
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->is_nil());
}

TEST_F(AsyncRedisClientTest, ErrorRepliesAreAnswersNotFailures) {
  auto client = NewClient();
  ASSERT_TRUE(Send(*client, {"SET", "s", "text"}).ok());
  auto reply = Send(*client, {"INCR", "s"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_TRUE(reply->is_error());
}

TEST_F(AsyncRedisClientTest, ConcurrentCallsEachGetTheirOwnReplyInOrder) {
  auto client = NewClient();
  constexpr int kCalls = 2000;
  absl::Mutex mu;
  int done = 0;
  int wrong = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls / 4; ++i) {
        const std::string key = absl::StrCat("key:", t, ":", i);
        client->Command({"INCRBY", key, absl::StrCat(i + 1)}, absl::InfiniteFuture(),
                        [&, i](absl::StatusOr<RedisReply> reply) {
                          absl::MutexLock lock(&mu);
                          if (!reply.ok() || reply->integer() != i + 1) ++wrong;
                          ++done;
                        });
      }
    });
  }
  for (auto& t : threads) t.join();
  absl::MutexLock lock(&mu);
  EXPECT_TRUE(mu.AwaitWithTimeout(absl::Condition(
                                      +[](int* d) { return *d == kCalls; }, &done),
                                  absl::Seconds(20)));
  EXPECT_EQ(wrong, 0);
}

TEST_F(AsyncRedisClientTest, EvalLoadsAnUnknownScriptOnce) {
  RecordingObserverForTest observer;
  AsyncRedisOptions options;
  options.observer = &observer;
  auto client = NewClient(options);
  RedisScript script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  for (int i = 1; i <= 3; ++i) {
    Result result;
    client->Eval(script, {"counter"}, {"5"}, absl::InfiniteFuture(), result.Callback());
    auto reply = result.Get();
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(reply->integer(), 5 * i);
  }
  EXPECT_EQ(observer.reloads(), 1);
}

TEST_F(AsyncRedisClientTest, ServerDownFailsUnavailableAndRecoversAfterRestart) {
  auto client = NewClient();
  ASSERT_TRUE(Send(*client, {"SET", "k", "v"}).ok());
  ASSERT_TRUE(server_->Kill().ok());
  auto down = Send(*client, {"GET", "k"});
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable) << down.status();
  auto still_down = Send(*client, {"GET", "k"});
  EXPECT_EQ(still_down.status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(server_->Restart().ok());
  auto back = Send(*client, {"PING"});
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->str(), "PONG");
}

TEST_F(AsyncRedisClientTest, SilentServerTimesOutUnavailableAndCallerDeadlineWins) {
  AsyncRedisOptions options;
  options.command_timeout = absl::Milliseconds(300);
  auto client = NewClient(options);
  ASSERT_TRUE(Send(*client, {"PING"}).ok());
  ASSERT_TRUE(server_->Pause().ok());
  const absl::Time start = absl::Now();
  auto early = Send(*client, {"PING"}, absl::Now() + absl::Milliseconds(50));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kDeadlineExceeded) << early.status();
  auto late = Send(*client, {"PING"});
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnavailable) << late.status();
  EXPECT_THAT(late.status().message(), HasSubstr("command timeout"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  ASSERT_TRUE(server_->Resume().ok());
  auto back = Send(*client, {"PING"});
  EXPECT_TRUE(back.ok()) << back.status();
}

TEST_F(AsyncRedisClientTest, SelectsTheDatabaseOfTheUrl) {
  AsyncRedisOptions options;
  options.url = absl::StrCat("redis://127.0.0.1:", server_->port(), "/3");
  auto client = AsyncRedisClient::Create(options);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(Send(**client, {"SET", "in3", "yes"}).ok());
  auto sync =
      RedisClient::Create({.url = absl::StrCat("redis://127.0.0.1:", server_->port(), "/0")});
  ASSERT_TRUE(sync.ok());
  auto in0 = (*sync)->Command({"GET", "in3"});
  ASSERT_TRUE(in0.ok());
  EXPECT_TRUE(in0->is_nil());
}

TEST_F(AsyncRedisClientTest, DestroyingTheClientAnswersWhatIsLeft) {
  auto client = NewClient();
  ASSERT_TRUE(server_->Pause().ok());
  Result result;
  client->Command({"PING"}, absl::InfiniteFuture(), result.Callback());
  client.reset();
  EXPECT_EQ(result.Get().status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(server_->Resume().ok());
}

}  // namespace
}  // namespace codingahead::common
