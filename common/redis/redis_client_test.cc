#include "common/redis/redis_client.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace codingahead::common {
namespace {

using ::codingahead::testing::RedisServer;
using ::codingahead::testing::WaitUntil;
using ::testing::HasSubstr;
using ::testing::Not;

std::string InfoField(const std::string& info, absl::string_view key) {
  for (absl::string_view line : absl::StrSplit(info, "\r\n")) {
    if (absl::ConsumePrefix(&line, key) && absl::ConsumePrefix(&line, ":")) {
      return std::string(line);
    }
  }
  return "";
}

class RecordingObserver : public RedisObserver {
 public:
  struct Op {
    std::string operation;
    absl::StatusCode code;
    bool error_reply;
    bool script_reloaded;
  };
  void OnOperation(const RedisOperationInfo& info) override {
    absl::MutexLock lock(&mu_);
    ops_.push_back(
        {std::string(info.operation), info.code, info.error_reply, info.script_reloaded});
  }
  void OnConnect(absl::StatusCode code) override {
    absl::MutexLock lock(&mu_);
    ++connects_;
  }
  std::vector<Op> ops() const {
    absl::MutexLock lock(&mu_);
    return ops_;
  }
  int connects() const {
    absl::MutexLock lock(&mu_);
    return connects_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<Op> ops_ ABSL_GUARDED_BY(mu_);
  int connects_ ABSL_GUARDED_BY(mu_) = 0;
};

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer({});
    ASSERT_NE(server_, nullptr);
  }

  static std::unique_ptr<RedisServer> StartServer(RedisServer::Options options) {
    absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start(std::move(options));
    if (!server.ok()) {
      ADD_FAILURE() << "cannot start redis-server: " << server.status();
      return nullptr;
    }
    return *std::move(server);
  }

  static std::unique_ptr<RedisClient> NewClient(RedisOptions options) {
    absl::StatusOr<std::unique_ptr<RedisClient>> client = RedisClient::Create(std::move(options));
    if (!client.ok()) {
      ADD_FAILURE() << "cannot create client: " << client.status();
      return nullptr;
    }
    return *std::move(client);
  }

  std::unique_ptr<RedisClient> NewClient() {
    RedisOptions options;
    options.url = server_->url();
    return NewClient(options);
  }

  std::unique_ptr<RedisServer> server_;
};

TEST_F(RedisClientTest, CommandsReturnTypedReplies) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(*client->Command({"SET", "ca:test:{a}:k", "v1"}), RedisReply::Status("OK"));
  EXPECT_EQ(*client->Command({"GET", "ca:test:{a}:k"}), RedisReply::String("v1"));
  EXPECT_EQ(*client->Command({"GET", "ca:test:{a}:missing"}), RedisReply::Nil());
  EXPECT_EQ(*client->Command({"INCRBY", "ca:test:{a}:n", "-5"}), RedisReply::Integer(-5));
  ASSERT_TRUE(client->Command({"RPUSH", "ca:test:{a}:l", "x", "y"}).ok());
  EXPECT_EQ(*client->Command({"LRANGE", "ca:test:{a}:l", "0", "-1"}),
            RedisReply::Array({RedisReply::String("x"), RedisReply::String("y")}));
  EXPECT_TRUE(client->Ping().ok());
}

TEST_F(RedisClientTest, EmptyCommandIsInvalidArgument) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->Command({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client->Pipeline({{"PING"}, {}}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RedisClientTest, KeysAndValuesAreBinarySafe) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  std::string key("ca:bin:{\0x}:\r\n k", 17);
  std::string value;
  for (int i = 0; i < 256; ++i) value.push_back(static_cast<char>(i));
  value += "\r\n$-1\r\n*3\r\n";
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31);

  ASSERT_TRUE(client->Command({"SET", key, value})->is_status());
  EXPECT_EQ(*client->Command({"GET", key}), RedisReply::String(value));
  EXPECT_EQ(*client->Command({"STRLEN", key}),
            RedisReply::Integer(static_cast<int64_t>(value.size())));
  ASSERT_TRUE(client->Command({"SET", "ca:bin:{b}:big", big})->is_status());
  EXPECT_EQ(*client->Command({"GET", "ca:bin:{b}:big"}), RedisReply::String(big));
  EXPECT_EQ(*client->Command({"EXISTS", std::string("ca:bin:{", 8)}), RedisReply::Integer(0));
}

