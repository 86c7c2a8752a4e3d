--[[
  Deletes a conversation and everything it holds: record, messages, client ids, its place in any
  queue, its assignment (freeing the agent's place), the visitor's and the site's indexes, and the
  visitor's pointer.

  Input:
    KEYS[1] conversation hash
    KEYS[2] conversation message stream
    KEYS[3] conversation client-id → message-id hash
    KEYS[4] service queue sorted set
    KEYS[5] support queue sorted set
    KEYS[6] site's assignments hash
    KEYS[7] site's agent load hash
    KEYS[8] visitor's conversations sorted set
    KEYS[9] site's conversations sorted set
    KEYS[10] visitor's open-conversation pointer

    ARGV[1] conversation id

  Output:
     1  deleted
    -1  conversation not found
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local assigned = redis.call('HGET', KEYS[6], ARGV[1])
if assigned then
  redis.call('HDEL', KEYS[6], ARGV[1])
  if tonumber(redis.call('HINCRBY', KEYS[7], assigned, -1)) < 0 then
    redis.call('HSET', KEYS[7], assigned, 0)
  end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('ZREM', KEYS[8], ARGV[1])
redis.call('ZREM', KEYS[9], ARGV[1])
if redis.call('GET', KEYS[10]) == ARGV[1] then
  redis.call('DEL', KEYS[10])
end
return 1
