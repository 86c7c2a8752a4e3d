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

  Output:
    { 1, messageId }  stored
    { 0, messageId }  this client id was stored before; nothing changed
    -1  conversation not found
    -2  conversation resolved or abandoned
    -3  agent does not hold this conversation
]]
local existing = redis.call('HGET', KEYS[3], ARGV[1])
if existing then
  return { 0, existing }
end

local state = redis.call('HMGET', KEYS[1], 'status', 'assignedAgentId')
local status, assigned = state[1], state[2]
if not status then
  return -1
end
if ARGV[7] == 'note' then
  local noteId = redis.call('XADD', KEYS[2], '*', 'clientId', ARGV[1], 'author', 'agent',
    'text', ARGV[5], 'at', ARGV[6], 'agentId', ARGV[3], 'agentName', ARGV[4], 'kind', 'note')
  redis.call('HSET', KEYS[3], ARGV[1], noteId)
  return { 1, noteId }
end
if status == 'resolved' or status == 'abandoned' then
  return -2
end
if ARGV[2] == 'agent' and (status ~= 'active' or assigned ~= ARGV[3]) then
  return -3
end

local messageId
if ARGV[2] == 'agent' then
  messageId = redis.call('XADD', KEYS[2], '*', 'clientId', ARGV[1], 'author', 'agent',
    'text', ARGV[5], 'at', ARGV[6], 'agentId', ARGV[3], 'agentName', ARGV[4])
else
  messageId = redis.call('XADD', KEYS[2], '*', 'clientId', ARGV[1], 'author', 'visitor',
    'text', ARGV[5], 'at', ARGV[6])
end
redis.call('HSET', KEYS[3], ARGV[1], messageId)
return { 1, messageId }