TEST_F(RedisClientTest, PipelineReturnsRepliesInCommandOrder) {
  RecordingObserver observer;
  RedisOptions options;
  options.url = server_->url();
  options.observer = &observer;
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);

  std::vector<std::vector<std::string>> commands;
  commands.push_back({"SET", "ca:p:{a}:s", "text"});
  for (int i = 1; i <= 200; ++i) {
    commands.push_back({"INCRBY", "ca:p:{a}:n", absl::StrCat(i)});
  }
  commands.push_back({"INCR", "ca:p:{a}:s"});  // an error in the middle
  commands.push_back({"GET", "ca:p:{a}:n"});
  absl::StatusOr<std::vector<RedisReply>> replies = client->Pipeline(commands);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), commands.size());
  EXPECT_EQ((*replies)[0], RedisReply::Status("OK"));
  int64_t total = 0;
  for (int i = 1; i <= 200; ++i) {
    total += i;
    ASSERT_EQ((*replies)[i], RedisReply::Integer(total)) << "reply " << i;
  }
  EXPECT_TRUE((*replies)[201].is_error()) << (*replies)[201].DebugString();
  EXPECT_EQ((*replies)[202], RedisReply::String(absl::StrCat(total)));

  // One borrowed connection, one operation.
  ASSERT_EQ(observer.ops().size(), 1u);
  EXPECT_EQ(observer.ops()[0].operation, "PIPELINE");
  EXPECT_TRUE(observer.ops()[0].error_reply);
  EXPECT_EQ(observer.connects(), 1);
  EXPECT_TRUE(client->Pipeline({})->empty());
}

TEST_F(RedisClientTest, ErrorRepliesAreValuesNotStatuses) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  absl::StatusOr<RedisReply> unknown = client->Command({"NOSUCHCOMMAND", "x"});
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_TRUE(unknown->is_error());
  EXPECT_EQ(RedisErrorCode(*unknown), "ERR");

  ASSERT_TRUE(client->Command({"SET", "ca:e:{a}:s", "x"}).ok());
  absl::StatusOr<RedisReply> wrong = client->Command({"LPUSH", "ca:e:{a}:s", "y"});
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  EXPECT_EQ(RedisErrorCode(*wrong), "WRONGTYPE");
  // The connection is still good after an error reply.
  EXPECT_EQ(client->open_connections(), 1);
  EXPECT_TRUE(client->Ping().ok());
  EXPECT_EQ(client->open_connections(), 1);
}

