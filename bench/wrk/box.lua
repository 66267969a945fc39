-- wrk script: search by a random map box of about 10 x 10 km around one of
-- Norway's cities (the same cities the generator clusters listings around).
local cities = {
  {59.91, 10.75}, {60.39, 5.32}, {63.43, 10.39}, {58.97, 5.73}, {58.15, 7.99},
  {69.65, 18.96}, {59.13, 11.39}, {60.79, 11.07}, {62.47, 6.15}, {59.74, 10.20},
}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
function init(args)
  math.randomseed(seed * 104729)
end
function request()
  local c = cities[math.random(1, #cities)]
  local lat = c[1] + (math.random() - 0.5) * 0.2
  local lon = c[2] + (math.random() - 0.5) * 0.4
  local path = string.format("/api/search?bbox=%.4f,%.4f,%.4f,%.4f&per_page=50",
    lon - 0.09, lat - 0.045, lon + 0.09, lat + 0.045)
  return wrk.format("GET", path)
end
function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. "\n")
  end
end
