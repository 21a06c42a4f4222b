#!/usr/bin/env python3
"""Switchyard vs HAProxy vs nginx on loopback, one worker thread each, interleaved rounds.

Each proxy runs pinned to CPU 0 (`taskset -c 0`), with one worker (`nbthread 1`,
`worker_processes 1`). wrk and the backend (one nginx process serving a fixed body on four
ports) run on CPU 1. In every round each scenario runs every contestant in turn (A B C A B C),
each on a freshly started proxy: a short warm-up, then a measured wrk run. Reported per
contestant: medians over rounds with min-max, and ratios to HAProxy's run in the same round.

Usage: benches/compare/compare.py [--quick] [--rounds N] [--duration S] [--only SCENARIO,...]
                                  [--nbthread N]
Needs: haproxy, nginx, wrk, taskset, and `cargo build --release -p switchyard`.
Installs nothing: it says what is missing. Every load is bounded in time and on 127.0.0.1.
"""

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contestants  # noqa: E402
import measure  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROXY_CPU, LOAD_CPU = "0", "1"
BACKEND_SERVERS = 4
# The path every request asks for: hash-based algorithms find a path and a `userid` parameter.
PATH = "/item/42?userid=1234"

# (name, wrk connections, extra wrk arguments, balance, hash-type, contestants)
ALL = ("switchyard", "haproxy", "nginx")
PAIR = ("switchyard", "haproxy")
SCENARIOS = [
    ("keepalive-c50", 50, [], "roundrobin", None, ALL),
    ("close-c50", 50, ["-H", "Connection: close"], "roundrobin", None, ALL),
    ("keepalive-c1000", 1000, [], "roundrobin", None, ALL),
    ("static-rr", 50, [], "static-rr", None, PAIR),
    ("leastconn", 50, [], "leastconn", None, PAIR),
    ("first", 50, [], "first", None, PAIR),
    ("random", 50, [], "random", None, PAIR),
    ("source", 50, [], "source", None, PAIR),
    ("uri", 50, [], "uri", None, PAIR),
    ("uri-consistent", 50, [], "uri", "consistent", PAIR),
    ("url_param", 50, [], "url_param userid", None, PAIR),
    ("hdr", 50, [], "hdr(host)", None, PAIR),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def stop(proc):
    """Stops a process this script started."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def backend_accepts(status_port):
    """Connections the backend has accepted so far (nginx stub_status)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{status_port}/", timeout=5) as reply:
        return int(reply.read().decode().splitlines()[2].split()[0])


def start_backend(workdir):
    """Starts the backend nginx on CPU 1 (`BACKEND_SERVERS` ports and a status port): its
    process, log file, server ports and status port."""
    backend_ports = [free_port() for _ in range(BACKEND_SERVERS)]
    status_port = free_port()
    with open(os.path.join(workdir, "nginx.conf"), "w") as f:
        f.write(contestants.nginx_backend_conf(workdir, backend_ports, status_port))
    backend_log = open(os.path.join(workdir, "backend.log"), "w")
    backend = subprocess.Popen(
        ["taskset", "-c", LOAD_CPU, "nginx", "-p", workdir, "-c",
         os.path.join(workdir, "nginx.conf"), "-e", os.path.join(workdir, "error.log")],
        stdout=backend_log, stderr=backend_log, stdin=subprocess.DEVNULL)
    return backend, backend_log, backend_ports, status_port


def start(name, binary, workdir, config, port, log, wrapper=(), timeout=10.0):
    """Starts contestant `name` on CPU 0 (under `wrapper`, a command prefix, if any) and waits
    until it listens on `port`."""
    argv = list(wrapper) + contestants.command(name, binary, workdir, config)
    proc = subprocess.Popen(["taskset", "-c", PROXY_CPU] + argv, stdout=log, stderr=log,
                            stdin=subprocess.DEVNULL, cwd=workdir)
    if not wait_for_port(port, proc, timeout):
        stop(proc)
        raise RuntimeError(f"{name} did not start listening; see {log.name}")
    return proc


def wrk(port, connections, extra, seconds):
    argv = ["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
            "--timeout", "5s", "--latency"] + extra + [f"http://127.0.0.1:{port}{PATH}"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 30)
    return done.stdout


def run_one(scenario, name, binary, args, status_port, backend_ports, workdir, rnd):
    label, connections, extra, balance, hash_type, _ = scenario
    port = free_port()
    run_dir = tempfile.mkdtemp(prefix=f"{name}-", dir=workdir)
    if name == "nginx":
        config = contestants.nginx_proxy_conf(run_dir, port, backend_ports)
    else:
        config = contestants.haproxy_syntax(port, backend_ports, balance, hash_type,
                                            args.nbthread)
    with open(os.path.join(run_dir, "output.log"), "w") as log:
        proc = start(name, binary, run_dir, config, port, log)
        try:
            wrk(port, connections, extra, args.warmup)
            accepts, before = backend_accepts(status_port), measure.cpu_seconds(proc.pid)
            output = wrk(port, connections, extra, args.duration)
            user, system = (after - start for after, start
                            in zip(measure.cpu_seconds(proc.pid), before))
            accepts = backend_accepts(status_port) - accepts
            rss = measure.peak_rss_mib(proc.pid)
        finally:
            stop(proc)
    result = measure.parse_wrk(output)
    cpu = user + system
    result.update(scenario=label, proxy=name, round=rnd, cpu_s=cpu, cpu_user_s=user,
                  cpu_system_s=system, rss_mib=rss, upstream_conns=accepts,
                  per_cpu=result["requests"] / cpu if cpu > 0 else 0.0)
    if result["requests"] == 0:
        result["wrk_output"] = output
    return result


def missing_tools(binaries):
    missing = [tool for tool in ("haproxy", "nginx", "wrk", "taskset") if not shutil.which(tool)]
    notes = []
    if missing:
        notes.append(f"missing: {' '.join(missing)} (Debian: apt-get install -y haproxy nginx wrk)")
    if not os.access(binaries["switchyard"], os.X_OK):
        notes.append(f"missing: {binaries['switchyard']} (cargo build --release -p switchyard)")
    if os.cpu_count() is None or os.cpu_count() < 2:
        notes.append("needs 2 CPUs: the proxy on CPU 0, load and backends on CPU 1")
    return notes


def versions(binaries):
    def first_line(argv):
        done = subprocess.run(argv, capture_output=True, text=True)
        return (done.stdout + done.stderr).strip().splitlines()[0]
    return {
        "switchyard": first_line([binaries["switchyard"], "--version"]),
        "haproxy": first_line(["haproxy", "-v"]),
        "nginx": first_line(["nginx", "-v"]),
        "wrk": first_line(["wrk", "-v"]),
        "kernel": os.uname().release,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round of 2 s runs")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured run")
    parser.add_argument("--only", help="comma-separated scenario names")
    parser.add_argument("--switchyard", default=os.path.join(REPO, "target/release/switchyard"))
    parser.add_argument("--json", help="also write every run's numbers to this file")
    parser.add_argument("--nbthread", type=int, default=1,
                        help="worker threads of Switchyard and HAProxy (`nbthread`; still on "
                             "CPU 0); nginx keeps its one worker process")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration = 1, 2
    args.warmup = 1
    binaries = {"switchyard": args.switchyard, "haproxy": "haproxy", "nginx": "nginx"}
    notes = missing_tools(binaries)
    if notes:
        print("\n".join(notes), file=sys.stderr)
        return 2
    scenarios = SCENARIOS
    if args.only:
        wanted = args.only.split(",")
        scenarios = [s for s in SCENARIOS if s[0] in wanted]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))

    workdir = tempfile.mkdtemp(prefix="switchyard-compare-")
    backend, backend_log, backend_ports, status_port = start_backend(workdir)
    runs = []
    try:
        if not wait_for_port(status_port, backend):
            print(f"the backend nginx did not start; see {workdir}/backend.log", file=sys.stderr)
            return 1
        for rnd in range(1, args.rounds + 1):
            for scenario in scenarios:
                for name in scenario[5]:
                    result = run_one(scenario, name, binaries[name], args, status_port,
                                     backend_ports, workdir, rnd)
                    runs.append(result)
                    print(f"round {rnd} {scenario[0]:16} {name:10} {result['rps']:9.0f} req/s "
                          f"{result['per_cpu']:9.0f} req/CPU-s p99 {result['p99_ms']:.2f} ms "
                          f"errors {result['errors']}", file=sys.stderr, flush=True)
    finally:
        stop(backend)
        backend_log.close()
    info = versions(binaries)
    print(f"\n{args.rounds} round(s) of {args.duration} s per run (after a {args.warmup} s warm-up); "
          f"proxy on CPU {PROXY_CPU} (nbthread {args.nbthread}), wrk -t1 and the backend on "
          f"CPU {LOAD_CPU}.")
    print("; ".join(f"{k}: {v}" for k, v in info.items()) + "\n")
    print(measure.table(runs, ALL))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"versions": info, "args": vars(args), "runs": runs}, f, indent=1)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