TEST_F(RedisClientTest, ScriptShaMatchesRedisAndEvalPassesKeysAndArgs) {
  RecordingObserver observer;
  RedisOptions options;
  options.url = server_->url();
  options.observer = &observer;
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  RedisScript script(
      "redis.call('SET', KEYS[1], ARGV[1]) "
      "return {KEYS[1], ARGV[1], ARGV[2], redis.call('INCR', KEYS[2])}");

  absl::StatusOr<RedisReply> loaded = client->Command({"SCRIPT", "LOAD", script.source()});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->str(), script.sha());

  absl::StatusOr<RedisReply> reply =
      client->Eval(script, {"ca:s:{a}:k", "ca:s:{a}:n"}, {std::string("v\0w", 3), "2"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(*reply, RedisReply::Array({RedisReply::String("ca:s:{a}:k"),
                                       RedisReply::String(std::string("v\0w", 3)),
                                       RedisReply::String("2"), RedisReply::Integer(1)}));
  EXPECT_EQ(*client->Command({"GET", "ca:s:{a}:k"}), RedisReply::String(std::string("v\0w", 3)));
  std::vector<RecordingObserver::Op> ops = observer.ops();
  ASSERT_FALSE(ops.empty());
  EXPECT_EQ(ops[1].operation, "EVALSHA");
  EXPECT_FALSE(ops[1].script_reloaded);  // it was already loaded
}

TEST_F(RedisClientTest, EvalFallsBackToSourceAfterScriptFlush) {
  RecordingObserver observer;
  RedisOptions options;
  options.url = server_->url();
  options.observer = &observer;
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  RedisScript script("return redis.call('INCR', KEYS[1])");

  EXPECT_EQ(*client->Eval(script, {"ca:f:{a}:n"}, {}), RedisReply::Integer(1));
  EXPECT_EQ(*client->Eval(script, {"ca:f:{a}:n"}, {}), RedisReply::Integer(2));
  ASSERT_TRUE(client->Command({"SCRIPT", "FLUSH"})->is_status());
  EXPECT_EQ(*client->Command({"SCRIPT", "EXISTS", script.sha()}),
            RedisReply::Array({RedisReply::Integer(0)}));

  EXPECT_EQ(*client->Eval(script, {"ca:f:{a}:n"}, {}), RedisReply::Integer(3));
  EXPECT_EQ(*client->Command({"SCRIPT", "EXISTS", script.sha()}),
            RedisReply::Array({RedisReply::Integer(1)}));

  std::vector<bool> reloaded;
  for (const auto& op : observer.ops()) {
    if (op.operation == "EVALSHA") reloaded.push_back(op.script_reloaded);
  }
  EXPECT_EQ(reloaded, (std::vector<bool>{true, false, true}));
}

TEST_F(RedisClientTest, ScriptErrorReplyReachesTheCaller) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  RedisScript exhausted(
      "if tonumber(ARGV[1]) <= 0 then "
      "return redis.error_reply('EXHAUSTED 0 views left') end return 1");
  absl::StatusOr<RedisReply> reply = client->Eval(exhausted, {}, {"0"});
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_TRUE(reply->is_error()) << reply->DebugString();
  EXPECT_EQ(RedisErrorCode(*reply), "EXHAUSTED");
  EXPECT_THAT(reply->str(), HasSubstr("0 views left"));
  EXPECT_EQ(*client->Eval(exhausted, {}, {"1"}), RedisReply::Integer(1));

  RedisScript broken("return redis.call('NOSUCHCOMMAND')");
  absl::StatusOr<RedisReply> failed = client->Eval(broken, {}, {});
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_TRUE(failed->is_error()) << failed->DebugString();
}

TEST_F(RedisClientTest, ConfigCheckPassesOnProductionConfig) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->CheckServerConfig().ok()) << client->CheckServerConfig();
}

TEST_F(RedisClientTest, ConfigCheckRefusesServerWithoutAof) {
  RedisServer::Options no_aof;
  no_aof.config = {{"appendonly", "no"}};
  auto server = StartServer(no_aof);
  ASSERT_NE(server, nullptr);
  RedisOptions options;
  options.url = server->url();
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  absl::Status status = client->CheckServerConfig();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("appendonly"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("maxmemory-policy")));
}

TEST_F(RedisClientTest, ConfigCheckRefusesEvictingServer) {
  RedisServer::Options lru;
  lru.config = {{"maxmemory-policy", "allkeys-lru"}};
  auto server = StartServer(lru);
  ASSERT_NE(server, nullptr);
  RedisOptions options;
  options.url = server->url();
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  absl::Status status = client->CheckServerConfig();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("maxmemory-policy is 'allkeys-lru'"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("appendonly")));
}

TEST_F(RedisClientTest, ConfigCheckRefusesAppendfsyncNo) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Command({"CONFIG", "SET", "appendfsync", "no"})->is_status());
  absl::Status status = client->CheckServerConfig();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("appendfsync"));
}

