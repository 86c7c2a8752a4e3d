--[[
  Gives a waiting conversation to an agent: removes it from its queue and marks it active.
  When several agents race, the first script to run wins and the others see -2.

  Input:
    KEYS[1] conversation hash
    KEYS[2] service queue sorted set
    KEYS[3] support queue sorted set
    KEYS[4] agent's open-conversations sorted set (score: assignedAt)

    ARGV[1] conversation id
    ARGV[2] agent id
    ARGV[3] agent name
    ARGV[4] now (ms)
    ARGV[5] the agent's skills, comma-separated ('service,support')

  Output:
     1  taken
    -1  conversation not found
    -2  conversation not waiting
    -3  the agent lacks the skill of the conversation's queue
]]
local state = redis.call('HMGET', KEYS[1], 'status', 'queue')
local status, queue = state[1], state[2]
if not status then
  return -1
end
if status ~= 'waiting' then
  return -2
end
if not string.find(',' .. ARGV[5] .. ',', ',' .. queue .. ',', 1, true) then
  return -3
end

local queueKey = KEYS[2]
if queue == 'support' then
  queueKey = KEYS[3]
end
redis.call('ZREM', queueKey, ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'active', 'assignedAgentId', ARGV[2],
  'assignedAgentName', ARGV[3], 'assignedAt', ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
return 1
