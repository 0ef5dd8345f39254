#include "common/redis/redis_script.h"

#include <utility>

#include "common/hash.h"

namespace codingahead::common {

RedisScript::RedisScript(std::string lua_source)
    : source_(std::move(lua_source)), sha_(Sha1Hex(source_)) {}

}  // namespace codingahead::common
