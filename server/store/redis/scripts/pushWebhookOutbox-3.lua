--[[
  Appends an event to the back of one outbox of a webhook endpoint, if the endpoint still exists,
  and answers the outbox's head: the delivery job to run is the one for that event.

  Input:
    KEYS[1] the site's webhooks hash (endpoint id -> JSON)
    KEYS[2] the outbox, a list of event bodies, oldest first
    KEYS[3] the endpoint's set of non-empty outboxes

    ARGV[1] endpoint id
    ARGV[2] event body (JSON, exactly as it will be sent)
    ARGV[3] the outbox's member in KEYS[3] (conversation id, or '-')

  Output:
    the body at the head of the outbox after the append;
    nil when the endpoint was removed meanwhile (nothing changes then)
]]
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return false
end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
return redis.call('LINDEX', KEYS[2], 0)
