--[[
  Ends an active conversation held by the calling agent.

  Input:
    KEYS[1] conversation hash
    KEYS[2] agent's open-conversations sorted set
    KEYS[3] visitor's open-conversation pointer

    ARGV[1] conversation id
    ARGV[2] agent id
    ARGV[3] now (ms)

  Output:
     1  resolved
    -1  conversation not found
    -2  conversation not active
    -3  the agent does not hold this conversation
]]
local state = redis.call('HMGET', KEYS[1], 'status', 'assignedAgentId')
local status, assigned = state[1], state[2]
if not status then
  return -1
end
if status ~= 'active' then
  return -2
end
if assigned ~= ARGV[2] then
  return -3
end

redis.call('HSET', KEYS[1], 'status', 'resolved', 'resolvedAt', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[3]) == ARGV[1] then
  redis.call('DEL', KEYS[3])
end
return 1
