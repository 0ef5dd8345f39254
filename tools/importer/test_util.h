#ifndef CODINGAHEAD_TOOLS_IMPORTER_TEST_UTIL_H_
#define CODINGAHEAD_TOOLS_IMPORTER_TEST_UTIL_H_

// Helpers shared by the importer tests (header-only, tests only).

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace codingahead::importer::testing {

#ifndef CA_SHARED_DATA_DIR
#error "CA_SHARED_DATA_DIR must point at the shared reference data folder"
#endif

inline std::string SharedDataPath(absl::string_view relative) {
  return absl::StrCat(CA_SHARED_DATA_DIR, "/", relative);
}

inline std::string HcpcsDir() { return SharedDataPath("hcpcs"); }

// A fresh folder under the test temp folder, removed again on destruction.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern = absl::StrCat(::testing::TempDir(), "/ca_importer_XXXXXX");
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const char* made = ::mkdtemp(buffer.data());
    EXPECT_NE(made, nullptr);
    path_ = made == nullptr ? pattern : std::string(made);
  }
  ~ScopedTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Path(absl::string_view relative) const { return absl::StrCat(path_, "/", relative); }

 private:
  std::string path_;
};

// Writes `contents` to `path`, creating parent folders.
inline void WriteFile(const std::string& path, absl::string_view contents) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline void CopyFile(const std::string& from, const std::string& to) {
  std::filesystem::create_directories(std::filesystem::path(to).parent_path());
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

// Builds one fixed-width HCPCS line: `fields` are (1-based column, text)
// pairs written over a 320-space line.
inline std::string HcpcsLine(std::vector<std::pair<int, std::string>> fields, size_t length = 320) {
  std::string line(length, ' ');
  for (const auto& [column, text] : fields) {
    if (line.size() < column - 1 + text.size()) {
      line.resize(column - 1 + text.size(), ' ');
    }
    line.replace(column - 1, text.size(), text);
  }
  return line;
}

}  // namespace codingahead::importer::testing

#endif  // CODINGAHEAD_TOOLS_IMPORTER_TEST_UTIL_H_
