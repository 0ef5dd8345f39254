#ifndef CODINGAHEAD_COMMON_TESTING_SUBPROCESS_H_
#define CODINGAHEAD_COMMON_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace codingahead::testing {

// A child process started from argv (no shell), optionally as another user
// (PostgreSQL refuses to run as root). Output goes to `log_path` when given.
// The destructor kills the child with SIGKILL if it is still running, so a
// failing test never leaves a server behind.
class Subprocess {
 public:
  struct Options {
    std::vector<std::string> argv;
    std::string log_path;     // empty: inherit stdout/stderr
    std::string run_as_user;  // empty: this user; only honoured when root
    std::string working_dir;
  };

  static absl::StatusOr<Subprocess> Start(const Options& options);

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // Sends `signal` and waits up to `timeout` for the exit; SIGKILL after that.
  absl::Status Stop(int signal, absl::Duration timeout);
  // SIGKILL, as a crash would.
  void Kill();
  // Waits for the exit and returns the exit status (as from waitpid).
  absl::StatusOr<int> Wait(absl::Duration timeout);

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

// Runs a command to completion; returns its exit code, failing on timeout.
absl::StatusOr<int> RunCommand(const Subprocess::Options& options, absl::Duration timeout);

// A TCP port on 127.0.0.1 that nothing was listening on a moment ago.
int PickFreePort();

// True when something accepts TCP connections on 127.0.0.1:`port` (probe a
// server before opening a gRPC channel, which backs off for seconds after a
// refused connection).
bool PortAcceptsConnections(int port);

// A fresh private folder under $TMPDIR (or /tmp), removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "codingahead-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Hands `path` (recursively) to `user`; a no-op unless running as root.
absl::Status ChownForUser(const std::string& path, const std::string& user);

// Polls `ready` every few milliseconds until it returns true or `timeout`.
template <typename Fn>
bool WaitUntil(Fn ready, absl::Duration timeout);

}  // namespace codingahead::testing

#include "absl/time/clock.h"

namespace codingahead::testing {
template <typename Fn>
bool WaitUntil(Fn ready, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (ready()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return ready();
}
}  // namespace codingahead::testing

#endif  // CODINGAHEAD_COMMON_TESTING_SUBPROCESS_H_
