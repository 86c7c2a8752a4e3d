--[[
  Hands an active conversation from its agent back to waiting, in the other queue, first in line
  by its original time, and records the move as a routing correction.

  Input:
    KEYS[1] conversation hash
    KEYS[2] agent's open-conversations sorted set
    KEYS[3] target queue sorted set
    KEYS[4] site's routing-corrections stream

    ARGV[1] conversation id
    ARGV[2] agent id
    ARGV[3] target queue name
    ARGV[4] agent name
    ARGV[5] the visitor's text so far
    ARGV[6] note
    ARGV[7] now (ms)
    ARGV[8] corrections kept at most (stream MAXLEN, approximate)

  Output:
     1  transferred
    -1  conversation not found
    -2  conversation not active
    -3  the agent does not hold this conversation
    -4  the conversation is already in the target queue
]]
local state = redis.call('HMGET', KEYS[1], 'status', 'assignedAgentId', 'queue', 'queuedAt', 'routing')
local status, assigned, queue, queuedAt, routing = state[1], state[2], state[3], state[4], state[5]
if not status then
  return -1
end
if status ~= 'active' then
  return -2
end
if assigned ~= ARGV[2] then
  return -3
end
if queue == ARGV[3] then
  return -4
end

local decision = cjson.decode(routing)
redis.call('HDEL', KEYS[1], 'assignedAgentId', 'assignedAgentName', 'assignedAt')
local transfer = cjson.encode({ fromQueue = queue, note = ARGV[6], byAgentName = ARGV[4], at = tonumber(ARGV[7]) })
redis.call('HSET', KEYS[1], 'status', 'waiting', 'queue', ARGV[3], 'transfer', transfer)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], queuedAt, ARGV[1])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[8], '*',
  'conversationId', ARGV[1], 'text', ARGV[5], 'predicted', decision['queue'], 'corrected', ARGV[3],
  'routedBy', decision['by'], 'note', ARGV[6], 'agentId', ARGV[2], 'at', ARGV[7])
return 1
