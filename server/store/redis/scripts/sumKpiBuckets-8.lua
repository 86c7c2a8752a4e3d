--[[
  Sums the fields of up to eight KPI aggregate hashes that start with a prefix, in Redis, so that a
  report over many agents and days carries back one sum per field instead of every bucket's fields.
  Read-only. Unused key slots are filled with a key that is never written.

  Input:
    KEYS[1] an aggregate hash (an hour, a day or a week of one scope)
    KEYS[2] another, or the filler
    KEYS[3] another, or the filler
    KEYS[4] another, or the filler
    KEYS[5] another, or the filler
    KEYS[6] another, or the filler
    KEYS[7] another, or the filler
    KEYS[8] another, or the filler

    ARGV[1] field prefix ('' for every field)

  Output:
    { field, sum, field, sum, … }  in the order first met
]]
local keys = { KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8] }
local prefix = ARGV[1]
local length = #prefix
local sums, order = {}, {}
for _, key in ipairs(keys) do
  local flat = redis.call('HGETALL', key)
  for i = 1, #flat, 2 do
    local field = flat[i]
    if length == 0 or string.sub(field, 1, length) == prefix then
      local sum = sums[field]
      if sum == nil then
        order[#order + 1] = field
        sums[field] = tonumber(flat[i + 1])
      else
        sums[field] = sum + tonumber(flat[i + 1])
      end
    end
  end
end
local out = {}
for _, field in ipairs(order) do
  out[#out + 1] = field
  out[#out + 1] = string.format('%.0f', sums[field])
end
return out
