#include "common/redis/hiredis_util.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace codingahead::common::redis_internal {

RedisReply Convert(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      return RedisReply::Integer(r->integer);
    case REDIS_REPLY_STRING:
      return RedisReply::String(std::string(r->str, r->len));
    case REDIS_REPLY_STATUS:
      return RedisReply::Status(std::string(r->str, r->len));
    case REDIS_REPLY_ERROR:
      return RedisReply::Error(std::string(r->str, r->len));
    case REDIS_REPLY_ARRAY: {
      std::vector<RedisReply> elements;
      elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        elements.push_back(Convert(r->element[i]));
      }
      return RedisReply::Array(std::move(elements));
    }
    default:
      return RedisReply::Nil();
  }
}

bool IsAvailabilityError(const RedisReply& reply) {
  static constexpr absl::string_view kCodes[] = {"LOADING",  "BUSY",     "MASTERDOWN",
                                                 "READONLY", "NOAUTH",   "OOM",
                                                 "MISCONF",  "TRYAGAIN", "CLUSTERDOWN"};
  if (!reply.is_error()) return false;
  std::string code = RedisErrorCode(reply);
  for (absl::string_view c : kCodes) {
    if (code == c) return true;
  }
  return false;
}

}  // namespace codingahead::common::redis_internal
