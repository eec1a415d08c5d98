-- The fleet benchmark's mixed workload for wrk (bench/fleet.sh): 80% simple pages (half PEP 691
-- JSON, half PEP 503 HTML) of the seeded (index, project) sample, 15% downloads of the seeded
-- files, 5% uploads (one in twenty of them a conflict: the same filename with other bytes).
-- Each thread uploads its own slice of the wheels, each to a fixed index, so a wheel sent again
-- is the same upload (a no-op). Responses are counted by status; the uploads acknowledged
-- (200 with the stored file) are written to FLEET_ACKED, one file URL per line, for the check
-- that none is lost. Environment: FLEET_SAMPLES (the seeder's folder), FLEET_UPLOADS and
-- FLEET_CONFLICTS (folders of wheels), FLEET_ACKED, FLEET_AUTH (a Basic authorization);
-- FLEET_THREADS (wrk's -t); FLEET_PAGES_ONLY=1: pages alone (the warm-up, which fills the page caches).

local samples = os.getenv("FLEET_SAMPLES")
local pages_only = os.getenv("FLEET_PAGES_ONLY") == "1"
local threads_count = tonumber(os.getenv("FLEET_THREADS") or "2")
local threads = {}
local counter = 0

local function lines(path)
  local result = {}
  for line in io.lines(path) do if line ~= "" then result[#result + 1] = line end end
  return result
end

local function listing(folder)
  local result = {}
  local pipe = io.popen('ls "' .. folder .. '"')
  for name in pipe:lines() do result[#result + 1] = name end
  pipe:close()
  return result
end

function setup(thread)
  counter = counter + 1
  thread:set("number", counter)
  threads[#threads + 1] = thread
end

local pages, downloads, busy, uploads, conflicts
-- Globals, which done() reads from each thread (wrk copies them, tables too).
statuses = {}
acked = {}
local boundary = "wwfleetboundary"
local auth = os.getenv("FLEET_AUTH")

local function form(folder, name)
  local file = io.open(folder .. "/" .. name, "rb")
  local bytes = file:read("*a")
  file:close()
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\":action\"\r\n\r\nfile_upload\r\n"
    .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"" .. name .. "\"\r\n"
    .. "Content-Type: application/octet-stream\r\n\r\n" .. bytes .. "\r\n--" .. boundary .. "--\r\n"
end

function init(args)
  math.randomseed(number * 7919)
  pages = lines(samples .. "/pages.txt")
  downloads = {}
  for _, line in ipairs(lines(samples .. "/downloads.txt")) do downloads[#downloads + 1] = line:match("^(%S+)") end
  busy = lines(samples .. "/busy.txt")
  uploads, conflicts = {}, {}
  if pages_only then return end
  -- This thread's slice of the wheels (wrk runs few threads; each has its own Lua state).
  local names = listing(os.getenv("FLEET_UPLOADS"))
  for position, name in ipairs(names) do
    if position % threads_count == number % threads_count then uploads[#uploads + 1] = {name = name, index = busy[position % #busy + 1]} end
  end
  for position, name in ipairs(listing(os.getenv("FLEET_CONFLICTS"))) do
    -- The conflicting bytes go where the first bytes of that name went.
    for first, upload in ipairs(names) do
      if upload == name and first % threads_count == number % threads_count then conflicts[#conflicts + 1] = {name = name, index = busy[first % #busy + 1]} end
    end
  end
end

local next_upload, next_conflict = 0, 0

function request()
  local draw = pages_only and 0 or math.random()
  if draw < 0.80 then
    local page = pages[math.random(#pages)]
    if math.random() < 0.5 then
      return wrk.format("GET", page, {["Accept"] = "application/vnd.pypi.simple.v1+json"})
    end
    return wrk.format("GET", page, {["Accept"] = "text/html"})
  elseif draw < 0.95 then
    return wrk.format("GET", downloads[math.random(#downloads)])
  end
  local chosen
  if #conflicts > 0 and math.random() < 0.05 then
    next_conflict = next_conflict % #conflicts + 1
    chosen = conflicts[next_conflict]
    return wrk.format("POST", chosen.index, {["Content-Type"] = "multipart/form-data; boundary=" .. boundary, ["Authorization"] = auth},
                      form(os.getenv("FLEET_CONFLICTS"), chosen.name))
  end
  next_upload = next_upload % #uploads + 1
  chosen = uploads[next_upload]
  return wrk.format("POST", chosen.index, {["Content-Type"] = "multipart/form-data; boundary=" .. boundary, ["Authorization"] = auth},
                    form(os.getenv("FLEET_UPLOADS"), chosen.name))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 200 and body:find('"type":"file"', 1, true) then
    local url = body:match('"url":"([^"]+)"')
    if url then acked[#acked + 1] = url:gsub("\\/", "/") end
  end
end

function done(summary, latency, requests)
  local totals, acknowledged = {}, {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do totals[status] = (totals[status] or 0) + count end
    for _, url in ipairs(thread:get("acked") or {}) do acknowledged[#acknowledged + 1] = url end
  end
  local parts = {}
  for status, count in pairs(totals) do parts[#parts + 1] = '"' .. status .. '": ' .. count end
  io.write("FLEET statuses {" .. table.concat(parts, ", ") .. "}\n")
  io.write(string.format("FLEET latency_ms p50=%.2f p99=%.2f max=%.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  local file = io.open(os.getenv("FLEET_ACKED"), "w")
  file:write(table.concat(acknowledged, "\n") .. "\n")
  file:close()
end
