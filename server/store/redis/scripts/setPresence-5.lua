--[[
  Records an agent's presence and keeps the per-queue sets of online agents in step: an agent is
  in a queue's online set only while 'online' and able to take conversations (capacity > 0).

  Input:
    KEYS[1] site's agent presence hash ("status:deadline ms")
    KEYS[2] set of agents online with the service skill
    KEYS[3] set of agents online with the support skill
    KEYS[4] site's agent capacity hash
    KEYS[5] site's agent names hash

    ARGV[1] agent id
    ARGV[2] 'online' | 'away' | 'offline'
    ARGV[3] deadline (ms): past it, the agent counts as gone
    ARGV[4] the agent's skills, comma-separated
    ARGV[5] the agent's capacity
    ARGV[6] the agent's name

  Output:
    1
]]
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[5])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[6])
local skills = ',' .. ARGV[4] .. ','
local available = ARGV[2] == 'online' and tonumber(ARGV[5]) > 0
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
return 1
