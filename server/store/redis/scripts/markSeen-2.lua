--[[
  Moves one side's "seen" mark of a conversation forward, never back. Marks are fields of the
  conversation hash (seenByVisitor, seenByAgent), so deleting the conversation forgets them.
  Message ids are stream ids "<ms>-<seq>", compared as two numbers.

  Input:
    KEYS[1] conversation hash
    KEYS[2] conversation messages stream

    ARGV[1] the field: seenByVisitor or seenByAgent
    ARGV[2] the last message id seen

  Output:
    { 1 or 0 (moved or not), seenByVisitor or '', seenByAgent or '' }
    -1  conversation not found
    -2  no message of the conversation has this id (a mark is never set ahead of what was written)
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
if #redis.call('XRANGE', KEYS[2], ARGV[2], ARGV[2]) == 0 then
  return -2
end
local function later(a, b)
  local aMs, aSeq = string.match(a, '^(%d+)-(%d+)$')
  local bMs, bSeq = string.match(b, '^(%d+)-(%d+)$')
  aMs, aSeq, bMs, bSeq = tonumber(aMs), tonumber(aSeq), tonumber(bMs), tonumber(bSeq)
  return aMs > bMs or (aMs == bMs and aSeq > bSeq)
end
local before = redis.call('HGET', KEYS[1], ARGV[1])
local moved = 0
if not before or later(ARGV[2], before) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  moved = 1
end
local marks = redis.call('HMGET', KEYS[1], 'seenByVisitor', 'seenByAgent')
return { moved, marks[1] or '', marks[2] or '' }
