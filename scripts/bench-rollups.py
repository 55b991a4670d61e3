#!/usr/bin/env python3
"""What the rollup continuous queries cost InfluxDB under the sustained load, without agent and collector.

Starts a private influxd (packaging/influxdb/influxd.env settings), provisions it with apply.sh (the shipped
telemetry.iql by default), then for --duration seconds writes what the collector writes at 6,000 request
lines/s: one `http_requests` point per line (~15 fields, ~13,000 series: host x vhost x method x status x
route x user-agent class) plus the agent's per-interval request metrics (`http.server.request.count`,
`http.server.response.body.size`, `http.server.request.duration` histogram: one point per host x method x
status class x vhost every 10 s) and host metrics. Writes go out in batches every 200 ms on 4 connections,
as the collector does (~1,200 points per request).

Prints, per minute and in all: write latency p50/p99/max (from the batch's due time to InfluxDB's 204, so a
stalled write also delays the batches queued behind it), influxd CPU-seconds (utime+stime), and each
continuous query's run times from influxd's log. The machine's load average is printed beside the figures:
on a shared machine wall-clock latency is noisy, CPU-seconds less so.

usage: scripts/bench-rollups.py [--rate 6000] [--duration 300] [--iql FILE] [--raw-request-rollups]
                                [--no-rollups] [--dir DIR]
  --iql FILE               provisioning to apply (default packaging/influxdb/telemetry.iql); e.g. an older
                           telemetry.iql from git to measure "before"
  --raw-request-rollups    apply.sh --raw-request-rollups: also the optional CQs over raw http_requests
  --no-rollups             no continuous queries at all (the baseline)
"""
import argparse
import http.client
import os
import queue
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOSTS = [f"web-{i}" for i in range(1, 5)]
VHOSTS = ["www.example.test", "api.example.test", "static.example.test"]
METHODS = ["GET"] * 8 + ["POST", "HEAD"]
STATUSES = [200] * 80 + [301, 302, 304] * 3 + [404] * 6 + [403, 500, 503, 502, 400]
ROUTES = [f"/r{i}/{{id}}" for i in range(45)] + ["/", "/login", "/search", "/static/{hash}", "{other}"]
UA = ["browser"] * 7 + ["bot"] * 2 + ["other"]
METRIC_INTERVAL = 10  # s, the agent's collector.metrics_interval


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def pct(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def raw_templates(rng, n):
    """Line protocol of http_requests points without the time stamp: tags and ~15 fields, as the collector writes."""
    out = []
    for i in range(n):
        status = rng.choice(STATUSES)
        route = rng.choice(ROUTES)
        path = route.replace("{id}", str(rng.randint(1, 99999))).replace("{hash}", "%016x" % rng.getrandbits(64))
        method = rng.choice(METHODS)
        tags = (f"http_requests,host={rng.choice(HOSTS)},service=nginx,vhost={rng.choice(VHOSTS)},method={method},"
                f"status={status},status_class={status // 100}xx,ua_class={rng.choice(UA)},route={route}")
        fields = (f'path="{path}","query"="rid=b-{i}&page={rng.randint(1, 9)}",client="10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",'
                  f'user_agent="Mozilla/5.0 (X11; Linux x86_64) bench/{i % 97}",referer="https://www.example.test/p{i % 13}",'
                  f"status_code={status}i,bytes={int(rng.lognormvariate(8, 1.2))}i,duration={rng.lognormvariate(-3.5, 1):.6f},"
                  f'network.protocol.version="1.1",http.request.header.x-request-id="{rng.getrandbits(64):016x}",'
                  f'log.file.path="/var/log/nginx/access.log",nginx.upstream_time="{rng.random():.3f}"')
        out.append(f"{tags} {fields} ")
    return out


def metric_lines(t_ns, per_second, rng):
    """The agent's request aggregates for one export interval, plus a few host metrics, at t_ns."""
    lines = []
    series = [(h, v, m, c) for h in HOSTS for v in VHOSTS for m in ("GET", "POST", "HEAD") for c in ("2xx", "3xx", "4xx", "5xx")]
    share = {"2xx": 0.8, "3xx": 0.09, "4xx": 0.08, "5xx": 0.03}
    mshare = {"GET": 0.8, "POST": 0.1, "HEAD": 0.1}
    for h, v, m, c in series:
        n = max(1, int(per_second * METRIC_INTERVAL * share[c] * mshare[m] / (len(HOSTS) * len(VHOSTS))))
        tags = f"host={h},service=telemetry-agent,http.request.method={m},http.response.status_class={c},server.address={v}"
        lines.append(f"http.server.request.count,{tags} value={n} {t_ns}")
        lines.append(f"http.server.response.body.size,{tags} value={n * 5000} {t_ns}")
        lines.append(f"http.server.request.duration,{tags} count={n}i,sum={n * 0.05:.3f},min=0.001,max={rng.uniform(0.5, 3):.3f},p50=0.03,p90=0.1,p99=0.8 {t_ns}")
    for h in HOSTS:
        for mode in ("user", "system", "idle"):
            lines.append(f"system.cpu.utilization,host={h},service=telemetry-agent,cpu.mode={mode} value={rng.random():.3f} {t_ns}")
        lines.append(f"telemetry.agent.lines.read,host={h},service=telemetry-agent value={per_second * METRIC_INTERVAL // len(HOSTS)} {t_ns}")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=int, default=6000)
    ap.add_argument("--duration", type=int, default=300)
    ap.add_argument("--iql", default=os.path.join(ROOT, "packaging/influxdb/telemetry.iql"))
    ap.add_argument("--raw-request-rollups", action="store_true")
    ap.add_argument("--no-rollups", action="store_true")
    ap.add_argument("--dir")
    ap.add_argument("--connections", type=int, default=4)
    args = ap.parse_args()
    if args.duration < 120:
        sys.exit("bench-rollups.py: --duration must be at least 120 s (continuous queries run once a minute)")

    work = args.dir or tempfile.mkdtemp(prefix="bench-rollups-")
    os.makedirs(work, exist_ok=True)
    port, rpc = free_port(), free_port()
    conf = os.path.join(work, "influxdb.conf")
    with open(conf, "w") as f:
        f.write(f"""reporting-disabled = true
bind-address = "127.0.0.1:{rpc}"
[meta]
  dir = "{work}/meta"
[data]
  dir = "{work}/data"
  wal-dir = "{work}/wal"
[http]
  bind-address = "127.0.0.1:{port}"
[continuous_queries]
  log-enabled = true
[monitor]
  store-enabled = false
""")
    env = dict(os.environ)
    with open(os.path.join(ROOT, "packaging/influxdb/influxd.env")) as f:
        for line in f:
            if re.match(r"^INFLUXDB_\w+=", line):
                k, v = line.strip().split("=", 1)
                env[k] = v
    log_path = os.path.join(work, "influxd.log")
    log = open(log_path, "w")
    influxd = subprocess.Popen(["/usr/bin/influxd", "-config", conf], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        return run(args, work, port, influxd, log_path)
    finally:
        influxd.terminate()
        influxd.wait(30)
        log.close()
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


def run(args, work, port, influxd, log_path):
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/ping")
            if c.getresponse().status == 204:
                break
        except OSError:
            pass
        time.sleep(0.1)
    else:
        sys.exit("bench-rollups.py: influxd did not answer")

    iql = args.iql
    if args.no_rollups:
        iql = os.path.join(work, "no-rollups.iql")
        with open(args.iql) as src, open(iql, "w") as dst:
            dst.writelines(l for l in src if not l.startswith("CREATE CONTINUOUS QUERY"))
    apply = [os.path.join(ROOT, "packaging/influxdb/apply.sh"), "--url", f"http://127.0.0.1:{port}", "--iql", iql]
    if args.raw_request_rollups:
        apply.append("--raw-request-rollups")
    subprocess.run(apply, check=True)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/query?" + urllib.parse.urlencode({"q": "SHOW CONTINUOUS QUERIES"}))
    cqs = re.findall(r'"(cq_[a-z0-9_]+)"', c.getresponse().read().decode())
    label = "none" if args.no_rollups else f"{len(cqs)} CQs" + (", raw request rollups" if any(n in ("cq_http_requests_1m", "cq_http_routes_1m") for n in cqs) else "")

    rng = random.Random(6)
    templates = raw_templates(rng, 20000)
    batch_every = 0.2
    per_batch = int(args.rate * batch_every)
    todo = queue.Queue()
    done = []  # (due, sent, acked, points, status)
    lock = threading.Lock()

    def writer():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            item = todo.get()
            if item is None:
                return
            due, body, points = item
            sent = time.monotonic()
            try:
                conn.request("POST", "/write?db=telemetry&precision=ns", body=body)
                status = conn.getresponse()
                status.read()
                code = status.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                code = 0
            with lock:
                done.append((due, sent, time.monotonic(), points, code))

    threads = [threading.Thread(target=writer, daemon=True) for _ in range(args.connections)]
    for t in threads:
        t.start()

    print(f"== bench-rollups: {args.rate} raw points/s + agent request metrics every {METRIC_INTERVAL} s for {args.duration} s; "
          f"provisioning {os.path.relpath(iql, ROOT) if iql.startswith(ROOT) else iql} ({label}); influxd pid {influxd.pid}, {work}")
    print(f"   load average before: {loadavg()} ({os.cpu_count()} cores)", flush=True)
    start = time.monotonic()
    wall0 = time.time()
    cpu0 = cpu_seconds(influxd.pid)
    minute_cpu = [(0, cpu0)]
    k = 0
    next_metrics = 0.0
    i = 0
    while True:
        due = start + k * batch_every
        now = time.monotonic()
        if due - start >= args.duration:
            break
        if due > now:
            time.sleep(due - now)
        t0 = int((wall0 + (due - start)) * 1e9)
        step = int(batch_every * 1e9 / per_batch)
        lines = [templates[(i + j) % len(templates)] + str(t0 + j * step) for j in range(per_batch)]
        i += per_batch
        if due - start >= next_metrics:
            lines += metric_lines(t0, args.rate, rng)
            next_metrics += METRIC_INTERVAL
        todo.put((due, "\n".join(lines).encode(), len(lines)))
        k += 1
        m = int((due - start) // 60)
        if m > minute_cpu[-1][0]:
            minute_cpu.append((m, cpu_seconds(influxd.pid)))
            report_minute(done, lock, minute_cpu, m - 1, start)
    for _ in threads:
        todo.put(None)
    for t in threads:
        t.join(300)
    cpu1 = cpu_seconds(influxd.pid)
    elapsed = time.monotonic() - start
    time.sleep(1)

    lat = [a - d for d, _, a, _, code in done]
    failed = sum(1 for *_, code in done if code != 204)
    points = sum(p for *_, p, _ in done)
    cq = cq_runs(log_path)
    print(f"== result ({label}), load average after: {loadavg()}")
    print(f"   {len(done)} writes, {points:,} points, {failed} failed; write latency (due -> 204) "
          f"p50 {pct(lat, 50) * 1000:.0f} ms, p99 {pct(lat, 99) * 1000:.0f} ms, max {max(lat, default=0) * 1000:.0f} ms; "
          f"writes over 1 s: {sum(1 for x in lat if x > 1)}")
    print(f"   influxd CPU {cpu1 - cpu0:.1f} s in {elapsed:.0f} s ({(cpu1 - cpu0) / elapsed * 100:.0f} % of a core), "
          f"{(cpu1 - cpu0) / max(points, 1) * 1e6:.0f} CPU-us per point")
    if cq:
        ranked = sorted(cq.items(), key=lambda kv: -sum(kv[1]))
        for name, runs in ranked[:5]:
            print(f"   {name}: {len(runs)} runs, {sum(runs):.2f} s in all, median {pct(runs, 50):.3f} s, longest {max(runs):.3f} s")
        if len(ranked) > 5:
            rest = [v for _, runs in ranked[5:] for v in runs]
            print(f"   {len(ranked) - 5} other continuous queries: {len(rest)} runs, {sum(rest):.2f} s in all, longest {max(rest):.3f} s")
        every = [v for runs in cq.values() for v in runs]
        print(f"   all continuous queries: {len(every)} runs, {sum(every):.2f} s wall in influxd")
    else:
        print("   continuous queries: none ran")
    return 0 if failed == 0 else 1


def report_minute(done, lock, minute_cpu, m, start):
    with lock:
        lat = [a - d for d, _, a, _, _ in done if m * 60 <= d - start < (m + 1) * 60]
    cpu = minute_cpu[-1][1] - minute_cpu[-2][1]
    print(f"   minute {m + 1}: {len(lat)} writes, latency p50 {pct(lat, 50) * 1000:.0f} ms p99 {pct(lat, 99) * 1000:.0f} ms "
          f"max {max(lat, default=0) * 1000:.0f} ms; influxd {cpu:.1f} CPU-s; load {loadavg()}", flush=True)


def cq_runs(log_path):
    runs = {}
    units = {"ms": 1e-3, "s": 1.0, "µs": 1e-6, "us": 1e-6, "ns": 1e-9}
    with open(log_path, errors="replace") as f:
        for line in f:
            if 'msg="Finished continuous query"' in line:
                m = re.search(r" name=(\S+).* duration=([0-9.]+)(ms|s|µs|us|ns)", line)
                if m:
                    runs.setdefault(m.group(1), []).append(float(m.group(2)) * units[m.group(3)])
    return runs


if __name__ == "__main__":
    sys.exit(main())
