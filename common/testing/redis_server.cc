#include "common/testing/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace codingahead::testing {
namespace {

// The production settings of DESIGN.md, plus what a test server needs.
std::vector<std::pair<std::string, std::string>> BaseConfig(const std::string& dir, int port) {
  return {
      {"bind", "127.0.0.1"},
      {"port", absl::StrCat(port)},
      {"daemonize", "no"},
      {"dir", absl::StrCat("\"", dir, "\"")},
      {"logfile", "\"\""},  // stdout, which goes to redis.log
      {"maxmemory-policy", "noeviction"},
      {"appendonly", "yes"},
      {"appendfsync", "everysec"},
      {"save", "\"\""},
  };
}

std::string ReadTail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.size() > max_bytes) text = text.substr(text.size() - max_bytes);
  return text;
}

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

}  // namespace

RedisServer::RedisServer(Options options)
    : options_(std::move(options)), dir_("codingahead-redis") {}

RedisServer::~RedisServer() {
  if (process_.has_value()) process_->Kill();
}

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(Options options) {
  std::unique_ptr<RedisServer> server(new RedisServer(std::move(options)));
  if (server->dir().empty()) {
    return absl::InternalError("cannot create a temporary folder for redis");
  }
  // The port is free when picked but may be taken before redis binds it.
  absl::Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    server->port_ = PickFreePort();
    if (server->port_ <= 0) return absl::InternalError("no free port");
    status = server->WriteConfig();
    if (!status.ok()) return status;
    status = server->Launch();
    if (status.ok()) return server;
    if (!absl::StrContains(ReadTail(server->dir() + "/redis.log", 4096),
                           "Address already in use")) {
      break;
    }
  }
  return status;
}

std::string RedisServer::url() const {
  std::string auth = options_.password.empty() ? "" : absl::StrCat(":", options_.password, "@");
  return absl::StrCat("redis://", auth, "127.0.0.1:", port_, "/0");
}

absl::Status RedisServer::WriteConfig() {
  std::vector<std::pair<std::string, std::string>> config = BaseConfig(dir(), port_);
  if (!options_.password.empty()) {
    config.emplace_back("requirepass", absl::StrCat("\"", options_.password, "\""));
  }
  for (const auto& [name, value] : options_.config) {
    bool replaced = false;
    for (auto& entry : config) {
      if (entry.first == name) {
        entry.second = value;
        replaced = true;
      }
    }
    if (!replaced) config.emplace_back(name, value);
  }
  std::ofstream out(dir() + "/redis.conf", std::ios::trunc);
  for (const auto& [name, value] : config) out << name << " " << value << "\n";
  out.close();
  if (!out) return absl::InternalError("cannot write redis.conf");
  return absl::OkStatus();
}

absl::Status RedisServer::Launch() {
  Subprocess::Options run;
  run.argv = {options_.binary, dir() + "/redis.conf"};
  run.log_path = dir() + "/redis.log";
  run.working_dir = dir();
  absl::StatusOr<Subprocess> process = Subprocess::Start(run);
  if (!process.ok()) return process.status();
  process_.emplace(*std::move(process));

  absl::Status last = absl::UnavailableError("not checked yet");
  bool exited = false;
  bool ready = WaitUntil(
      [&] {
        // A child that exited (bad config, port taken) will never answer.
        if (process_->Wait(absl::ZeroDuration()).ok()) {
          exited = true;
          return true;
        }
        last = CheckReady();
        return last.ok();
      },
      options_.start_timeout);
  if (ready && !exited) return absl::OkStatus();
  process_->Kill();
  process_.reset();
  return absl::UnavailableError(
      absl::StrCat("redis-server on port ", port_, exited ? " exited" : " did not become ready",
                   " (", last.message(), "); log tail:\n", ReadTail(dir() + "/redis.log", 2048)));
}

absl::Status RedisServer::CheckReady() const {
  struct timeval timeout = {0, 200 * 1000};
  std::unique_ptr<redisContext, ContextDeleter> c(
      redisConnectWithTimeout("127.0.0.1", port_, timeout));
  if (c == nullptr) return absl::ResourceExhaustedError("out of memory");
  if (c->err != 0) return absl::UnavailableError(c->errstr);
  struct timeval io_timeout = {1, 0};
  redisSetTimeout(c.get(), io_timeout);
  if (!options_.password.empty()) {
    ReplyPtr auth(
        static_cast<redisReply*>(redisCommand(c.get(), "AUTH %s", options_.password.c_str())));
    if (auth == nullptr) return absl::UnavailableError(c->errstr);
    if (auth->type == REDIS_REPLY_ERROR) {
      return absl::UnavailableError(absl::StrCat("AUTH: ", auth->str));
    }
  }
  ReplyPtr pong(static_cast<redisReply*>(redisCommand(c.get(), "PING")));
  if (pong == nullptr) return absl::UnavailableError(c->errstr);
  if (pong->type != REDIS_REPLY_STATUS || std::string(pong->str, pong->len) != "PONG") {
    return absl::UnavailableError(
        absl::StrCat("PING answered: ", pong->str == nullptr ? "?" : pong->str));
  }
  ReplyPtr info(static_cast<redisReply*>(redisCommand(c.get(), "INFO persistence")));
  if (info == nullptr) return absl::UnavailableError(c->errstr);
  if (info->type != REDIS_REPLY_STRING ||
      !absl::StrContains(std::string(info->str, info->len), "loading:0\r")) {
    return absl::UnavailableError("still loading");
  }
  return absl::OkStatus();
}

absl::Status RedisServer::Kill() {
  if (!running()) return absl::FailedPreconditionError("redis is not running");
  process_->Kill();
  process_.reset();
  return absl::OkStatus();
}

absl::Status RedisServer::Stop() {
  if (!running()) return absl::FailedPreconditionError("redis is not running");
  ::kill(process_->pid(), SIGCONT);  // in case it was paused
  absl::Status status = process_->Stop(SIGTERM, absl::Seconds(20));
  process_.reset();
  return status;
}

absl::Status RedisServer::Restart() {
  if (running()) {
    if (absl::Status s = Stop(); !s.ok()) return s;
  }
  return Launch();
}

absl::Status RedisServer::Pause() {
  if (!running()) return absl::FailedPreconditionError("redis is not running");
  if (::kill(process_->pid(), SIGSTOP) != 0) {
    return absl::InternalError("kill(SIGSTOP) failed");
  }
  return absl::OkStatus();
}

absl::Status RedisServer::Resume() {
  if (!running()) return absl::FailedPreconditionError("redis is not running");
  if (::kill(process_->pid(), SIGCONT) != 0) {
    return absl::InternalError("kill(SIGCONT) failed");
  }
  return absl::OkStatus();
}

}  // namespace codingahead::testing