TEST_F(RedisClientTest, KilledServerFailsFastWithUnavailable) {
  RedisOptions options;
  options.url = server_->url();
  options.pool_size = 4;
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Ping().ok());
  ASSERT_EQ(client->idle_connections(), 1);

  ASSERT_TRUE(server_->Kill().ok());
  absl::Time start = absl::Now();
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<RedisReply> reply = client->Command({"GET", "ca:k:{a}:x"});
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable)
        << "call " << i << ": " << (reply.ok() ? reply->DebugString() : reply.status().ToString());
  }
  EXPECT_EQ(client->Pipeline({{"PING"}, {"PING"}}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(client->Eval(RedisScript("return 1"), {}, {}).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(client->CheckServerConfig().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_EQ(client->open_connections(), 0);
}

TEST_F(RedisClientTest, RestartedServerServesAgainWithAofData) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  RedisScript script("return redis.call('GET', KEYS[1])");
  ASSERT_TRUE(client->Command({"SET", "ca:d:{a}:kept", "survives"})->is_status());
  ASSERT_EQ(*client->Eval(script, {"ca:d:{a}:kept"}, {}), RedisReply::String("survives"));
  // appendfsync everysec: wait until Redis has written and fsynced the AOF
  // (what "more than a second before the crash" guarantees).
  EXPECT_TRUE(WaitUntil(
      [&] {
        absl::StatusOr<RedisReply> info = client->Command({"INFO", "persistence"});
        return info.ok() && info->is_string() &&
               InfoField(info->str(), "aof_buffer_length") == "0" &&
               InfoField(info->str(), "aof_pending_bio_fsync") == "0";
      },
      absl::Seconds(5)));

  ASSERT_TRUE(server_->Kill().ok());
  // No call while it is down: the pooled connection to the dead server is
  // still idle in the pool when the new one comes up.
  ASSERT_EQ(client->idle_connections(), 1);
  absl::Status restarted = server_->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted;

  // The first call after the restart succeeds: the dead pooled connection is
  // noticed and replaced without a failed call.
  absl::StatusOr<RedisReply> kept = client->Command({"GET", "ca:d:{a}:kept"});
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(*kept, RedisReply::String("survives"));
  // The restart emptied the script cache; Eval reloads the script.
  absl::StatusOr<RedisReply> evaluated = client->Eval(script, {"ca:d:{a}:kept"}, {});
  ASSERT_TRUE(evaluated.ok()) << evaluated.status();
  EXPECT_EQ(*evaluated, RedisReply::String("survives"));
  EXPECT_TRUE(client->CheckServerConfig().ok());
}

TEST_F(RedisClientTest, HungServerTimesOutAsUnavailableThenRecovers) {
  RedisOptions options;
  options.url = server_->url();
  options.command_timeout = absl::Milliseconds(300);
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Ping().ok());

  ASSERT_TRUE(server_->Pause().ok());
  absl::Time start = absl::Now();
  absl::StatusOr<RedisReply> reply = client->Command({"GET", "ca:h:{a}:x"});
  absl::Duration took = absl::Now() - start;
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable) << reply.status();
  EXPECT_GE(took, absl::Milliseconds(250));
  EXPECT_LT(took, absl::Seconds(2));
  // The timed-out connection is not reused (its late reply would be read as
  // the answer to the next call).
  EXPECT_EQ(client->open_connections(), 0);

  ASSERT_TRUE(server_->Resume().ok());
  EXPECT_EQ(*client->Command({"SET", "ca:h:{a}:x", "1"}), RedisReply::Status("OK"));
  EXPECT_EQ(*client->Command({"GET", "ca:h:{a}:x"}), RedisReply::String("1"));
}

