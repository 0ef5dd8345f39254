#ifndef CODINGAHEAD_COMMON_TESTING_POSTGRES_SERVER_H_
#define CODINGAHEAD_COMMON_TESTING_POSTGRES_SERVER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/testing/subprocess.h"

namespace codingahead::testing {

// A real PostgreSQL 15 server for tests: `initdb` into a private temporary
// folder, then `postgres` on a free 127.0.0.1 port with trust authentication
// for the superuser `postgres` (no password), fsync off. When the test runs as
// root, initdb and the server run as the `postgres` OS user, since PostgreSQL
// refuses to run as root.
//
// The server and its folder are gone when the object is destroyed. Not
// thread-safe, except CreateDatabase(), url() and port(), which may be called
// from any thread while no other method runs.
class PostgresServer {
 public:
  // Where the PostgreSQL binaries live (Debian's postgresql-15 package).
  static constexpr char kDefaultBinDir[] = "/usr/lib/postgresql/15/bin";

  struct Options {
    std::string bin_dir = kDefaultBinDir;
    // OS user for initdb and the server when running as root.
    std::string os_user = "postgres";
    int max_connections = 100;
    // How long the server may take to accept connections.
    absl::Duration start_timeout = absl::Seconds(30);
  };

  // Initialises a cluster and starts the server; returns once a libpq
  // connection (PQping, through pg_isready) succeeds.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start();
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start(const Options& options);

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  ~PostgresServer();

  int port() const { return port_; }
  // libpq URI of the `postgres` database:
  // postgresql://postgres@127.0.0.1:PORT/postgres
  std::string url() const { return UrlFor("postgres"); }
  // libpq URI of another database on this server.
  std::string UrlFor(const std::string& database) const;
  // The folder holding data, socket and logs.
  const std::string& dir() const { return dir_.path(); }

  // Creates an empty database (`[a-z0-9_]`, at most 63 characters) and
  // returns its URL, so that each test can use a fresh one.
  absl::StatusOr<std::string> CreateDatabase(const std::string& name);

  // Fast shutdown (SIGINT: active sessions are ended), waiting for the exit.
  absl::Status Stop();
  // SIGKILL to the postmaster, as a crash would. Backends notice the
  // postmaster's death and exit on their own.
  void Kill();
  // Starts the server again on the same data folder and port, after Stop()
  // or Kill() (a crashed server runs crash recovery first).
  absl::Status Restart();
  bool running() const { return process_.has_value() && process_->running(); }

  // The last lines of the server log, for failure messages.
  std::string LogTail() const;

 private:
  explicit PostgresServer(const Options& options);
  absl::Status InitDb();
  // Starts the postmaster and waits until it accepts connections.
  absl::Status StartServer();
  // Whether pg_isready reports the server as accepting connections.
  bool Ready() const;
  std::string Bin(const std::string& name) const;
  std::string RunAsUser() const;

  Options options_;
  TempDir dir_;
  std::string data_dir_;
  std::string socket_dir_;
  std::string log_path_;
  int port_ = -1;
  std::optional<Subprocess> process_;
};

}  // namespace codingahead::testing

#endif  // CODINGAHEAD_COMMON_TESTING_POSTGRES_SERVER_H_
