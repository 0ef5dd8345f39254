#include "common/testing/postgres_server.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace codingahead::testing {
namespace {

constexpr int kStartAttempts = 5;

bool ValidDatabaseName(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_')) {
      return false;
    }
  }
  return true;
}

std::string Tail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.size() > max_bytes) text = text.substr(text.size() - max_bytes);
  return text;
}

}  // namespace

PostgresServer::PostgresServer(const Options& options)
    : options_(options), dir_("codingahead-postgres") {
  data_dir_ = absl::StrCat(dir_.path(), "/data");
  socket_dir_ = absl::StrCat(dir_.path(), "/socket");
  log_path_ = absl::StrCat(dir_.path(), "/postgres.log");
}

PostgresServer::~PostgresServer() { (void)Stop(); }

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start() { return Start(Options()); }

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start(const Options& options) {
  std::unique_ptr<PostgresServer> server(new PostgresServer(options));
  if (server->dir_.path().empty()) {
    return absl::InternalError("cannot create a temporary folder");
  }
  if (absl::Status s = server->InitDb(); !s.ok()) return s;
  // The port is free when picked but may be taken before the server binds
  // it: try a few.
  absl::Status started;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    server->port_ = PickFreePort();
    if (server->port_ <= 0) return absl::InternalError("no free port");
    started = server->StartServer();
    if (started.ok()) return server;
  }
  return started;
}

std::string PostgresServer::Bin(const std::string& name) const {
  return absl::StrCat(options_.bin_dir, "/", name);
}

std::string PostgresServer::RunAsUser() const { return geteuid() == 0 ? options_.os_user : ""; }

std::string PostgresServer::UrlFor(const std::string& database) const {
  return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/", database);
}

absl::Status PostgresServer::InitDb() {
  if (mkdir(socket_dir_.c_str(), 0755) != 0) {
    return absl::InternalError("cannot create the socket folder");
  }
  // As root, the whole folder goes to the server's user, who creates the
  // data folder in it.
  if (absl::Status s = ChownForUser(dir_.path(), options_.os_user); !s.ok()) {
    return s;
  }
  Subprocess::Options initdb;
  initdb.argv = {Bin("initdb"), "-D", data_dir_, "-U",         "postgres",  "-A",
                 "trust",       "-E", "UTF8",    "--locale=C", "--no-sync", "--no-instructions"};
  initdb.log_path = log_path_;
  initdb.run_as_user = RunAsUser();
  initdb.working_dir = dir_.path();
  absl::Time start = absl::Now();
  absl::StatusOr<int> exit_code = RunCommand(initdb, absl::Seconds(120));
  if (!exit_code.ok()) return exit_code.status();
  if (*exit_code != 0) {
    return absl::InternalError(absl::StrCat("initdb exited with ", *exit_code, " after ",
                                            absl::FormatDuration(absl::Now() - start), ":\n",
                                            LogTail()));
  }
  return absl::OkStatus();
}

absl::Status PostgresServer::StartServer() {
  Subprocess::Options server;
  server.argv = {Bin("postgres"), "-D", data_dir_, "-p", absl::StrCat(port_), "-k", socket_dir_,
                 "-c", "listen_addresses=127.0.0.1", "-c",
                 absl::StrCat("max_connections=", options_.max_connections),
                 // Tests only: durability is not wanted here, speed is.
                 "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                 "-c", "huge_pages=off", "-c", "logging_collector=off", "-c",
                 "shared_buffers=32MB"};
  server.log_path = log_path_;
  server.run_as_user = RunAsUser();
  server.working_dir = dir_.path();
  absl::StatusOr<Subprocess> process = Subprocess::Start(server);
  if (!process.ok()) return process.status();
  process_.emplace(*std::move(process));

  absl::Time start = absl::Now();
  bool exited = false;
  bool ready = WaitUntil(
      [&] {
        // Wait with a zero timeout: reaps the process if it has exited.
        absl::StatusOr<int> status = process_->Wait(absl::ZeroDuration());
        if (status.ok() || !process_->running()) {
          exited = true;
          return true;
        }
        return Ready();
      },
      options_.start_timeout);
  if (ready && !exited) return absl::OkStatus();
  process_.reset();  // SIGKILL if still running
  return absl::UnavailableError(absl::StrCat(
      "postgres on port ", port_, exited ? " exited during start-up" : " did not become ready",
      " after ", absl::FormatDuration(absl::Now() - start), ":\n", LogTail()));
}

bool PostgresServer::Ready() const {
  Subprocess::Options ping;
  ping.argv = {Bin("pg_isready"), "-q", "-h",       "127.0.0.1", "-p", absl::StrCat(port_), "-U",
               "postgres",        "-d", "postgres", "-t",        "2"};
  ping.log_path = "/dev/null";
  absl::StatusOr<int> exit_code = RunCommand(ping, absl::Seconds(5));
  return exit_code.ok() && *exit_code == 0;
}

absl::StatusOr<std::string> PostgresServer::CreateDatabase(const std::string& name) {
  if (!ValidDatabaseName(name)) {
    return absl::InvalidArgumentError(absl::StrCat("bad database name for a test: ", name));
  }
  std::string log_path = absl::StrCat(dir_.path(), "/createdb-", name, ".log");
  Subprocess::Options psql;
  psql.argv = {Bin("psql"),
               "-X",
               "-q",
               "-v",
               "ON_ERROR_STOP=1",
               "-d",
               url(),
               "-c",
               absl::StrCat("CREATE DATABASE \"", name, "\"")};
  psql.log_path = log_path;
  absl::StatusOr<int> exit_code = RunCommand(psql, absl::Seconds(60));
  if (!exit_code.ok()) return exit_code.status();
  if (*exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("CREATE DATABASE ", name, " failed: ", Tail(log_path, 2000)));
  }
  return UrlFor(name);
}

absl::Status PostgresServer::Stop() {
  if (!process_.has_value()) return absl::OkStatus();
  absl::Status status = process_->Stop(SIGINT, absl::Seconds(30));
  process_.reset();
  return status;
}

void PostgresServer::Kill() {
  if (!process_.has_value()) return;
  process_->Kill();
  process_.reset();
}

absl::Status PostgresServer::Restart() {
  if (running()) return absl::FailedPreconditionError("already running");
  // After Kill(), orphaned backends may still hold the old shared memory for
  // a moment, and the new postmaster refuses to start until they are gone.
  absl::Time deadline = absl::Now() + options_.start_timeout;
  while (true) {
    absl::Status started = StartServer();
    if (started.ok() || absl::Now() >= deadline) return started;
    absl::SleepFor(absl::Milliseconds(100));
  }
}

std::string PostgresServer::LogTail() const { return Tail(log_path_, 4000); }

}  // namespace codingahead::testing
