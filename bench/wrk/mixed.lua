-- wrk script: a mixed load of reads and writes as the market sees it:
-- 50 % box searches, 20 % listing reads, 10 % matches, 15 % new listings
-- (POST, a write), 5 % status changes of a listing (a write).
-- Env: MB_TOKEN, MB_LISTINGS.
local token = os.getenv("MB_TOKEN")
local n = tonumber(os.getenv("MB_LISTINGS") or "100000")
local auth = {["Authorization"] = "Bearer " .. token}
local post = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
local counter = 0
local errors = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
function init(args)
  math.randomseed(seed * 15485863)
end
local function body()
  local lat = 59.5 + math.random() * 4
  local lon = 9.5 + math.random() * 2
  return string.format('{"type":"supply","title":"Benchmark overskudd","lat":%.5f,"lon":%.5f,' ..
    '"material":"rock.blasted","class":1,"amount":{"value":%d,"unit":"fm3"},' ..
    '"window":{"from":"2027-03","to":"2027-09"},"keywords":["bench"]}', lat, lon, math.random(100, 50000))
end
function request()
  local r = math.random()
  if r < 0.5 then
    local lat = 59.91 + (math.random() - 0.5) * 0.4
    local lon = 10.75 + (math.random() - 0.5) * 0.8
    return wrk.format("GET", string.format("/api/search?bbox=%.4f,%.4f,%.4f,%.4f&per_page=50",
      lon - 0.09, lat - 0.045, lon + 0.09, lat + 0.045))
  elseif r < 0.7 then
    return wrk.format("GET", "/api/listings/" .. math.random(1, n))
  elseif r < 0.8 then
    return wrk.format("GET", "/api/listings/" .. math.random(1, n) .. "/matches", auth)
  elseif r < 0.95 then
    return wrk.format("POST", "/api/listings?status=published", post, body())
  else
    local s = (math.random() < 0.5) and "reserved" or "published"
    return wrk.format("POST", "/api/listings/" .. math.random(1, n) .. "/status", post,
      '{"status":"' .. s .. '"}')
  end
end
function response(status, headers, body)
  -- 409: a random status change the life cycle refuses (reserved ->
  -- reserved is allowed; published <-> reserved too), so any 4xx/5xx is
  -- an error here.
  if status >= 400 then
    errors = errors + 1
    if errors <= 5 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n") end
  end
end
