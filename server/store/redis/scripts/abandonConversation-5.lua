--[[
  Marks a waiting conversation abandoned (the visitor left and did not come back in time): out of
  its queue, no longer the visitor's open conversation, and counted.

  Input:
    KEYS[1] conversation hash
    KEYS[2] service queue sorted set
    KEYS[3] support queue sorted set
    KEYS[4] visitor's open-conversation pointer
    KEYS[5] site's counters hash

    ARGV[1] conversation id
    ARGV[2] now (ms)

  Output:
     1  abandoned
    -1  conversation not found
    -2  conversation not waiting (taken meanwhile: nothing to do)
]]
local state = redis.call('HMGET', KEYS[1], 'status', 'queue')
local status, queue = state[1], state[2]
if not status then
  return -1
end
if status ~= 'waiting' then
  return -2
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'abandoned', 'abandonedAt', ARGV[2])
if redis.call('GET', KEYS[4]) == ARGV[1] then
  redis.call('DEL', KEYS[4])
end
redis.call('HINCRBY', KEYS[5], 'abandoned:' .. queue, 1)
return 1
