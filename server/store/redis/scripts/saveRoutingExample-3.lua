--[[
  Keeps a site's routing example for per-site learning, one per conversation, and counts a newly
  corrected one towards the next retraining. A flagged example ("wrong queue") is not replaced by
  an unflagged one (the conversation's later resolution). The oldest examples beyond the cap go.

  Input:
    KEYS[1] site's routing examples (hash: conversation id -> JSON)
    KEYS[2] their order (sorted set: conversation id by time)
    KEYS[3] site's router learning (hash: field 'pending')
    ARGV[1] conversation id
    ARGV[2] example (JSON)
    ARGV[3] '1' when the example is flagged
    ARGV[4] '1' when the example is corrected
    ARGV[5] its time (ms)
    ARGV[6] examples kept at most

  Output:
    corrections not yet trained on
]]
local existing = redis.call('HGET', KEYS[1], ARGV[1])
local wasCorrected = false
if existing then
  local previous = cjson.decode(existing)
  if previous.flagged == true and ARGV[3] ~= '1' then
    return tonumber(redis.call('HGET', KEYS[3], 'pending') or '0')
  end
  wasCorrected = previous.corrected == true
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
if ARGV[4] == '1' and not wasCorrected then
  redis.call('HINCRBY', KEYS[3], 'pending', 1)
end
local count = redis.call('ZCARD', KEYS[2])
local keep = tonumber(ARGV[6])
if count > keep then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, count - keep - 1)
  redis.call('HDEL', KEYS[1], unpack(oldest))
  redis.call('ZREM', KEYS[2], unpack(oldest))
end
return tonumber(redis.call('HGET', KEYS[3], 'pending') or '0')
