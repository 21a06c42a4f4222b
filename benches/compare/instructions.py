#!/usr/bin/env python3
"""Instructions per proxied request, counted by callgrind: Switchyard and HAProxy side by side.

Unlike CPU time, an instruction count repeats from run to run whatever else the machine does,
so it shows changes of a few percent that the load test's noise hides. It counts user space
only (the kernel's share of a request is not in it) and says nothing of cache misses or of
how long an instruction takes: read it beside `compare.py`, not instead of it.

Each proxy runs the keep-alive scenario's config under `valgrind --tool=callgrind` with counting
off; after a warm-up, counting is switched on for a bounded `wrk -c10` run, the counts are
dumped, and the total is divided by the requests wrk made. Start-up and warm-up are not counted.

Usage: benches/compare/instructions.py [--switchyard PATH] [--duration S]
Needs: valgrind, haproxy, nginx, wrk, taskset, and `cargo build --release -p switchyard`.
Installs nothing: it says what is missing. Every load is bounded in time and on 127.0.0.1.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import contestants  # noqa: E402
import measure  # noqa: E402

# Few connections: under valgrind a proxy serves a few thousand requests per second.
CONNECTIONS = 10


def instructions(name, binary, backend_ports, workdir, duration):
    """(requests, instructions) of `name` over a `duration`-second keep-alive run."""
    port = compare.free_port()
    run_dir = tempfile.mkdtemp(prefix=f"{name}-", dir=workdir)
    out = os.path.join(run_dir, "callgrind.out")
    wrapper = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
               f"--callgrind-out-file={out}.%p"]
    config = contestants.haproxy_syntax(port, backend_ports, "roundrobin")
    with open(os.path.join(run_dir, "output.log"), "w") as log:
        proc = compare.start(name, binary, run_dir, config, port, log, wrapper, timeout=60.0)
        try:
            compare.wrk(port, CONNECTIONS, [], 2)
            control = ["callgrind_control", str(proc.pid)]
            subprocess.run(control[:1] + ["--instr=on"] + control[1:], check=True,
                           capture_output=True, timeout=30)
            output = compare.wrk(port, CONNECTIONS, [], duration)
            subprocess.run(control[:1] + ["--instr=off"] + control[1:], check=True,
                           capture_output=True, timeout=30)
            subprocess.run(control[:1] + ["--dump"] + control[1:], check=True,
                           capture_output=True, timeout=30)
        finally:
            compare.stop(proc)
    total = 0
    for path in glob.glob(f"{out}.*"):
        with open(path) as f:
            for line in f:
                if line.startswith("totals:"):
                    total += int(line.split()[1])
    return measure.parse_wrk(output)["requests"], total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switchyard",
                        default=os.path.join(compare.REPO, "target/release/switchyard"))
    parser.add_argument("--duration", type=int, default=5, help="seconds of counted load")
    args = parser.parse_args()
    binaries = {"switchyard": args.switchyard, "haproxy": "haproxy"}
    notes = compare.missing_tools(binaries)
    notes += [f"missing: {tool}" for tool in ("valgrind", "callgrind_control")
              if shutil.which(tool) is None]
    if notes:
        print("\n".join(notes), file=sys.stderr)
        return 2
    workdir = tempfile.mkdtemp(prefix="switchyard-instructions-")
    backend, backend_log, backend_ports, status_port = compare.start_backend(workdir)
    counted = {}
    try:
        if not compare.wait_for_port(status_port, backend):
            print(f"the backend nginx did not start; see {workdir}/backend.log", file=sys.stderr)
            return 1
        for name, binary in binaries.items():
            counted[name] = instructions(name, binary, backend_ports, workdir, args.duration)
    finally:
        compare.stop(backend)
        backend_log.close()
    per_request = {name: total / max(requests, 1) for name, (requests, total) in counted.items()}
    for name, (requests, total) in counted.items():
        print(f"{name:10} {requests:7d} requests {total:13d} instructions "
              f"{per_request[name]:8.0f} per request "
              f"({per_request[name] / per_request['haproxy']:.2f} x HAProxy)")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
