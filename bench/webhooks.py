"""Webhook intake: signed `ticket.created` deliveries (verified, deduplicated, recorded; no run) at 50 concurrent
connections for 10 s with wrk. Reports accepted/s (2xx), p99 latency and RSS after."""
import datetime, hashlib, hmac, json, os, re, shutil, subprocess, tempfile, uuid

TOKEN = "bench-gateway-token-0123456789"
HOOK_TOKEN = "bench-hook-token-0123456789"
SECRET = "bench-webhook-secret"


def deliveries(path, count):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(path, "w") as f:
        for i in range(count):
            event = f"evt_{uuid.uuid4()}"
            body = json.dumps({
                "event_id": event, "event_type": "ticket.created", "occurred_at": stamp,
                "ticket": {"id": f"b-{i}", "team": "labs", "service": "api", "type": "pod_crashloop",
                           "severity": "high", "status": "analyzing", "summary": "bench incident"},
                "delivery": {"claim_url": "http://127.0.0.1:9/claim", "result_url": "http://127.0.0.1:9/result",
                             "lease_ttl_seconds": 900, "callback_auth_header": "Authorization",
                             "callback_auth_value": "Bearer mctl_evt_x"}}, separators=(",", ":"))
            signature = "sha256=" + hmac.new(SECRET.encode(), f"{stamp}.{body}".encode(), hashlib.sha256).hexdigest()
            f.write(f"{event}\t{stamp}\t{signature}\t{body}\n")


def measure(binary, start, wait_ready, memory, free_port, seconds=10, connections=50):
    if not shutil.which("wrk"):
        return None
    state = tempfile.mkdtemp(prefix="talon-bench-hooks-")
    with open(os.path.join(state, "openclaw.json"), "w") as f:
        json.dump({
            "gateway": {"auth": {"mode": "token", "token": TOKEN}},
            "hooks": {"enabled": True, "token": HOOK_TOKEN, "allowedSessionKeyPrefixes": ["hook:"],
                      "mappings": [{"id": "mctl-agent-event", "match": {"path": "mctl-agent"}, "action": "agent",
                                    "sessionKey": "hook:mctl-agent:{{payload.ticket.id}}",
                                    "messageTemplate": "{{payload.event_type}} {{payload.ticket.id}}",
                                    "skipEventTypes": ["ticket.created"],
                                    "verify": {"kind": "mctl-hmac", "secret": SECRET, "toleranceSeconds": 300}}]},
        }, f)
    os.chmod(os.path.join(state, "openclaw.json"), 0o600)
    data = os.path.join(state, "deliveries.tsv")
    deliveries(data, 150_000)
    port = free_port()
    proc = start(binary, state, port)
    try:
        wait_ready(port)
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "webhooks.lua")
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script,
                              f"http://127.0.0.1:{port}", "--", data, HOOK_TOKEN, "2"],
                             capture_output=True, text=True, check=True).stdout
        after = memory(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        shutil.rmtree(state, ignore_errors=True)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = int(non2xx.group(1)) if non2xx else 0
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    return {"seconds": seconds, "connections": connections, "requests": total, "rejected": failed,
            "accepted_per_s": round((total - failed) / seconds), "p99": p99, "after": after}
