--[[
  Auto mode, in batches: gives the conversations at the head of a queue, in line order, each to
  the eligible agent with the most free places at that moment (ties: the one whose last
  assignment is oldest, then the smaller id), until the given heads or the free places run out.
  The candidates are read once for the whole batch; assignNext offers it a single head.

  Input:
    KEYS[1] queue sorted set
    KEYS[2] site's assignments hash (conversation id → agent id)
    KEYS[3] site's agent load hash
    KEYS[4] site's agent capacity hash
    KEYS[5] site's agent presence hash ("status:deadline ms")
    KEYS[6] site's last-assignment hash
    KEYS[7] set of agents online with this queue's skill
    KEYS[8] site's agent names hash
    KEYS[9] conversation hash of the 1st head the caller saw
    KEYS[10] conversation hash of the 2nd head (or KEYS[9] again when there is none)
    KEYS[11] conversation hash of the 3rd head (likewise)
    KEYS[12] conversation hash of the 4th head (likewise)

    ARGV[1] now (ms)
    ARGV[2..5] the heads' conversation ids, in line order ('' where there is none)

  Output:
    a list of { conversationId, agentId, conversation hash as field, value, … } for each one
    assigned, in order; it stops at the first head that is no longer at the head of the line or
    no longer waiting, or when no eligible agent has a free place.
]]
local now = tonumber(ARGV[1])
local agents = redis.call('SMEMBERS', KEYS[7])
local assigned = {}
if #agents == 0 then
  return assigned
end
local presences = redis.call('HMGET', KEYS[5], unpack(agents))
local capacities = redis.call('HMGET', KEYS[4], unpack(agents))
local loads = redis.call('HMGET', KEYS[3], unpack(agents))
local lasts = redis.call('HMGET', KEYS[6], unpack(agents))
local free, last = {}, {}
for i, agent in ipairs(agents) do
  local presenceStatus, deadline = string.match(presences[i] or '', '^(%a+):(%d+)$')
  if presenceStatus == 'online' and tonumber(deadline) >= now then
    free[agent] = tonumber(capacities[i] or '0') - tonumber(loads[i] or '0')
    last[agent] = tonumber(lasts[i] or '0')
  end
end

local convKeys = { KEYS[9], KEYS[10], KEYS[11], KEYS[12] }
for n = 1, 4 do
  local id = ARGV[n + 1]
  if id == nil or id == '' then
    break
  end
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)
  if head[1] ~= id or redis.call('HGET', convKeys[n], 'status') ~= 'waiting' then
    break
  end
  local best, bestFree, bestLast = nil, 0, 0
  for _, agent in ipairs(agents) do
    local f = free[agent]
    if f and f > 0 then
      local l = last[agent]
      if not best or f > bestFree or (f == bestFree and (l < bestLast or (l == bestLast and agent < best))) then
        best, bestFree, bestLast = agent, f, l
      end
    end
  end
  if not best then
    break
  end
  redis.call('ZREM', KEYS[1], id)
  redis.call('HSET', convKeys[n], 'status', 'active', 'assignedAgentId', best,
    'assignedAgentName', redis.call('HGET', KEYS[8], best) or '', 'assignedAt', ARGV[1])
  redis.call('HSET', KEYS[2], id, best)
  redis.call('HINCRBY', KEYS[3], best, 1)
  redis.call('HSET', KEYS[6], best, ARGV[1])
  free[best] = free[best] - 1
  last[best] = now
  local entry = { id, best }
  for _, value in ipairs(redis.call('HGETALL', convKeys[n])) do
    entry[#entry + 1] = value
  end
  assigned[#assigned + 1] = entry
end
return assigned
