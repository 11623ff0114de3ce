#pragma once
// Internal to registry/: the one place a hiredis reply becomes a RedisReply. Only the .cpp
// files that already include hiredis include this header.

#include <hiredis/hiredis.h>

#include "registry/redis_reply.h"

namespace switchboard::registry {

// Deep copy: hiredis frees its reply as soon as the callback returns.
RedisReply convert_reply(const redisReply& reply);

}  // namespace switchboard::registry
