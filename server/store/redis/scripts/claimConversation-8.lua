--[[
  Gives a waiting conversation to an agent who asked for it (manual mode, "Take"). The agent must
  be online (not away), have the queue's skill and a free place under their capacity. When several agents
  race, the first script to run wins and the others see -2.

  Input:
    KEYS[1] conversation hash
    KEYS[2] service queue sorted set
    KEYS[3] support queue sorted set
    KEYS[4] site's assignments hash (conversation id → agent id)
    KEYS[5] site's agent load hash (agent id → open conversations)
    KEYS[6] site's agent capacity hash (agent id → most open conversations)
    KEYS[7] site's agent presence hash (agent id → "status:deadline ms")
    KEYS[8] site's last-assignment hash (agent id → ms)

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
    -5  the agent is not online (no presence, away, offline, or its deadline passed)
    -6  the agent is at capacity (or disabled: capacity 0)
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

local now = tonumber(ARGV[4])
local presence = redis.call('HGET', KEYS[7], ARGV[2])
local presenceStatus, deadline = string.match(presence or '', '^(%a+):(%d+)$')
-- Only an online agent takes: away keeps what it holds but takes nothing new (docs/protocol.md, presence:set).
if presenceStatus ~= 'online' or tonumber(deadline) < now then
  return -5
end
local load = tonumber(redis.call('HGET', KEYS[5], ARGV[2]) or '0')
local capacity = tonumber(redis.call('HGET', KEYS[6], ARGV[2]) or '0')
if load >= capacity then
  return -6
end

local queueKey = KEYS[2]
if queue == 'support' then
  queueKey = KEYS[3]
end
redis.call('ZREM', queueKey, ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'active', 'assignedAgentId', ARGV[2], 'assignedAgentName', ARGV[3], 'assignedAt', ARGV[4])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[5], ARGV[2], 1)
redis.call('HSET', KEYS[8], ARGV[2], ARGV[4])
return 1
