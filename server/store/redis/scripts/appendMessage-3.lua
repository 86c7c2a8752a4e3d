--[[
  Appends a message to a conversation, exactly once per client id.

  Input:
    KEYS[1] conversation hash
    KEYS[2] conversation message stream
    KEYS[3] conversation client-id → message-id hash

    ARGV[1] client id
    ARGV[2] author: 'visitor' | 'agent'
    ARGV[3] agent id ('' for a visitor)
    ARGV[4] agent name ('' for a visitor)
    ARGV[5] text
    ARGV[6] now (ms)
    ARGV[7] kind: '' for a message, 'note' for an agent's internal note (kept with field kind=note;
            no status or holder check: the domain decides who may write one)
    ARGV[8] attachment as JSON ('' for a text message)

  Output:
    (conversationFields: the conversation hash as HGETALL gives it, read after the change, so that
    the caller needs no second round trip to know the conversation the message went into)
    { 1, messageId, conversationFields }  stored
    { 0, messageId, conversationFields }  this client id was stored before; nothing changed
    -1  conversation not found
    -2  conversation resolved or abandoned
    -3  agent does not hold this conversation (checked before the client-id lookup, so that an
        agent cannot read a colleague's message by resending its client id)
]]
local state = redis.call('HMGET', KEYS[1], 'status', 'assignedAgentId')
local status, assigned = state[1], state[2]
if not status then
  return -1
end
if ARGV[2] == 'agent' and ARGV[7] ~= 'note' and assigned ~= ARGV[3] then
  return -3
end

local existing = redis.call('HGET', KEYS[3], ARGV[1])
if existing then
  return { 0, existing, redis.call('HGETALL', KEYS[1]) }
end

if ARGV[7] == 'note' then
  local noteId = redis.call('XADD', KEYS[2], '*', 'clientId', ARGV[1], 'author', 'agent',
    'text', ARGV[5], 'at', ARGV[6], 'agentId', ARGV[3], 'agentName', ARGV[4], 'kind', 'note')
  redis.call('HSET', KEYS[3], ARGV[1], noteId)
  return { 1, noteId, redis.call('HGETALL', KEYS[1]) }
end
if status == 'resolved' or status == 'abandoned' then
  return -2
end
if ARGV[2] == 'agent' and status ~= 'active' then
  return -3
end

local fields = { 'clientId', ARGV[1], 'author', ARGV[2], 'text', ARGV[5], 'at', ARGV[6] }
if ARGV[2] == 'agent' then
  table.insert(fields, 'agentId'); table.insert(fields, ARGV[3])
  table.insert(fields, 'agentName'); table.insert(fields, ARGV[4])
end
if ARGV[8] and ARGV[8] ~= '' then
  table.insert(fields, 'attachment'); table.insert(fields, ARGV[8])
end
local messageId = redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('HSET', KEYS[3], ARGV[1], messageId)
return { 1, messageId, redis.call('HGETALL', KEYS[1]) }
