-- wrk script of the load harness: POSTs a JSON body as a GitHub push delivery with a bearer
-- token, and prints one machine-readable RESULT line at the end.
--
-- Environment:
--   BODY_FILE  file holding the request body (required)
--   TOKEN      bearer token (optional: no Authorization header without it)
--   TALLY=1    count every response status (prints a STATUS line; costs some wrk CPU)
--   DELAY_MS   wait this many ms before each request on a connection (open-loop-ish rate:
--              about connections * 1000 / DELAY_MS requests per second)

local f = assert(io.open(assert(os.getenv("BODY_FILE"), "BODY_FILE not set"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-GitHub-Event"] = "push"
-- No X-GitHub-Delivery: one static request would repeat one delivery id, which a server may
-- treat as redeliveries of a single event.
wrk.headers["X-GitHub-Hook-ID"] = "292430182"
wrk.headers["User-Agent"] = "GitHub-Hookshot/044aadd"
local token = os.getenv("TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
end

if os.getenv("TALLY") == "1" then
  function response(status, headers, body)
    counts[status] = (counts[status] or 0) + 1
  end
end

local delay_ms = tonumber(os.getenv("DELAY_MS") or "")
if delay_ms and delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d status_errors=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
  if os.getenv("TALLY") == "1" then
    local total = {}
    for _, t in ipairs(threads) do
      for status, n in pairs(t:get("counts") or {}) do
        total[status] = (total[status] or 0) + n
      end
    end
    local parts = {}
    for status, n in pairs(total) do
      table.insert(parts, string.format("%s=%d", tostring(status), n))
    end
    table.sort(parts)
    io.write("STATUS " .. table.concat(parts, " ") .. "\n")
  end
end
