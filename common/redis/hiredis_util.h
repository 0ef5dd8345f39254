#ifndef CODINGAHEAD_COMMON_REDIS_HIREDIS_UTIL_H_
#define CODINGAHEAD_COMMON_REDIS_HIREDIS_UTIL_H_

// Internal to ca_redis: what the blocking and the asynchronous clients share
// about hiredis replies.

#include <hiredis/hiredis.h>

#include "common/redis/redis_reply.h"

namespace codingahead::common::redis_internal {

// A hiredis reply tree as a detached RedisReply.
RedisReply Convert(const redisReply* reply);

// Error replies that mean "Redis cannot serve now" (LOADING, BUSY,
// MASTERDOWN, READONLY, NOAUTH, OOM, MISCONF, TRYAGAIN, CLUSTERDOWN), not
// "your command is wrong".
bool IsAvailabilityError(const RedisReply& reply);

}  // namespace codingahead::common::redis_internal

#endif  // CODINGAHEAD_COMMON_REDIS_HIREDIS_UTIL_H_
