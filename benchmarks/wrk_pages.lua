-- wrk script for benchmarks/http.py: one signed-in person per connection.
--
-- Run with as many threads as connections (one connection per thread). The file named
-- by the first script argument holds one line per thread: METHOD<TAB>PATH<TAB>COOKIE<TAB>BODY
-- (BODY may be empty). Thread n takes line n (cycling when there are fewer lines).
-- At the end the script prints one JSON line: counts per status, errors and latencies.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end

function init(args)
  local lines = {}
  for line in io.lines(args[1]) do
    table.insert(lines, line)
  end
  local chosen = lines[((index - 1) % #lines) + 1]
  local method, path, cookie, body = chosen:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
  local headers = { Cookie = cookie }
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  else
    body = nil
  end
  prepared = wrk.format(method, path, headers, body)
  statuses = {}
end

function request()
  return prepared
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, count in pairs(counts) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(totals) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "statuses": {%s}, '
      .. '"socket_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, table.concat(parts, ", "),
    errors.connect + errors.read + errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
  ))
end
