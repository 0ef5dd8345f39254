#ifndef CODINGAHEAD_COMMON_TESTING_REDIS_SERVER_H_
#define CODINGAHEAD_COMMON_TESTING_REDIS_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/testing/subprocess.h"

namespace codingahead::testing {

// A real redis-server for tests, on a free 127.0.0.1 port with its own
// private folder (config, AOF, log), configured like production (DESIGN.md):
// maxmemory-policy noeviction, appendonly yes, appendfsync everysec, no RDB
// snapshots. Killed and its folder removed by the destructor.
//
//   auto redis = RedisServer::Start({});
//   ASSERT_TRUE(redis.ok()) << redis.status();
//   options.url = (*redis)->url();
class RedisServer {
 public:
  struct Options {
    // Production settings to replace or add, written to redis.conf verbatim
    // as `name value`: {{"appendonly", "no"}}, {{"maxmemory-policy",
    // "allkeys-lru"}}.
    std::vector<std::pair<std::string, std::string>> config;
    // When set, the server requires it (requirepass) and url() carries it
    // verbatim, so use URL-safe characters.
    std::string password;
    std::string binary = "redis-server";
    // How long Start() and Restart() wait for the server to answer.
    absl::Duration start_timeout = absl::Seconds(20);
  };

  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(Options options);

  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;
  ~RedisServer();

  int port() const { return port_; }
  // "redis://127.0.0.1:PORT/0", or "redis://:PASSWORD@127.0.0.1:PORT/0".
  std::string url() const;
  // The private folder: redis.conf, redis.log, appendonlydir/.
  const std::string& dir() const { return dir_.path(); }
  bool running() const { return process_.has_value() && process_->running(); }

  // SIGKILL, as a crash: nothing is flushed beyond what Redis already wrote.
  absl::Status Kill();
  // SIGTERM and wait for a clean exit (Redis fsyncs the AOF).
  absl::Status Stop();
  // Starts again on the same port and folder, so the AOF is reloaded; stops
  // the server first if it is running. Returns once it answers PING and has
  // finished loading.
  absl::Status Restart();
  // SIGSTOP / SIGCONT: a server that accepts connections but never answers.
  absl::Status Pause();
  absl::Status Resume();

  // OK once the server answers PING and is not loading its data.
  absl::Status CheckReady() const;

 private:
  explicit RedisServer(Options options);
  absl::Status WriteConfig();
  absl::Status Launch();

  const Options options_;
  TempDir dir_;
  int port_ = 0;
  std::optional<Subprocess> process_;
};

}  // namespace codingahead::testing

#endif  // CODINGAHEAD_COMMON_TESTING_REDIS_SERVER_H_