TEST_F(RedisClientTest, CallersDeadlineGivesDeadlineExceeded) {
  RedisOptions options;
  options.url = server_->url();
  options.command_timeout = absl::Seconds(5);
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Ping().ok());
  ASSERT_TRUE(server_->Pause().ok());
  absl::Time start = absl::Now();
  absl::StatusOr<RedisReply> reply = client->Command({"PING"}, start + absl::Milliseconds(100));
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kDeadlineExceeded) << reply.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  ASSERT_TRUE(server_->Resume().ok());
  EXPECT_TRUE(client->Ping().ok());
}

TEST_F(RedisClientTest, BusyPoolMakesCallersWaitUntilTheirDeadline) {
  RedisOptions options;
  options.url = server_->url();
  options.pool_size = 1;
  options.command_timeout = absl::Seconds(10);
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  auto observer_client = NewClient();
  ASSERT_NE(observer_client, nullptr);

  absl::StatusOr<RedisReply> popped;
  std::thread blocked([&] { popped = client->Command({"BLPOP", "ca:q:{a}:jobs", "5"}); });
  // Wait until the only connection is blocked inside Redis.
  EXPECT_TRUE(WaitUntil(
      [&] {
        absl::StatusOr<RedisReply> info = observer_client->Command({"INFO", "clients"});
        return info.ok() && InfoField(info->str(), "blocked_clients") == "1";
      },
      absl::Seconds(5)));
  absl::Time start = absl::Now();
  EXPECT_EQ(client->Command({"PING"}, start + absl::Milliseconds(100)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  EXPECT_EQ(client->open_connections(), 1);

  ASSERT_TRUE(observer_client->Command({"RPUSH", "ca:q:{a}:jobs", "job1"}).ok());
  blocked.join();
  ASSERT_TRUE(popped.ok()) << popped.status();
  EXPECT_EQ(*popped,
            RedisReply::Array({RedisReply::String("ca:q:{a}:jobs"), RedisReply::String("job1")}));
  EXPECT_TRUE(client->Ping().ok());
}

void IncrementConcurrently(RedisClient& client, int threads, int per_thread) {
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        absl::StatusOr<RedisReply> r = client.Command({"INCR", "ca:c:{a}:n"});
        if (!r.ok() || !r->is_integer()) ++failures;
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(RedisClientTest, EightThreadsIncrementingGiveTheExactTotal) {
  RedisOptions options;
  options.url = server_->url();
  options.pool_size = 8;
  options.command_timeout = absl::Seconds(5);  // a loaded CI machine
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  IncrementConcurrently(*client, 8, 500);
  EXPECT_EQ(*client->Command({"GET", "ca:c:{a}:n"}), RedisReply::String("4000"));
  EXPECT_LE(client->open_connections(), 8);
}

TEST_F(RedisClientTest, SmallPoolSharedByEightThreadsGivesTheExactTotal) {
  RedisOptions options;
  options.url = server_->url();
  options.pool_size = 2;
  options.command_timeout = absl::Seconds(5);
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  IncrementConcurrently(*client, 8, 500);
  EXPECT_EQ(*client->Command({"GET", "ca:c:{a}:n"}), RedisReply::String("4000"));
  EXPECT_LE(client->open_connections(), 2);
}

TEST_F(RedisClientTest, SelectsTheDatabaseFromTheUrl) {
  RedisOptions db5;
  db5.url = absl::StrCat("redis://127.0.0.1:", server_->port(), "/5");
  auto client5 = NewClient(db5);
  auto client0 = NewClient();
  ASSERT_NE(client5, nullptr);
  ASSERT_NE(client0, nullptr);
  ASSERT_TRUE(client5->Command({"SET", "ca:db:{a}:k", "five"})->is_status());
  EXPECT_EQ(*client0->Command({"GET", "ca:db:{a}:k"}), RedisReply::Nil());
  EXPECT_EQ(*client5->Command({"GET", "ca:db:{a}:k"}), RedisReply::String("five"));
  absl::StatusOr<RedisReply> info = client0->Command({"INFO", "keyspace"});
  ASSERT_TRUE(info.ok());
  EXPECT_THAT(info->str(), HasSubstr("db5:keys=1"));
}

TEST_F(RedisClientTest, PasswordFromUrlOrOptionAuthenticates) {
  RedisServer::Options secured;
  secured.password = "Sesame-42";
  auto server = StartServer(secured);
  ASSERT_NE(server, nullptr);

  RedisOptions from_url;
  from_url.url = server->url();
  auto client = NewClient(from_url);
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->Ping().ok());
  EXPECT_THAT(client->redacted_url(), Not(HasSubstr("Sesame")));

  RedisOptions from_option;
  from_option.url = absl::StrCat("redis://127.0.0.1:", server->port(), "/0");
  from_option.password = "Sesame-42";
  auto client2 = NewClient(from_option);
  ASSERT_NE(client2, nullptr);
  EXPECT_TRUE(client2->Ping().ok());

  RedisOptions without;
  without.url = from_option.url;
  auto anonymous = NewClient(without);
  ASSERT_NE(anonymous, nullptr);
  EXPECT_EQ(anonymous->Ping().code(), absl::StatusCode::kUnavailable);

  RedisOptions wrong = from_option;
  wrong.password = "WrongSecret-7";
  auto intruder = NewClient(wrong);
  ASSERT_NE(intruder, nullptr);
  absl::Status status = intruder->Ping();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("WrongSecret")));
  EXPECT_THAT(std::string(status.message()), HasSubstr("AUTH refused"));
}

