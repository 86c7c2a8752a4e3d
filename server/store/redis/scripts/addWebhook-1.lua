--[[
  Keeps a new webhook endpoint of a site, unless the site has its most already.

  Input:
    KEYS[1] the site's webhooks hash (endpoint id -> JSON)

    ARGV[1] endpoint id
    ARGV[2] endpoint, JSON
    ARGV[3] most endpoints a site may have

  Output:
     1  kept
    -1  the site has ARGV[3] endpoints already
]]
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return -1
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
