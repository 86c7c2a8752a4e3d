--[[
  Creates a waiting conversation with its first message and queues it, unless the visitor
  already has an open conversation on the site.

  Input:
    KEYS[1] visitor's open-conversation pointer
    KEYS[2] conversation hash
    KEYS[3] queue sorted set (score: queuedAt)
    KEYS[4] conversation message stream
    KEYS[5] conversation client-id → message-id hash
    KEYS[6] visitor's conversations sorted set (score: createdAt)
    KEYS[7] site's conversations sorted set (score: createdAt), for retention

    ARGV[1] conversation id
    ARGV[2] queuedAt (ms), also createdAt
    ARGV[3] first message client id
    ARGV[4] first message text
    ARGV[5] its score in the queue (queuedAt, earlier for a priority customer)
    ARGV[6..] conversation hash fields as field, value pairs

  Output:
    { 1, messageId, queueCount, previousCreatedAt }
                            created; queueCount: how many wait in its queue now, itself included;
                            previousCreatedAt: createdAt (ms) of the visitor's latest conversation
                            before this one, '' when it is their first (read here so the caller
                            needs no round trip of its own on the way to an agent)
    { -1, conversationId }  the visitor already has this open conversation
]]
local open = redis.call('GET', KEYS[1])
if open then
  return { -1, open }
end

local previous = redis.call('ZRANGE', KEYS[6], -1, -1, 'WITHSCORES')

local fields = {}
for i = 6, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
redis.call('SET', KEYS[1], ARGV[1])
local messageId = redis.call('XADD', KEYS[4], '*',
  'clientId', ARGV[3], 'author', 'visitor', 'text', ARGV[4], 'at', ARGV[2])
redis.call('HSET', KEYS[5], ARGV[3], messageId)
redis.call('ZADD', KEYS[6], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[7], ARGV[2], ARGV[1])
return { 1, messageId, redis.call('ZCARD', KEYS[3]), previous[2] or '' }
