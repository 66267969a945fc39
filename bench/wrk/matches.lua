-- wrk script: ranked matches for random listings (ids 1..N listings).
-- Env: MB_TOKEN (bearer token), MB_LISTINGS (how many listing ids exist).
local token = os.getenv("MB_TOKEN")
local n = tonumber(os.getenv("MB_LISTINGS") or "100000")
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
function init(args)
  math.randomseed(seed * 7919)
end
function request()
  local id = math.random(1, n)
  return wrk.format("GET", "/api/listings/" .. id .. "/matches", {["Authorization"] = "Bearer " .. token})
end
function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. "\n")
  end
end
