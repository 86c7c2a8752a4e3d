--[[
  Deletes, from one page of a stream, the entries that mention any of the given ids, and returns
  them: erasure reads a capped stream (routing corrections, KPI events, audit) in pages, so that
  Redis is never held for the whole stream at once. A mention is the id as a whole word in any
  field value: not preceded or followed by a letter, a digit, '_' or '-' (the characters of ids),
  so `c_1` does not match inside `c_12`.

  Input:
    KEYS[1] stream

    ARGV[1] where the page starts, as XRANGE takes it: '-', or '(' and the last id of the previous page
    ARGV[2] entries read at most in this page
    ARGV[3..] ids to look for (plain text, not patterns)

  Output:
    { last, entry, entry, … }  last: the id of the last entry read, '' when the page reached the
                               end; each entry deleted as XRANGE gives it, { id, { field, value, … } }
]]
local function isIdChar(c)
  return c ~= '' and string.find(c, '[%w_%-]') ~= nil
end

local function mentions(value, id)
  local from = 1
  while true do
    local s, e = string.find(value, id, from, true)
    if not s then
      return false
    end
    if not isIdChar(string.sub(value, s - 1, s - 1)) and not isIdChar(string.sub(value, e + 1, e + 1)) then
      return true
    end
    from = s + 1
  end
end

local count = tonumber(ARGV[2])
local page = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', count)
local result = { '' }
if #page == count then
  result[1] = page[#page][1]
end
for _, entry in ipairs(page) do
  local fields = entry[2]
  local found = false
  for f = 2, #fields, 2 do
    for i = 3, #ARGV do
      if mentions(fields[f], ARGV[i]) then
        found = true
        break
      end
    end
    if found then
      break
    end
  end
  if found then
    redis.call('XDEL', KEYS[1], entry[1])
    result[#result + 1] = entry
  end
end
return result
