--[[
  Renews an agent's presence to a new deadline with the status the hash already has (ARGV[2] when
  it has none), in one step, so a heartbeat or a new connection on any server process never
  overwrites a status chosen meanwhile on another: an agent who chose 'offline' stays offline (not
  renewed) until they choose otherwise. Keeps the per-queue online sets in step as setPresence does.

  Input:
    KEYS[1] site's agent presence hash ("status:deadline ms")
    KEYS[2] set of agents online with the service skill
    KEYS[3] set of agents online with the support skill
    KEYS[4] site's agent capacity hash
    KEYS[5] site's agent names hash

    ARGV[1] agent id
    ARGV[2] 'online' | 'away': the status when none is kept yet
    ARGV[3] deadline (ms): past it, the agent counts as gone
    ARGV[4] the agent's skills, comma-separated
    ARGV[5] the agent's capacity
    ARGV[6] the agent's name

  Output:
    the status kept: 'online', 'away', or 'offline' (nothing was changed)
]]
local status = ARGV[2]
local kept = redis.call('HGET', KEYS[1], ARGV[1])
if kept then
  status = string.match(kept, '^(%a+):') or status
end
if status == 'offline' then
  return 'offline'
end
redis.call('HSET', KEYS[1], ARGV[1], status .. ':' .. ARGV[3])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[5])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[6])
local skills = ',' .. ARGV[4] .. ','
local available = status == 'online' and tonumber(ARGV[5]) > 0
if available and string.find(skills, ',service,', 1, true) then
  redis.call('SADD', KEYS[2], ARGV[1])
else
  redis.call('SREM', KEYS[2], ARGV[1])
end
if available and string.find(skills, ',support,', 1, true) then
  redis.call('SADD', KEYS[3], ARGV[1])
else
  redis.call('SREM', KEYS[3], ARGV[1])
end
return status
