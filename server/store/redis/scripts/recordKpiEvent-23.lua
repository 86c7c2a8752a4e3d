--[[
  Records one KPI event once: appends it to the site's capped event stream and adds its
  increments to the aggregates of its hour, its day and its week, unless the conversation already
  recorded this event's mark. Marks live in the conversation hash (`kpi:<mark>` fields), so they
  go when the conversation is deleted; each keeps a value (a first wait, a first reply time…) that
  the conversation's resolution reads back for its category's figures.

  Input:
    KEYS[1] site's KPI event stream
    KEYS[2] conversation hash (holds the marks)
    KEYS[3] site-scope aggregate hash of the event's hour
    KEYS[4] site-scope aggregate hash of the event's day
    KEYS[5] site-scope aggregate hash of the event's week
    KEYS[6] agent-scope aggregate hash of the event's hour
    KEYS[7] agent-scope aggregate hash of the event's day
    KEYS[8] agent-scope aggregate hash of the event's week
    KEYS[9] agent-in-queue-scope aggregate hash of the event's hour
    KEYS[10] agent-in-queue-scope aggregate hash of the event's day
    KEYS[11] agent-in-queue-scope aggregate hash of the event's week
    KEYS[12] category-scope aggregate hash of the event's hour
    KEYS[13] category-scope aggregate hash of the event's day
    KEYS[14] category-scope aggregate hash of the event's week
    KEYS[15] category-in-queue-scope aggregate hash of the event's hour
    KEYS[16] category-in-queue-scope aggregate hash of the event's day
    KEYS[17] category-in-queue-scope aggregate hash of the event's week
    KEYS[18] agent-and-category-scope aggregate hash of the event's hour
    KEYS[19] agent-and-category-scope aggregate hash of the event's day
    KEYS[20] agent-and-category-scope aggregate hash of the event's week
    KEYS[21] agent-and-category-in-queue-scope aggregate hash of the event's hour
    KEYS[22] agent-and-category-in-queue-scope aggregate hash of the event's day
    KEYS[23] agent-and-category-in-queue-scope aggregate hash of the event's week

    ARGV[1] mark recorded once per conversation ('created', 'assigned:<at>' …)
    ARGV[2] mark of a conversation's first event of this kind, or '' ('firstReply' …)
    ARGV[3] the event, JSON
    ARGV[4] events kept at most (approximate)
    ARGV[5] when the hour hashes expire (ms since the epoch)
    ARGV[6] when the day hashes expire (ms since the epoch)
    ARGV[7] when the week hashes expire (ms since the epoch)
    ARGV[8] the value kept with the marks
    ARGV[9..] quadruples: scope (0 site: KEYS[3..5], 1 agent: KEYS[6..8], 2 agent in queue: KEYS[9..11],
              3 category: KEYS[12..14], 4 category in queue: KEYS[15..17], 5 agent and category: KEYS[18..20],
              6 agent and category in queue: KEYS[21..23]), 'always' | 'first', field, increment

  Output:
     1  recorded
     0  already recorded (nothing changed)
]]
if redis.call('HSETNX', KEYS[2], 'kpi:' .. ARGV[1], ARGV[8]) == 0 then
  return 0
end
local first = false
if ARGV[2] ~= '' then
  first = redis.call('HSETNX', KEYS[2], 'kpi:' .. ARGV[2], ARGV[8]) == 1
end

redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'event', ARGV[3])

-- Each scope's hour, day and week hashes, and when each of the three units expires.
local scopes = {
  ['0'] = { KEYS[3], KEYS[4], KEYS[5] },
  ['1'] = { KEYS[6], KEYS[7], KEYS[8] },
  ['2'] = { KEYS[9], KEYS[10], KEYS[11] },
  ['3'] = { KEYS[12], KEYS[13], KEYS[14] },
  ['4'] = { KEYS[15], KEYS[16], KEYS[17] },
  ['5'] = { KEYS[18], KEYS[19], KEYS[20] },
  ['6'] = { KEYS[21], KEYS[22], KEYS[23] },
}
local expiries = { ARGV[5], ARGV[6], ARGV[7] }
local touched = {}
for i = 9, #ARGV, 4 do
  if ARGV[i + 1] == 'always' or first then
    local field, by = ARGV[i + 2], ARGV[i + 3]
    for unit, key in ipairs(scopes[ARGV[i]]) do
      redis.call('HINCRBY', key, field, by)
      touched[key] = expiries[unit]
    end
  end
end
for key, at in pairs(touched) do
  redis.call('PEXPIREAT', key, at)
end
return 1
