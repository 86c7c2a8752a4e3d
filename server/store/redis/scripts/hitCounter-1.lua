--[[
  Counts one hit on a fixed-window counter; the window starts with the first hit.

  Input:
    KEYS[1] counter key

    ARGV[1] window length (ms)

  Output:
    { count, milliseconds until the window ends }
]]
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  -- A counter left without expiry (should not happen) would block for ever: give it a window.
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
