--[[
  Auto mode: gives the conversation at the head of a queue to the eligible agent with the most
  free places (ties: the one whose last assignment is oldest, then the smaller id). Eligible: in
  the queue's online set, presence 'online' and not past its deadline, load under capacity.

  Input:
    KEYS[1] conversation hash (of the conversation the caller saw at the head)
    KEYS[2] queue sorted set
    KEYS[3] site's assignments hash (conversation id → agent id)
    KEYS[4] site's agent load hash
    KEYS[5] site's agent capacity hash
    KEYS[6] site's agent presence hash ("status:deadline ms")
    KEYS[7] site's last-assignment hash
    KEYS[8] set of agents online with this queue's skill
    KEYS[9] site's agent names hash

    ARGV[1] conversation id
    ARGV[2] now (ms)

  Output:
    { 1, agentId, conversation hash as field, value, … }  assigned
    { 0 }           no eligible agent has a free place
    { -2 }          the conversation is no longer waiting
    { -7 }          it is no longer at the head of the queue (read the head again)
]]
local head = redis.call('ZRANGE', KEYS[2], 0, 0)
if head[1] ~= ARGV[1] then
  return { -7 }
end
if redis.call('HGET', KEYS[1], 'status') ~= 'waiting' then
  return { -2 }
end

local now = tonumber(ARGV[2])
local agents = redis.call('SMEMBERS', KEYS[8])
if #agents == 0 then
  return { 0 }
end
-- One HMGET per hash for every candidate, rather than four calls per agent.
local presences = redis.call('HMGET', KEYS[6], unpack(agents))
local capacities = redis.call('HMGET', KEYS[5], unpack(agents))
local loads = redis.call('HMGET', KEYS[4], unpack(agents))
local lasts = redis.call('HMGET', KEYS[7], unpack(agents))
local best, bestFree, bestLast = nil, 0, 0
for i, agent in ipairs(agents) do
  local presenceStatus, deadline = string.match(presences[i] or '', '^(%a+):(%d+)$')
  if presenceStatus == 'online' and tonumber(deadline) >= now then
    local free = tonumber(capacities[i] or '0') - tonumber(loads[i] or '0')
    if free > 0 then
      local last = tonumber(lasts[i] or '0')
      if not best or free > bestFree or (free == bestFree and (last < bestLast or (last == bestLast and agent < best))) then
        best, bestFree, bestLast = agent, free, last
      end
    end
  end
end
if not best then
  return { 0 }
end

redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'active', 'assignedAgentId', best,
  'assignedAgentName', redis.call('HGET', KEYS[9], best) or '', 'assignedAt', ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], best)
redis.call('HINCRBY', KEYS[4], best, 1)
redis.call('HSET', KEYS[7], best, ARGV[2])
local result = { 1, best }
for _, value in ipairs(redis.call('HGETALL', KEYS[1])) do
  result[#result + 1] = value
end
return result
