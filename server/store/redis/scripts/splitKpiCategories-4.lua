--[[
  Moves the category fields an aggregate hash kept before each kind of category dimension had
  its own scope: the fields that start with ARGV[1] (`qc:`) to the category-in-queue hash, ARGV[2]
  (`ac:`) to the agent-and-category one, ARGV[3] (`qac:`) to the agent-and-category-in-queue one;
  the others (`c:`) stay. The moved fields are added to what the targets already hold, which take
  the source's expiry. Run again, it moves nothing.

  Input:
    KEYS[1] category-scope aggregate hash (an hour or a day), the source
    KEYS[2] category-in-queue-scope hash of the same hour or day
    KEYS[3] agent-and-category-scope hash of the same hour or day
    KEYS[4] agent-and-category-in-queue-scope hash of the same hour or day

    ARGV[1] what the fields moved to KEYS[2] start with
    ARGV[2] what the fields moved to KEYS[3] start with
    ARGV[3] what the fields moved to KEYS[4] start with

  Output:
    the number of fields moved
]]
local flat = redis.call('HGETALL', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
local moved = 0
local touched = {}
for i = 1, #flat, 2 do
  local field = flat[i]
  local target = nil
  if string.sub(field, 1, #ARGV[1]) == ARGV[1] then
    target = KEYS[2]
  elseif string.sub(field, 1, #ARGV[2]) == ARGV[2] then
    target = KEYS[3]
  elseif string.sub(field, 1, #ARGV[3]) == ARGV[3] then
    target = KEYS[4]
  end
  if target then
    redis.call('HINCRBY', target, field, flat[i + 1])
    redis.call('HDEL', KEYS[1], field)
    touched[target] = true
    moved = moved + 1
  end
end
if ttl > 0 then
  for key in pairs(touched) do
    redis.call('PEXPIRE', key, ttl)
  end
end
return moved
