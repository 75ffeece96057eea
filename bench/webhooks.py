"""Webhook intake: signed `ticket.created` deliveries (verified, deduplicated, recorded; no run) at 50 concurrent
connections for 10 s with wrk. Reports accepted/s (2xx), p99 latency, RSS after, and the gateway's CPU time per
accepted delivery (all its threads; less sensitive than accepted/s to other load on a shared machine)."""
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


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


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
        cpu_before = cpu_seconds(proc.pid)
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "webhooks.lua")
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script,
                              f"http://127.0.0.1:{port}", "--", data, HOOK_TOKEN, "2"],
                             capture_output=True, text=True, check=True).stdout
        after = memory(proc.pid)
        cpu = cpu_seconds(proc.pid) - cpu_before
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        shutil.rmtree(state, ignore_errors=True)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = int(non2xx.group(1)) if non2xx else 0
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    return {"seconds": seconds, "connections": connections, "requests": total, "rejected": failed,
            "accepted_per_s": round((total - failed) / seconds), "p99": p99, "after": after,
            "cpu_us_per_accepted": round(cpu * 1e6 / max(total - failed, 1))}


if __name__ == "__main__":
    # Just this figure: python3 bench/webhooks.py "$(swift build -c release --show-bin-path)/talon" [runs]
    import sys, time
    import measure as m

    def wait_ready(port):
        deadline = time.perf_counter() + 30
        while m.get_status(port, "/readyz") != 200:
            if time.perf_counter() > deadline:
                raise RuntimeError("talon not ready after 30 s")
            time.sleep(0.01)

    for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1):
        w = measure(sys.argv[1], m.start, wait_ready, m.memory, m.free_port)
        print(f"webhooks accepted_per_s={w['accepted_per_s']} p99={w['p99']} rejected={w['rejected']} "
              f"cpu_us_per_accepted={w['cpu_us_per_accepted']} RssAnon={w['after'].get('RssAnon')} VmRSS={w['after'].get('VmRSS')}",
              flush=True)
