#ifndef CODINGAHEAD_COMMON_REDIS_REDIS_REPLY_H_
#define CODINGAHEAD_COMMON_REDIS_REDIS_REPLY_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace codingahead::common {

// One Redis (RESP2) reply as a plain, copyable value, detached from hiredis.
//
// An error reply (`-ERR ...`, or a script's `redis.error_reply('X')`) is a
// value of kind kError, not a failed absl::Status: Redis did answer, and the
// caller decides what the error means (a script's domain error such as
// "EXHAUSTED" is not a fault). RedisClient reserves non-OK statuses for
// transport and availability failures; see redis_client.h.
class RedisReply {
 public:
  enum class Kind { kNil, kInteger, kString, kStatus, kError, kArray };

  RedisReply() = default;  // nil
  static RedisReply Nil() { return RedisReply(); }
  static RedisReply Integer(int64_t value);
  static RedisReply String(std::string value);  // bulk string
  static RedisReply Status(std::string value);  // simple string: "OK"
  static RedisReply Error(std::string message);
  static RedisReply Array(std::vector<RedisReply> elements);

  Kind kind() const { return kind_; }
  bool is_nil() const { return kind_ == Kind::kNil; }
  bool is_integer() const { return kind_ == Kind::kInteger; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_status() const { return kind_ == Kind::kStatus; }
  bool is_error() const { return kind_ == Kind::kError; }
  bool is_array() const { return kind_ == Kind::kArray; }

  // Unchecked accessors: integer() is 0 unless is_integer(); str() is the
  // bytes of a string, status or error reply ("" otherwise); array() is empty
  // unless is_array().
  int64_t integer() const { return integer_; }
  const std::string& str() const { return str_; }
  const std::vector<RedisReply>& array() const { return elements_; }

  // Checked accessors for the common cases. An error reply becomes
  // ErrorStatus(); any other unexpected kind becomes InternalError.
  absl::StatusOr<int64_t> AsInteger() const;
  // A bulk string or simple status. Nil is an InternalError here: test
  // is_nil() first where a missing key is expected.
  absl::StatusOr<std::string> AsString() const;

  // OK unless this is an error reply; then InternalError("redis error: ...").
  absl::Status ErrorStatus() const;

  // For tests and logs (values are printed escaped and truncated).
  std::string DebugString() const;

  friend bool operator==(const RedisReply& a, const RedisReply& b);
  friend bool operator!=(const RedisReply& a, const RedisReply& b) { return !(a == b); }

 private:
  Kind kind_ = Kind::kNil;
  int64_t integer_ = 0;
  std::string str_;
  std::vector<RedisReply> elements_;
};

// Lets GoogleTest print replies in failure messages.
inline void PrintTo(const RedisReply& reply, std::ostream* os) { *os << reply.DebugString(); }

// The first word of an error reply ("NOSCRIPT", "LOADING", "ERR"); "" for
// other kinds.
std::string RedisErrorCode(const RedisReply& reply);

}  // namespace codingahead::common

#endif  // CODINGAHEAD_COMMON_REDIS_REDIS_REPLY_H_
