-- wrk script for bench/webhooks.py: replays pre-signed mctl-agent deliveries (one file line each:
-- event id, timestamp, signature, body, tab-separated); every thread takes every n-th line so no event repeats.
local lines = {}
local index = 0
local threads = 0
local counter = 0

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
    threads = counter
end

function init(args)
    local path, token, step = args[1], args[2], tonumber(args[3])
    local n = 0
    for line in io.lines(path) do
        if n % step == id then lines[#lines + 1] = line end
        n = n + 1
    end
    wrk.headers["Authorization"] = "Bearer " .. token
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    index = index + 1
    if index > #lines then index = 1 end
    local event, stamp, signature, body = lines[index]:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)")
    wrk.headers["X-Mctl-Event-Id"] = event
    wrk.headers["X-Mctl-Event-Type"] = "ticket.created"
    wrk.headers["X-Mctl-Webhook-Timestamp"] = stamp
    wrk.headers["X-Mctl-Webhook-Signature"] = signature
    return wrk.format("POST", "/hooks/mctl-agent", nil, body)
end
