--[[
  Keeps a site's canned reply, new or replacing one by id, with its shortcut unique in the site.

  Input:
    KEYS[1] the site's canned replies hash (id -> JSON)
    KEYS[2] the site's shortcuts hash (shortcut -> id)

    ARGV[1] reply id
    ARGV[2] shortcut
    ARGV[3] reply, JSON (its own `shortcut` field is ARGV[2])
    ARGV[4] '1' to create, '0' to replace an existing one
    ARGV[5] most replies a site may have

  Output:
     1  kept
    -1  replacing: no reply has this id
    -2  another reply has this shortcut
    -3  creating: the site has ARGV[5] replies already
]]
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[4] == '0' and not existing then
  return -1
end
local owner = redis.call('HGET', KEYS[2], ARGV[2])
if owner and owner ~= ARGV[1] then
  return -2
end
if ARGV[4] == '1' and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then
  return -3
end
if existing then
  local previous = cjson.decode(existing).shortcut
  if previous ~= ARGV[2] then
    redis.call('HDEL', KEYS[2], previous)
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return 1
