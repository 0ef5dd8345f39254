#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/stubs/logging.h"

namespace codingahead::common {
namespace {

// Written once in main before threads start; read-only afterwards.
std::string& ServiceName() {
  static std::string* name = new std::string("unknown");
  return *name;
}
std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

// Length of the valid UTF-8 sequence at the start of `s`, or 0.
size_t Utf8SequenceLength(absl::string_view s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(0);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || len > s.size()) return 0;
  for (size_t i = 1; i < len; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  if (len == 2 && c < 0xC2) return 0;  // overlong
  if (len == 3) {
    unsigned cp = ((c & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  }
  if (len == 4) {
    unsigned cp =
        ((c & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
    if (cp < 0x10000 || cp > 0x10FFFF) return 0;
  }
  return len;
}

}  // namespace

bool ParseLogLevel(absl::string_view text, LogLevel* level) {
  if (text == "debug")
    *level = LogLevel::kDebug;
  else if (text == "info")
    *level = LogLevel::kInfo;
  else if (text == "warning" || text == "warn")
    *level = LogLevel::kWarning;
  else if (text == "error")
    *level = LogLevel::kError;
  else
    return false;
  return true;
}

namespace {

// protobuf's own messages, as our JSON lines. A request whose strings are not
// UTF-8 is the caller's error: it is answered INVALID_ARGUMENT (see
// raw_unary_call.h) and access-logged like any refusal, so protobuf's line
// about it is debug detail, not a warning any client could flood the log with.
void RouteProtobufLog(google::protobuf::LogLevel level, const char* filename, int line,
                      const std::string& message) {
  LogLevel ours = LogLevel::kInfo;
  if (absl::StrContains(message, "when parsing a protocol buffer")) {
    ours = LogLevel::kDebug;
  } else if (level >= google::protobuf::LOGLEVEL_ERROR) {
    ours = LogLevel::kError;
  } else if (level == google::protobuf::LOGLEVEL_WARNING) {
    ours = LogLevel::kWarning;
  }
  if (!LogEnabled(ours)) return;
  LogLine(ours, "protobuf")
      .With("detail", message)
      .With("source", absl::StrCat(filename, ":", line));
}

}  // namespace

void ConfigureLogging(absl::string_view service, LogLevel level) {
  ServiceName() = std::string(service);
  min_level.store(static_cast<int>(level));
  google::protobuf::SetLogHandler(&RouteProtobufLog);
}

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= min_level.load(std::memory_order_relaxed);
}

void AppendJsonEscaped(absl::string_view text, std::string* out) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t len = Utf8SequenceLength(text.substr(i));
      if (len == 0) {
        out->append("\\ufffd");
        ++i;
      } else {
        out->append(text.data() + i, len);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
}

LogLine::LogLine(LogLevel level, absl::string_view msg) : enabled_(LogEnabled(level)) {
  if (!enabled_) return;
  buffer_.reserve(256);
  absl::StrAppend(&buffer_, "{\"ts\":\"",
                  absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone()),
                  "\",\"level\":\"", LevelName(level), "\",\"service\":\"");
  AppendJsonEscaped(ServiceName(), &buffer_);
  buffer_.append("\",\"msg\":\"");
  AppendJsonEscaped(msg, &buffer_);
  buffer_.push_back('"');
}

LogLine& LogLine::With(absl::string_view key, absl::string_view value) {
  if (!enabled_) return *this;
  buffer_.append(",\"");
  AppendJsonEscaped(key, &buffer_);
  buffer_.append("\":\"");
  AppendJsonEscaped(value, &buffer_);
  buffer_.push_back('"');
  return *this;
}

LogLine& LogLine::With(absl::string_view key, int64_t value) {
  if (!enabled_) return *this;
  buffer_.append(",\"");
  AppendJsonEscaped(key, &buffer_);
  absl::StrAppend(&buffer_, "\":", value);
  return *this;
}

LogLine& LogLine::With(absl::string_view key, double value) {
  if (!enabled_) return *this;
  buffer_.append(",\"");
  AppendJsonEscaped(key, &buffer_);
  absl::StrAppendFormat(&buffer_, "\":%.6g", value);
  return *this;
}

LogLine::~LogLine() {
  if (!enabled_) return;
  buffer_.append("}\n");
  // One write(2) per line keeps lines whole when threads log at once.
  size_t written = 0;
  while (written < buffer_.size()) {
    ssize_t n = ::write(2, buffer_.data() + written, buffer_.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
}

}  // namespace codingahead::common
