--[[
  Takes an active conversation away from its agent, whose place frees up:
    'resolve'   it ends;
    'requeue'   it waits again at the front of its queue (the agent handed it back, went offline
                or was disabled): it already waited once;
    'transfer'  it waits in the other queue at its original time, and the move is recorded as a
                routing correction.

  Input:
    KEYS[1] conversation hash
    KEYS[2] site's assignments hash
    KEYS[3] site's agent load hash
    KEYS[4] visitor's open-conversation pointer (cleared on 'resolve')
    KEYS[5] queue sorted set it waits in again ('requeue': its own queue; 'transfer': the target)
    KEYS[6] site's routing-corrections stream ('transfer')

    ARGV[1] conversation id
    ARGV[2] the agent expected to hold it
    ARGV[3] now (ms)
    ARGV[4] 'resolve' | 'requeue' | 'transfer'
    ARGV[5] 'transfer': target queue name
    ARGV[6] 'transfer': the agent's note
    ARGV[7] 'transfer': the agent's name
    ARGV[8] 'transfer': the visitor's text so far
    ARGV[9] 'transfer': corrections kept at most (approximate)
    ARGV[10] 'resolve': the category it is filed under, or ''

  Output:
     1  done
    -1  conversation not found
    -2  conversation not active
    -3  another agent holds it
    -4  'transfer' to the queue it is already in
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
if ARGV[4] == 'transfer' and queue == ARGV[5] then
  return -4
end

redis.call('HDEL', KEYS[2], ARGV[1])
if tonumber(redis.call('HINCRBY', KEYS[3], ARGV[2], -1)) < 0 then
  redis.call('HSET', KEYS[3], ARGV[2], 0)
end

if ARGV[4] == 'resolve' then
  redis.call('HSET', KEYS[1], 'status', 'resolved', 'resolvedAt', ARGV[3])
  if ARGV[10] ~= '' then
    redis.call('HSET', KEYS[1], 'category', ARGV[10])
  end
  if redis.call('GET', KEYS[4]) == ARGV[1] then
    redis.call('DEL', KEYS[4])
  end
  return 1
end

redis.call('HDEL', KEYS[1], 'assignedAgentId', 'assignedAgentName', 'assignedAt')
if ARGV[4] == 'transfer' then
  local decision = cjson.decode(routing)
  local transfer = cjson.encode({ fromQueue = queue, note = ARGV[6], byAgentName = ARGV[7], at = tonumber(ARGV[3]) })
  redis.call('HSET', KEYS[1], 'status', 'waiting', 'queue', ARGV[5], 'transfer', transfer, 'queueOrder', queuedAt)
  redis.call('ZADD', KEYS[5], queuedAt, ARGV[1])
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[9], '*',
    'conversationId', ARGV[1], 'text', ARGV[8], 'predicted', decision['queue'], 'corrected', ARGV[5],
    'routedBy', decision['by'], 'note', ARGV[6], 'agentId', ARGV[2], 'at', ARGV[3])
  return 1
end

local head = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
local score = tonumber(queuedAt)
if head[2] and tonumber(head[2]) <= score then
  score = tonumber(head[2]) - 1
end
redis.call('HSET', KEYS[1], 'status', 'waiting', 'queueOrder', score)
redis.call('ZADD', KEYS[5], score, ARGV[1])
return 1
