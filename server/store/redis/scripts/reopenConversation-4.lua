--[[
  The visitor replied to their resolved conversation within the site's reopen window: it waits
  again, from now, at the front of its queue (it was answered once already), with no agent, and is
  the visitor's open conversation again. Its category, rating and KPI marks stay. The visitor is
  here (they just wrote), so a note that they had gone, left from an earlier wait, goes.

  Input:
    KEYS[1] conversation hash
    KEYS[2] visitor's open-conversation pointer
    KEYS[3] queue sorted set of the conversation's queue
    KEYS[4] site's visitors-gone sorted set

    ARGV[1] conversation id
    ARGV[2] the visitor expected to own it
    ARGV[3] now (ms)
    ARGV[4] it must have ended at or after this time (ms)

  Output:
     1  reopened
    -1  conversation not found, or another visitor's
    -2  conversation not resolved
    -3  it ended before ARGV[4]
    -4  the visitor has another open conversation
]]
local state = redis.call('HMGET', KEYS[1], 'status', 'visitorId', 'resolvedAt')
local status, visitor, resolvedAt = state[1], state[2], state[3]
if not status or visitor ~= ARGV[2] then
  return -1
end
if status ~= 'resolved' then
  return -2
end
if tonumber(resolvedAt) < tonumber(ARGV[4]) then
  return -3
end
local open = redis.call('GET', KEYS[2])
if open and open ~= ARGV[1] then
  return -4
end

local score = tonumber(ARGV[3])
local head = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
if head[2] and tonumber(head[2]) <= score then
  score = tonumber(head[2]) - 1
end
redis.call('HDEL', KEYS[1], 'assignedAgentId', 'assignedAgentName', 'assignedAt')
redis.call('HSET', KEYS[1], 'status', 'waiting', 'queuedAt', ARGV[3], 'reopenedAt', ARGV[3], 'queueOrder', score)
redis.call('SET', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], score, ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
return 1
