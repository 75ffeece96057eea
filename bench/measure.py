#!/usr/bin/env python3
"""Measures a talon binary: readiness latency, idle memory, /healthz throughput, gateway overhead per
model turn. Used by bench/run.sh."""
import json, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get_status(port, path):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = s.recv(64)
            return int(data.split()[1]) if data.startswith(b"HTTP/") else None
    except OSError:
        return None


def start(binary, state_dir, port):
    env = {k: v for k, v in os.environ.items() if not (k.startswith(("OPENCLAW_", "DB_", "TALON_")) or k == "DATABASE_URL")}
    env.update({"OPENCLAW_STATE_DIR": state_dir, "HOME": state_dir})
    return subprocess.Popen([binary, "gateway", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def time_to_ready(binary, state_dir):
    port = free_port()
    t0 = time.perf_counter()
    proc = start(binary, state_dir, port)
    try:
        while True:
            if get_status(port, "/readyz") == 200:
                return (time.perf_counter() - t0) * 1000
            if proc.poll() is not None:
                raise RuntimeError("talon exited before it was ready")
            if time.perf_counter() - t0 > 30:
                raise RuntimeError("talon not ready after 30 s")
            time.sleep(0.0005)
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def memory(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
                fields[key] = round(int(rest.split()[0]) / 1024, 1)  # MB
    return fields


def main():
    binary, runs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    results = {"date": time.strftime("%Y-%m-%d"), "binary": binary, "runs": runs,
               "cpus": os.cpu_count(), "binary_mb": round(os.path.getsize(binary) / 1e6, 1)}
    state = tempfile.mkdtemp(prefix="talon-bench-")
    try:
        time_to_ready(binary, state)  # first start creates and migrates the database
        samples = [time_to_ready(binary, state) for _ in range(runs)]
        results["ready_ms_median"] = round(statistics.median(samples), 1)
        results["ready_ms_min"] = round(min(samples), 1)
        print(f"ready_ms median={results['ready_ms_median']} min={results['ready_ms_min']} runs={runs}")

        port = free_port()
        proc = start(binary, state, port)
        try:
            while get_status(port, "/readyz") != 200:
                time.sleep(0.01)
            time.sleep(10)
            idle = memory(proc.pid)
            results["idle"] = idle
            print("idle_mb " + " ".join(f"{k}={v}" for k, v in idle.items()))
            if shutil.which("wrk"):
                wrk = subprocess.run(["wrk", "-t2", "-c50", "-d10s", f"http://127.0.0.1:{port}/healthz"],
                                     capture_output=True, text=True, check=True).stdout
                rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
                latency = re.search(r"Latency\s+(\S+)", wrk).group(1)
                results["healthz_rps"] = round(rps)
                results["healthz_latency_avg"] = latency
                print(f"healthz_rps={round(rps)} latency_avg={latency} (wrk -t2 -c50 -d10s)")
                after = memory(proc.pid)
                results["after_load"] = after
                print("after_load_mb " + " ".join(f"{k}={v}" for k, v in after.items()))
            else:
                print("wrk not installed: throughput skipped")
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    def wait_ready(port):
        deadline = time.perf_counter() + 30
        while get_status(port, "/readyz") != 200:
            if time.perf_counter() > deadline:
                raise RuntimeError("talon not ready after 30 s")
            time.sleep(0.01)

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import turns
    t = turns.measure(binary, start, wait_ready, memory, free_port)
    results["turns"] = t
    print(f"turn_ms p50={t['turn_ms_p50']} p95={t['turn_ms_p95']} ({t['turns']} sequential /v1/chat/completions turns); "
          f"mock alone p50={t['mock_direct_ms_p50']} p95={t['mock_direct_ms_p95']}; "
          f"gateway overhead p50={t['overhead_ms_p50']} p95={t['overhead_ms_p95']}")
    print(f"session_turn_ms p50={t['session_turn_ms_p50']} p95={t['session_turn_ms_p95']} "
          f"({t['turns']} turns continuing one session, history growing)")
    print("after_turns_mb " + " ".join(f"{k}={v}" for k, v in t["after_turns"].items()))
    import webhooks
    w = webhooks.measure(binary, start, wait_ready, memory, free_port)
    if w:
        results["webhooks"] = w
        print(f"webhooks accepted_per_s={w['accepted_per_s']} p99={w['p99']} rejected={w['rejected']} "
              f"cpu_us_per_accepted={w['cpu_us_per_accepted']} (signed ticket.created, wrk -c{w['connections']} {w['seconds']} s)")
        print("after_webhooks_mb " + " ".join(f"{k}={v}" for k, v in w["after"].items()))
    with open(out, "w") as f:
        json.dump(results, f, indent=2)
    print(f"written {out}")


if __name__ == "__main__":
    main()
