--[[
  Removes a delivered (or given up) event from the head of its outbox, if it is still the head,
  and answers the next one in the same step, so that exactly one delivery job goes on with it.

  Input:
    KEYS[1] the outbox, a list of event bodies, oldest first
    KEYS[2] the endpoint's set of non-empty outboxes

    ARGV[1] the event body that was at the head
    ARGV[2] the outbox's member in KEYS[2] (conversation id, or '-')

  Output:
    the new head's body; nil when the outbox is empty (it is then forgotten in KEYS[2])
]]
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LPOP', KEYS[1])
end
local head = redis.call('LINDEX', KEYS[1], 0)
if not head then
  redis.call('SREM', KEYS[2], ARGV[2])
  return false
end
return head
