--[[
  Keeps the visitor's end-of-chat survey answer on their resolved conversation, once.

  Input:
    KEYS[1] conversation hash

    ARGV[1] the visitor who must own it
    ARGV[2] the rating, JSON

  Output:
     1  kept
    -1  conversation not found (or another visitor's)
    -2  conversation not resolved
    -3  already rated
]]
local state = redis.call('HMGET', KEYS[1], 'visitorId', 'status', 'rating')
if not state[1] or state[1] ~= ARGV[1] then
  return -1
end
if state[2] ~= 'resolved' then
  return -2
end
if state[3] then
  return -3
end
redis.call('HSET', KEYS[1], 'rating', ARGV[2])
return 1
