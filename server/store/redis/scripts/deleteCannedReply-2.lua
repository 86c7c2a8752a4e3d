--[[
  Removes a site's canned reply and frees its shortcut.

  Input:
    KEYS[1] the site's canned replies hash (id -> JSON)
    KEYS[2] the site's shortcuts hash (shortcut -> id)

    ARGV[1] reply id

  Output:
     1  removed
    -1  no reply has this id
]]
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if not existing then
  return -1
end
redis.call('HDEL', KEYS[2], cjson.decode(existing).shortcut)
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