TEST_F(RedisClientTest, AvailabilityErrorRepliesAreUnavailable) {
  RedisServer::Options tiny;
  tiny.config = {{"maxmemory", "1mb"}};
  auto server = StartServer(tiny);
  ASSERT_NE(server, nullptr);
  RedisOptions options;
  options.url = server->url();
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  std::string value(512 * 1024, 'x');
  absl::Status last;
  for (int i = 0; i < 8 && last.ok(); ++i) {
    last = client->Command({"SET", absl::StrCat("ca:m:{a}:", i), value}).status();
  }
  // noeviction: a full Redis refuses writes (OOM) instead of dropping data.
  EXPECT_EQ(last.code(), absl::StatusCode::kUnavailable) << last;
  EXPECT_THAT(std::string(last.message()), HasSubstr("OOM"));
  EXPECT_TRUE(client->Command({"GET", "ca:m:{a}:0"}).ok());
}

TEST_F(RedisClientTest, ServerDroppingConnectionMidWriteIsUnavailable) {
  // Redis answers a bulk longer than proto-max-bulk-len with a protocol error
  // and resets the connection while the client is still writing 64 MiB.
  RedisServer::Options strict;
  strict.config = {{"proto-max-bulk-len", "1mb"}};
  auto server = StartServer(strict);
  ASSERT_NE(server, nullptr);
  RedisOptions options;
  options.url = server->url();
  options.command_timeout = absl::Seconds(5);
  auto client = NewClient(options);
  ASSERT_NE(client, nullptr);
  std::string huge(64 << 20, 'x');
  absl::StatusOr<RedisReply> reply = client->Command({"SET", "ca:big:{a}:k", huge});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable)
      << (reply.ok() ? reply->DebugString() : reply.status().ToString());
  EXPECT_EQ(client->open_connections(), 0);
  EXPECT_TRUE(client->Ping().ok());
}

TEST(RedisClientCreateTest, RejectsBadOptions) {
  RedisOptions bad_url;
  bad_url.url = "http://127.0.0.1:1/0";
  EXPECT_EQ(RedisClient::Create(bad_url).status().code(), absl::StatusCode::kInvalidArgument);
  RedisOptions no_pool;
  no_pool.pool_size = 0;
  EXPECT_EQ(RedisClient::Create(no_pool).status().code(), absl::StatusCode::kInvalidArgument);
  RedisOptions no_timeout;
  no_timeout.command_timeout = absl::ZeroDuration();
  EXPECT_EQ(RedisClient::Create(no_timeout).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace codingahead::common
