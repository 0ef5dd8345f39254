#ifndef CODINGAHEAD_COMMON_LOG_H_
#define CODINGAHEAD_COMMON_LOG_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace codingahead::common {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Parses "debug", "info", "warning", "error".
bool ParseLogLevel(absl::string_view text, LogLevel* level);

// Set once by the binary's main before any thread starts: the `service`
// field of every line and the lowest level written.
void ConfigureLogging(absl::string_view service, LogLevel min_level);
bool LogEnabled(LogLevel level);

// One JSON object per line on stderr (CONVENTIONS.md): `ts`, `level`,
// `service`, `msg`, then the fields added with With(). The line is written
// when the LogLine goes out of scope:
//   LogLine(LogLevel::kInfo, "listening").With("listen", address);
// Never pass secrets (tokens, passwords, credentials) as fields.
class LogLine {
 public:
  LogLine(LogLevel level, absl::string_view msg);
  ~LogLine();
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;

  LogLine& With(absl::string_view key, absl::string_view value);
  LogLine& With(absl::string_view key, const char* value) {
    return With(key, absl::string_view(value));
  }
  LogLine& With(absl::string_view key, const std::string& value) {
    return With(key, absl::string_view(value));
  }
  LogLine& With(absl::string_view key, int64_t value);
  LogLine& With(absl::string_view key, int value) { return With(key, static_cast<int64_t>(value)); }
  LogLine& With(absl::string_view key, double value);

 private:
  bool enabled_;
  std::string buffer_;
};

// Appends `text` to `out` as the body of a JSON string (no quotes), escaping
// quotes, backslashes, control characters and invalid UTF-8 (as U+FFFD).
void AppendJsonEscaped(absl::string_view text, std::string* out);

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_LOG_H_
