--[[
  Makes a week's aggregate hash the sum of its seven day hashes (of one scope), for weeks recorded
  before week hashes were kept. Days and weeks are written together by recordKpiEvent, so the sum
  is what the week would hold: run again, it changes nothing.

  Input:
    KEYS[1] the week's aggregate hash
    KEYS[2] its Monday's aggregate hash
    KEYS[3] its Tuesday's
    KEYS[4] its Wednesday's
    KEYS[5] its Thursday's
    KEYS[6] its Friday's
    KEYS[7] its Saturday's
    KEYS[8] its Sunday's

    ARGV[1] when the week hash expires (ms since the epoch)

  Output:
    the number of fields the week holds
]]
local days = { KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8] }
redis.call('DEL', KEYS[1])
for _, day in ipairs(days) do
  local flat = redis.call('HGETALL', day)
  for i = 1, #flat, 2 do
    redis.call('HINCRBY', KEYS[1], flat[i], flat[i + 1])
  end
end
local fields = redis.call('HLEN', KEYS[1])
if fields > 0 then
  redis.call('PEXPIREAT', KEYS[1], ARGV[1])
end
return fields
