#include "common/testing/subprocess.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace codingahead::testing {
namespace {

absl::Status ErrnoStatus(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<Subprocess> Subprocess::Start(const Options& options) {
  if (options.argv.empty()) return absl::InvalidArgumentError("empty argv");
  uid_t uid = 0;
  gid_t gid = 0;
  bool switch_user = !options.run_as_user.empty() && geteuid() == 0;
  if (switch_user) {
    struct passwd* pw = getpwnam(options.run_as_user.c_str());
    if (pw == nullptr) {
      return absl::NotFoundError(absl::StrCat("no such user: ", options.run_as_user));
    }
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }
  std::vector<char*> argv;
  for (const auto& a : options.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) return ErrnoStatus("fork");
  if (pid == 0) {
    // Child: own process group so signals to the test do not reach it twice.
    setpgid(0, 0);
    if (!options.log_path.empty()) {
      int fd = open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
      }
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (!options.working_dir.empty() && chdir(options.working_dir.c_str()) != 0) _exit(126);
    if (switch_user) {
      if (setgid(gid) != 0 || setuid(uid) != 0) _exit(126);
    }
    // A test that crashes must not leave servers behind. Set after setuid,
    // which clears the setting.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  return Subprocess(pid);
}

Subprocess::Subprocess(Subprocess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    Kill();
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

Subprocess::~Subprocess() { Kill(); }

void Subprocess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

absl::StatusOr<int> Subprocess::Wait(absl::Duration timeout) {
  if (pid_ <= 0) return absl::FailedPreconditionError("not running");
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return status;
    }
    if (r < 0) return ErrnoStatus("waitpid");
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat("process ", pid_, " still running"));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

absl::Status Subprocess::Stop(int signal, absl::Duration timeout) {
  if (pid_ <= 0) return absl::OkStatus();
  ::kill(pid_, signal);
  auto waited = Wait(timeout);
  if (!waited.ok()) {
    Kill();
    return waited.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<int> RunCommand(const Subprocess::Options& options, absl::Duration timeout) {
  auto process = Subprocess::Start(options);
  if (!process.ok()) return process.status();
  auto status = process->Wait(timeout);
  if (!status.ok()) return status.status();
  if (WIFEXITED(*status)) return WEXITSTATUS(*status);
  return absl::InternalError(
      absl::StrCat(options.argv[0], " died with signal ", WTERMSIG(*status)));
}

int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    socklen_t len = sizeof(addr);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
  }
  close(fd);
  return port;
}

bool PortAcceptsConnections(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

TempDir::TempDir(const std::string& prefix) {
  const char* tmp = getenv("TMPDIR");
  std::string base = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
  std::string pattern = absl::StrCat(base, "/", prefix, "-XXXXXX");
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) != nullptr) {
    path_ = buf.data();
    // Readable by a server that runs as another user (postgres).
    chmod(path_.c_str(), 0755);
  }
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

absl::Status ChownForUser(const std::string& path, const std::string& user) {
  if (geteuid() != 0) return absl::OkStatus();
  struct passwd* pw = getpwnam(user.c_str());
  if (pw == nullptr) return absl::NotFoundError(absl::StrCat("no such user: ", user));
  std::error_code ec;
  if (chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) return ErrnoStatus("chown");
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (chown(it->path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      return ErrnoStatus("chown");
    }
  }
  return absl::OkStatus();
}

}  // namespace codingahead::testing
