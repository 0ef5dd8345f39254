#include "tools/importer/snapshot_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/hash.h"

namespace codingahead::importer {
namespace {

using ::codingahead::catalog::snapshot::v1::FORMAT_VERSION_1;
using ::codingahead::catalog::snapshot::v1::FormatVersion_Name;
using ::codingahead::catalog::snapshot::v1::Snapshot;

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  const int err = errno;
  std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  return absl::InternalError(message);
}

absl::Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open folder", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoError("cannot sync folder", dir);
  return absl::OkStatus();
}

// Writes `contents` to a fresh temporary file in `dir`, syncs it and renames
// it to `dir`/`name`, then syncs the folder.
absl::Status WriteFileAtomically(const std::string& dir, absl::string_view name,
                                 absl::string_view contents) {
  std::string temp_path = absl::StrCat(dir, "/.", name, ".tmp.XXXXXX");
  std::vector<char> temp(temp_path.begin(), temp_path.end());
  temp.push_back('\0');
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return ErrnoError("cannot create a temporary file in", dir);
  temp_path = temp.data();
  auto fail = [&](absl::string_view what) {
    absl::Status status = ErrnoError(what, temp_path);
    ::close(fd);
    ::unlink(temp_path.c_str());
    return status;
  };
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    written += static_cast<size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0) return fail("cannot chmod");
  if (::fsync(fd) != 0) return fail("cannot sync");
  if (::close(fd) != 0) {
    absl::Status status = ErrnoError("cannot close", temp_path);
    ::unlink(temp_path.c_str());
    return status;
  }
  const std::string final_path = absl::StrCat(dir, "/", name);
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    absl::Status status = ErrnoError("cannot rename to", final_path);
    ::unlink(temp_path.c_str());
    return status;
  }
  return SyncDirectory(dir);
}

bool IsSnapshotId(absl::string_view id) {
  if (id.size() != 16) return false;
  for (char c : id) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && !(c >= 'a' && c <= 'f')) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string ComputeSnapshotId(const Snapshot& snapshot) {
  common::Sha256 sha;
  for (const auto& release : snapshot.releases()) {
    sha.Update(release.id());
    sha.Update("\n");
    for (const auto& source : release.sources()) {
      sha.Update(source.sha256());
      sha.Update("\n");
    }
  }
  // Edit tables (NCCI/MUE/PFS) after the releases, so snapshots without
  // them keep their ids.
  for (const auto& table : snapshot.edit_tables()) {
    sha.Update(table.id());
    sha.Update("\n");
    for (const auto& source : table.sources()) {
      sha.Update(source.sha256());
      sha.Update("\n");
    }
  }
  return common::Sha256::ToHex(sha.Finish()).substr(0, 16);
}

absl::StatusOr<std::string> WriteSnapshot(const Snapshot& snapshot, const std::string& out_dir) {
  if (snapshot.format_version() != FORMAT_VERSION_1) {
    return absl::InvalidArgumentError(absl::StrCat("refusing to write format_version ",
                                                   FormatVersion_Name(snapshot.format_version())));
  }
  if (!IsSnapshotId(snapshot.snapshot_id())) {
    return absl::InvalidArgumentError(
        absl::StrCat("snapshot_id '", snapshot.snapshot_id(), "' is not 16 hex digits"));
  }
  const std::string snapshots_dir = absl::StrCat(out_dir, "/", kSnapshotsDirName);
  std::error_code ec;
  std::filesystem::create_directories(snapshots_dir, ec);
  if (ec) {
    return absl::InternalError(absl::StrCat("cannot create ", snapshots_dir, ": ", ec.message()));
  }
  std::string bytes;
  if (!snapshot.SerializeToString(&bytes)) {
    return absl::InternalError("cannot serialize the snapshot");
  }
  const std::string file_name = absl::StrCat(snapshot.snapshot_id(), ".pb");
  if (absl::Status s = WriteFileAtomically(snapshots_dir, file_name, bytes); !s.ok()) {
    return s;
  }
  if (absl::Status s =
          WriteFileAtomically(out_dir, kCurrentFileName, absl::StrCat(file_name, "\n"));
      !s.ok()) {
    return s;
  }
  return absl::StrCat(snapshots_dir, "/", file_name);
}

absl::StatusOr<Snapshot> ReadSnapshot(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return absl::InternalError(absl::StrCat("cannot read ", path));
  Snapshot snapshot;
  if (!snapshot.ParseFromString(std::move(bytes).str())) {
    return absl::DataLossError(absl::StrCat(path, " is not a readable catalog snapshot"));
  }
  if (snapshot.format_version() != FORMAT_VERSION_1) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " has snapshot format_version ", static_cast<int>(snapshot.format_version()),
        "; this reader understands only FORMAT_VERSION_1"));
  }
  return snapshot;
}

absl::StatusOr<std::string> ResolveCurrentSnapshot(const std::string& out_dir) {
  const std::string current_path = absl::StrCat(out_dir, "/", kCurrentFileName);
  std::ifstream in(current_path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot open ", current_path));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  const std::string text = std::move(contents).str();
  const absl::string_view name = absl::StripAsciiWhitespace(text);
  if (name.empty() || absl::StrContains(name, "/") || absl::StrContains(name, "\n") ||
      absl::StartsWith(name, ".") || !absl::EndsWith(name, ".pb")) {
    return absl::DataLossError(
        absl::StrCat(current_path, " does not hold a snapshot file name: '", name, "'"));
  }
  const std::string path = absl::StrCat(out_dir, "/", kSnapshotsDirName, "/", name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::NotFoundError(
        absl::StrCat(current_path, " names ", name, " but ", path, " does not exist"));
  }
  return path;
}

}  // namespace codingahead::importer
