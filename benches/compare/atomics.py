#!/usr/bin/env python3
"""How much of a proxy's own CPU time goes to atomic instructions: Switchyard and HAProxy.

An atomic read-modify-write (a `lock`-prefixed instruction or `xchg` on x86: reference counts,
counters, task states, mutexes) waits for the core's pending stores to drain, so a few dozen of
them per request cost more than thousands of plain instructions, and an instruction count does
not show it. This samples each proxy with `perf record` (`cpu-clock`, which needs no hardware
counter) during the keep-alive scenario, and counts the samples of the proxy's own binary that
land on the instruction right after an atomic one (where a sample taken during it is charged):
their share and time per request, and the functions they are in.

Usage: benches/compare/atomics.py [--switchyard PATH] [--duration S] [--top N]
Needs: perf, objdump, readelf, haproxy, nginx, wrk, taskset, and `cargo build --release -p
switchyard`. Runs on x86-64 only. Installs nothing: it says what is missing. Every load is
bounded in time and on 127.0.0.1.
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import contestants  # noqa: E402
import measure  # noqa: E402

SAMPLE_HZ = 4000
CONNECTIONS = 50
INSTRUCTION = re.compile(r"^\s*([0-9a-f]+):\t(.*)$")


def after_atomics(binary):
    """The addresses (as linked) of the instructions that follow an atomic one in `binary`."""
    listing = subprocess.run(["objdump", "-d", "--no-show-raw-insn", binary],
                             capture_output=True, text=True, check=True).stdout
    following, previous_atomic = set(), False
    for line in listing.splitlines():
        match = INSTRUCTION.match(line)
        if not match:
            continue
        if previous_atomic:
            following.add(int(match.group(1), 16))
        text = match.group(2)
        previous_atomic = text.startswith("lock ") or text.startswith("xchg")
    return following


def segments(binary):
    """(file offset, address, size) of each loadable segment of `binary`."""
    table = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True,
                           check=True).stdout
    found = []
    for line in table.splitlines():
        fields = line.split()
        if fields[:1] == ["LOAD"]:
            found.append((int(fields[1], 16), int(fields[2], 16), int(fields[4], 16)))
    return found


def mappings(pid, binary):
    """(start, end, file offset) of the memory maps of `binary` in process `pid`."""
    path = os.path.realpath(binary)
    found = []
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6 and fields[5] == path:
                start, end = (int(x, 16) for x in fields[0].split("-"))
                found.append((start, end, int(fields[2], 16)))
    return found


def linked_address(ip, maps, segs):
    """The address `binary` was linked with for the run-time address `ip`, if it is in it."""
    for start, end, offset in maps:
        if start <= ip < end:
            file_offset = ip - start + offset
            for seg_offset, seg_address, size in segs:
                if seg_offset <= file_offset < seg_offset + size:
                    return file_offset - seg_offset + seg_address
    return None


def sample(name, binary, backend_ports, workdir, duration):
    """(requests, [(ip, symbol)] of the samples in the proxy's binary, maps) for one proxy."""
    port = compare.free_port()
    run_dir = tempfile.mkdtemp(prefix=f"{name}-", dir=workdir)
    data = os.path.join(run_dir, "perf.data")
    config = contestants.haproxy_syntax(port, backend_ports, "roundrobin")
    with open(os.path.join(run_dir, "output.log"), "w") as log:
        proc = compare.start(name, binary, run_dir, config, port, log)
        try:
            compare.wrk(port, CONNECTIONS, [], 1)
            maps = mappings(proc.pid, binary)
            perf = subprocess.Popen(["perf", "record", "-F", str(SAMPLE_HZ), "-p", str(proc.pid),
                                     "-o", data, "--", "sleep", str(duration)],
                                    stdout=log, stderr=log)
            output = compare.wrk(port, CONNECTIONS, [], duration)
            perf.wait(timeout=duration + 30)
        finally:
            compare.stop(proc)
    script = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym,dso"],
                            capture_output=True, text=True, timeout=300).stdout
    path = os.path.realpath(binary)
    samples = []
    for line in script.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[-1] == f"({path})":
            samples.append((int(fields[0], 16), " ".join(fields[1:-1])))
    return measure.parse_wrk(output)["requests"], samples, maps


def report(name, binary, requests, samples, maps, top):
    following = after_atomics(binary)
    segs = segments(binary)
    atomic = collections.Counter()
    for ip, symbol in samples:
        if linked_address(ip, maps, segs) in following:
            atomic[re.sub(r"\+0x[0-9a-f]+$", "", symbol)] += 1
    per_request = 1e9 / SAMPLE_HZ / max(requests, 1)
    hits = sum(atomic.values())
    print(f"{name}: {requests} requests; its binary {len(samples) * per_request:.0f} ns per "
          f"request, of which atomics {hits * per_request:.0f} ns "
          f"({hits / max(len(samples), 1) * 100:.1f} %)")
    for symbol, count in atomic.most_common(top):
        print(f"  {count * per_request:6.1f} ns  {symbol[:110]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switchyard",
                        default=os.path.join(compare.REPO, "target/release/switchyard"))
    parser.add_argument("--duration", type=int, default=4, help="seconds of sampled load")
    parser.add_argument("--top", type=int, default=12, help="functions listed per proxy")
    args = parser.parse_args()
    binaries = {"switchyard": args.switchyard, "haproxy": shutil.which("haproxy") or "haproxy"}
    notes = compare.missing_tools(binaries)
    notes += [f"missing: {tool}" for tool in ("perf", "objdump", "readelf")
              if shutil.which(tool) is None]
    if os.uname().machine != "x86_64":
        notes.append("x86-64 only: atomic instructions are found by their `lock` prefix")
    if notes:
        print("\n".join(notes), file=sys.stderr)
        return 2
    workdir = tempfile.mkdtemp(prefix="switchyard-atomics-")
    backend, backend_log, backend_ports, status_port = compare.start_backend(workdir)
    try:
        if not compare.wait_for_port(status_port, backend):
            print(f"the backend nginx did not start; see {workdir}/backend.log", file=sys.stderr)
            return 1
        for name, binary in binaries.items():
            requests, samples, maps = sample(name, binary, backend_ports, workdir, args.duration)
            report(name, binary, requests, samples, maps, args.top)
    finally:
        compare.stop(backend)
        backend_log.close()
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
