"""Gateway overhead per turn: sequential /v1/chat/completions turns against an instant mock model.
Reports p50/p95 of the full turn, the same for direct calls to the mock (the floor), and RSS after."""
import http.client, json, os, socket, statistics, subprocess, tempfile, time

import mock_model

TOKEN = "bench-token-0123456789"


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def post(conn, path, body, headers):
    t0 = time.perf_counter()
    conn.request("POST", path, body=body.encode(), headers=headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}: {data[:200]!r}")
    return elapsed, data


def measure(binary, start, wait_ready, memory, free_port, turns=200):
    mock = mock_model.serve()
    mock_port = mock.server_address[1]
    state = tempfile.mkdtemp(prefix="talon-bench-turns-")
    with open(os.path.join(state, "openclaw.json"), "w") as f:
        json.dump({
            "gateway": {"auth": {"mode": "token", "token": TOKEN},
                        "http": {"endpoints": {"chatCompletions": {"enabled": True}}}},
            "models": {"providers": {"bench": {"baseUrl": f"http://127.0.0.1:{mock_port}/v1", "apiKey": "k"}}},
            "agents": {"defaults": {"model": "bench/echo"}},
        }, f)
    os.chmod(os.path.join(state, "openclaw.json"), 0o600)
    port = free_port()
    proc = start(binary, state, port)
    try:
        wait_ready(port)
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        # Stateless turns (each its own session, as /v1/chat/completions is by default), then turns that continue one
        # session (`user`), whose history grows by two entries a turn and is re-read and re-sent every time.
        stateless = json.dumps({"model": "openclaw", "messages": [{"role": "user", "content": "ping"}]})
        session = json.dumps({"model": "openclaw", "user": "bench", "messages": [{"role": "user", "content": "ping"}]})
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for _ in range(20):  # warm-up: connections, statement caches
            post(conn, "/v1/chat/completions", stateless, headers)
        gateway = [post(conn, "/v1/chat/completions", stateless, headers)[0] for _ in range(turns)]
        continued = [post(conn, "/v1/chat/completions", session, headers)[0] for _ in range(turns)]
        direct_conn = http.client.HTTPConnection("127.0.0.1", mock_port, timeout=30)
        direct_conn.connect()
        direct_conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        direct_body = json.dumps({"model": "echo", "stream": True, "messages": [{"role": "user", "content": "ping"}]})
        direct = [post(direct_conn, "/v1/chat/completions", direct_body, {"Content-Type": "application/json"})[0]
                  for _ in range(turns)]
        after = memory(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        mock.shutdown()
    result = {
        "turns": turns,
        "turn_ms_p50": round(statistics.median(gateway), 2),
        "turn_ms_p95": round(percentile(gateway, 95), 2),
        "mock_direct_ms_p50": round(statistics.median(direct), 2),
        "mock_direct_ms_p95": round(percentile(direct, 95), 2),
        "after_turns": after,
    }
    result["session_turn_ms_p50"] = round(statistics.median(continued), 2)
    result["session_turn_ms_p95"] = round(percentile(continued, 95), 2)
    result["overhead_ms_p50"] = round(result["turn_ms_p50"] - result["mock_direct_ms_p50"], 2)
    result["overhead_ms_p95"] = round(result["turn_ms_p95"] - result["mock_direct_ms_p95"], 2)
    return result
