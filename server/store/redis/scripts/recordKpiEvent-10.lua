--[[
  Records one KPI event once: appends it to the site's capped event stream and adds its
  increments to the aggregates of its hour and its day, unless the conversation already
  recorded this event's mark. Marks live in the conversation hash (`kpi:<mark>` fields), so they
  go when the conversation is deleted; each keeps a value (a first wait, a first reply time…) that
  the conversation's resolution reads back for its category's figures.

  Input:
    KEYS[1] site's KPI event stream
    KEYS[2] conversation hash (holds the marks)
    KEYS[3] site-scope aggregate hash of the event's hour
    KEYS[4] site-scope aggregate hash of the event's day
    KEYS[5] agent-scope aggregate hash of the event's hour
    KEYS[6] agent-scope aggregate hash of the event's day
    KEYS[7] agent-in-queue-scope aggregate hash of the event's hour
    KEYS[8] agent-in-queue-scope aggregate hash of the event's day
    KEYS[9] category-scope aggregate hash of the event's hour
    KEYS[10] category-scope aggregate hash of the event's day

    ARGV[1] mark recorded once per conversation ('created', 'assigned:<at>' …)
    ARGV[2] mark of a conversation's first event of this kind, or '' ('firstReply' …)
    ARGV[3] the event, JSON
    ARGV[4] events kept at most (approximate)
    ARGV[5] when the hour hashes expire (ms since the epoch)
    ARGV[6] when the day hashes expire (ms since the epoch)
    ARGV[7] the value kept with the marks
    ARGV[8..] quadruples: scope (0 site: KEYS[3..4], 1 agent: KEYS[5..6], 2 agent in queue: KEYS[7..8],
              3 category: KEYS[9..10]), 'always' | 'first', field, increment

  Output:
     1  recorded
     0  already recorded (nothing changed)
]]
if redis.call('HSETNX', KEYS[2], 'kpi:' .. ARGV[1], ARGV[7]) == 0 then
  return 0
end
local first = false
if ARGV[2] ~= '' then
  first = redis.call('HSETNX', KEYS[2], 'kpi:' .. ARGV[2], ARGV[7]) == 1
end

redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'event', ARGV[3])

local touched = {}
for i = 8, #ARGV, 4 do
  if ARGV[i + 1] == 'always' or first then
    local hour, day = KEYS[3], KEYS[4]
    if ARGV[i] == '1' then
      hour, day = KEYS[5], KEYS[6]
    elseif ARGV[i] == '2' then
      hour, day = KEYS[7], KEYS[8]
    elseif ARGV[i] == '3' then
      hour, day = KEYS[9], KEYS[10]
    end
    redis.call('HINCRBY', hour, ARGV[i + 2], ARGV[i + 3])
    redis.call('HINCRBY', day, ARGV[i + 2], ARGV[i + 3])
    touched[hour] = ARGV[5]
    touched[day] = ARGV[6]
  end
end
for key, at in pairs(touched) do
  redis.call('PEXPIREAT', key, at)
end
return 1
