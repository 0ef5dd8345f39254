#include "common/redis/redis_reply.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace codingahead::common {
namespace {

absl::string_view KindName(RedisReply::Kind kind) {
  switch (kind) {
    case RedisReply::Kind::kNil:
      return "nil";
    case RedisReply::Kind::kInteger:
      return "integer";
    case RedisReply::Kind::kString:
      return "string";
    case RedisReply::Kind::kStatus:
      return "status";
    case RedisReply::Kind::kError:
      return "error";
    case RedisReply::Kind::kArray:
      return "array";
  }
  return "unknown";
}

std::string Shown(const std::string& s) {
  constexpr size_t kMax = 64;
  std::string out = absl::CHexEscape(absl::string_view(s).substr(0, kMax));
  if (s.size() > kMax) absl::StrAppend(&out, "...(", s.size(), " bytes)");
  return out;
}

}  // namespace

RedisReply RedisReply::Integer(int64_t value) {
  RedisReply r;
  r.kind_ = Kind::kInteger;
  r.integer_ = value;
  return r;
}

RedisReply RedisReply::String(std::string value) {
  RedisReply r;
  r.kind_ = Kind::kString;
  r.str_ = std::move(value);
  return r;
}

RedisReply RedisReply::Status(std::string value) {
  RedisReply r;
  r.kind_ = Kind::kStatus;
  r.str_ = std::move(value);
  return r;
}

RedisReply RedisReply::Error(std::string message) {
  RedisReply r;
  r.kind_ = Kind::kError;
  r.str_ = std::move(message);
  return r;
}

RedisReply RedisReply::Array(std::vector<RedisReply> elements) {
  RedisReply r;
  r.kind_ = Kind::kArray;
  r.elements_ = std::move(elements);
  return r;
}

absl::Status RedisReply::ErrorStatus() const {
  if (!is_error()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("redis error: ", str_));
}

absl::StatusOr<int64_t> RedisReply::AsInteger() const {
  if (is_integer()) return integer_;
  if (is_error()) return ErrorStatus();
  return absl::InternalError(absl::StrCat("expected an integer reply, got ", DebugString()));
}

absl::StatusOr<std::string> RedisReply::AsString() const {
  if (is_string() || is_status()) return str_;
  if (is_error()) return ErrorStatus();
  return absl::InternalError(absl::StrCat("expected a string reply, got ", DebugString()));
}

std::string RedisReply::DebugString() const {
  switch (kind_) {
    case Kind::kNil:
      return "(nil)";
    case Kind::kInteger:
      return absl::StrCat("(integer) ", integer_);
    case Kind::kArray:
      return absl::StrCat("[",
                          absl::StrJoin(elements_, ", ",
                                        [](std::string* out, const RedisReply& r) {
                                          out->append(r.DebugString());
                                        }),
                          "]");
    default:
      return absl::StrCat("(", KindName(kind_), ") \"", Shown(str_), "\"");
  }
}

bool operator==(const RedisReply& a, const RedisReply& b) {
  return a.kind_ == b.kind_ && a.integer_ == b.integer_ && a.str_ == b.str_ &&
         a.elements_ == b.elements_;
}

std::string RedisErrorCode(const RedisReply& reply) {
  if (!reply.is_error()) return "";
  const std::string& s = reply.str();
  return s.substr(0, s.find(' '));
}

}  // namespace codingahead::common
