-- wrk script of the benchmark: replays the requests of one scenario at a fixed rate.
--
--   wrk -t2 -c16 -d30s -s bench/scenario.lua http://127.0.0.1:PORT -- \
--       REQUESTS.tsv RATE THREADS EXPECTED_STATUS ATTACHMENT_FILE
--
-- REQUESTS.tsv has one request a line: method, path, cookie header, body kind ("none",
-- "form" or "multipart"), the form fields URL-encoded, and an Authorization header (the
-- REST API's token; may be empty or absent). Each thread picks lines at random.
-- RATE is the total requests per second (0: as fast as the server answers). The pacing is
-- an open model: request k of a thread is due at start + k / (RATE / THREADS), whatever
-- the previous answers took; a request that finds every connection busy past its time is
-- sent as soon as one frees and counted as "late". Latency is measured by wrk from the
-- request's write to its full answer.
-- done() prints one line "BENCH_RESULT {json}" that bench/run saves.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local CLOCK_MONOTONIC = 1

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
  table.insert(threads, thread)
end

local function urldecode(text)
  text = text:gsub("+", " ")
  return (text:gsub("%%(%x%x)", function(hex) return string.char(tonumber(hex, 16)) end))
end

local function split(line, separator)
  local fields, start = {}, 1
  while true do
    local at = line:find(separator, start, true)
    if not at then
      table.insert(fields, line:sub(start))
      return fields
    end
    table.insert(fields, line:sub(start, at - 1))
    start = at + 1
  end
end

local lines, attachment, interval, next_due, expected
local boundary = "----SportelloBench7MA4YWxkTrZu0gW"
unexpected, late, first_unexpected = 0, 0, 0

function init(args)
  local path, rate, thread_total = args[1], tonumber(args[2]), tonumber(args[3])
  expected = tonumber(args[4])
  if args[5] and args[5] ~= "" then
    local handle = assert(io.open(args[5], "rb"))
    attachment = handle:read("*a")
    handle:close()
  end
  lines = {}
  for line in io.lines(path) do
    local f = split(line, "\t")
    table.insert(lines, { method = f[1], path = f[2], cookie = f[3], kind = f[4], body = f[5] or "",
                          authorization = f[6] or "" })
  end
  math.randomseed(thread_number * 7919 + os.time())
  if rate > 0 then
    interval = 1000 / (rate / thread_total)
  end
end

local function multipart(fields)
  local parts = {}
  for pair in fields:gmatch("[^&]+") do
    local key, value = pair:match("([^=]*)=?(.*)")
    table.insert(parts, "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. urldecode(key) ..
      "\"\r\n\r\n" .. urldecode(value) .. "\r\n")
  end
  table.insert(parts, "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"attachments\"; " ..
    "filename=\"documento.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" .. attachment .. "\r\n")
  table.insert(parts, "--" .. boundary .. "--\r\n")
  return table.concat(parts)
end

function request()
  local line = lines[math.random(#lines)]
  local headers = { ["User-Agent"] = "SportelloBench/1 (wrk)" }
  if line.cookie ~= "" then headers["Cookie"] = line.cookie end
  if line.authorization ~= "" then headers["Authorization"] = line.authorization end
  local body = nil
  if line.kind == "form" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = line.body
  elseif line.kind == "multipart" then
    headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
    body = multipart(line.body)
  end
  if line.method == "POST" then
    -- Django's CSRF check wants a same-origin Referer or Origin.
    headers["Origin"] = "http://" .. wrk.host .. ":" .. wrk.port
  end
  return wrk.format(line.method, line.path, headers, body)
end

function delay()
  if not interval then return 0 end
  local now = now_ms()
  if not next_due then next_due = now + math.random() * interval end
  local wait = next_due - now
  next_due = next_due + interval
  if wait < -5 then late = late + 1 end
  if wait < 0 then return 0 end
  return wait
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
    if first_unexpected == 0 then first_unexpected = status end
  end
end

function done(summary, latency, requests)
  local total_unexpected, total_late, first = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_unexpected = total_unexpected + (thread:get("unexpected") or 0)
    total_late = total_late + (thread:get("late") or 0)
    local status = thread:get("first_unexpected") or 0
    if first == 0 then first = status end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "errors": %d, "error_detail": ' ..
    '{"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, "unexpected": %d, ' ..
    '"first_unexpected_status": %d, "late": %d, "latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, ' ..
    '"max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, errors.connect + errors.read + errors.write + errors.timeout,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout, total_unexpected, first, total_late,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
