--[[
  Deletes a conversation and everything it holds: record, messages, client ids, its place in any
  queue, in its agent's list, in the visitor's and the site's indexes, and the visitor's pointer.

  Input:
    KEYS[1] conversation hash
    KEYS[2] conversation message stream
    KEYS[3] conversation client-id → message-id hash
    KEYS[4] service queue sorted set
    KEYS[5] support queue sorted set
    KEYS[6] assigned agent's open-conversations sorted set (any key of the site when none)
    KEYS[7] visitor's conversations sorted set
    KEYS[8] site's conversations sorted set
    KEYS[9] visitor's open-conversation pointer

    ARGV[1] conversation id
    ARGV[2] the assigned agent id the caller read ('' for none)

  Output:
     1  deleted
    -1  conversation not found
    -4  the conversation was assigned to someone else meanwhile: read it again and retry
]]
local assigned = redis.call('HGET', KEYS[1], 'assignedAgentId')
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
if (assigned or '') ~= ARGV[2] then
  return -4
end

redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
if ARGV[2] ~= '' then
  redis.call('ZREM', KEYS[6], ARGV[1])
end
redis.call('ZREM', KEYS[7], ARGV[1])
redis.call('ZREM', KEYS[8], ARGV[1])
if redis.call('GET', KEYS[9]) == ARGV[1] then
  redis.call('DEL', KEYS[9])
end
return 1
