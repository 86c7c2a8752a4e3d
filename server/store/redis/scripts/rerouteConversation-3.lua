--[[
  Moves a waiting conversation to a new routing decision and queue, keeping its place in line:
  its score in the new queue is its queue order (its queuedAt, earlier for a priority customer).

  Input:
    KEYS[1] conversation hash
    KEYS[2] queue sorted set it is in now (fromQueue)
    KEYS[3] queue sorted set it goes to (may be the same key)

    ARGV[1] conversation id
    ARGV[2] fromQueue name
    ARGV[3] new queue name
    ARGV[4] new routing decision (JSON)

  Output:
     1  moved (or re-decided within the same queue)
    -1  conversation not found
    -2  conversation not waiting
    -4  conversation is no longer in fromQueue
]]
local state = redis.call('HMGET', KEYS[1], 'status', 'queue', 'queuedAt', 'queueOrder')
local status, queue, queuedAt, order = state[1], state[2], state[3], state[4]
if not status then
  return -1
end
if status ~= 'waiting' then
  return -2
end
if queue ~= ARGV[2] then
  return -4
end

if KEYS[2] ~= KEYS[3] then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZADD', KEYS[3], order or queuedAt, ARGV[1])
end
redis.call('HSET', KEYS[1], 'queue', ARGV[3], 'routing', ARGV[4])
return 1
