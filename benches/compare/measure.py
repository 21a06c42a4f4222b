"""What one run yields: wrk's numbers, the proxy's CPU time and peak RSS, and the summary table."""

import os
import re
import statistics

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User and system CPU seconds of process `pid` and all its threads, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        # The command name (field 2) may hold spaces: count fields after its closing ')'.
        fields = f.read().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return utime / CLOCK_TICKS, stime / CLOCK_TICKS


def peak_rss_mib(pid):
    """The process's peak resident set (VmHWM), in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * _UNITS_MS[match.group(2)] if match else float("nan")


def parse_wrk(output):
    """Requests, req/s, p50/p99 (ms) and errors (socket errors + non-2xx/3xx) from `wrk --latency`."""
    result = {"requests": 0, "rps": 0.0, "p50_ms": float("nan"), "p99_ms": float("nan"), "errors": 0}
    if m := re.search(r"(\d+) requests in", output):
        result["requests"] = int(m.group(1))
    if m := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result["rps"] = float(m.group(1))
    if m := re.search(r"^\s+50%\s+(\S+)", output, re.M):
        result["p50_ms"] = _ms(m.group(1))
    if m := re.search(r"^\s+99%\s+(\S+)", output, re.M):
        result["p99_ms"] = _ms(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        result["errors"] += sum(int(g) for g in m.groups())
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        result["errors"] += int(m.group(1))
    return result


def _spread(values, fmt):
    """Median, with min-max when there is more than one value."""
    values = [v for v in values if v == v]  # drop NaN
    if not values:
        return "-"
    median = fmt.format(statistics.median(values))
    if len(values) == 1:
        return median
    return f"{median} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def _user_system(runs):
    """Median microseconds of user and of system CPU time per request."""
    def median_us(key):
        values = [r[key] / r["requests"] * 1e6 for r in runs if r["requests"] > 0]
        return statistics.median(values) if values else float("nan")
    return f"{median_us('cpu_user_s'):.1f} + {median_us('cpu_system_s'):.1f}"


def table(runs, contestants):
    """A Markdown table: one row per scenario and contestant, medians over rounds (min-max)."""
    header = (
        "| scenario | proxy | req/s | p50 ms | p99 ms | errors | peak RSS MiB | proxy CPU s "
        "| req per CPU-s | CPU µs per req: user + system | vs HAProxy req/s "
        "| vs HAProxy req per CPU-s | upstream conns |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = []
    scenarios = list(dict.fromkeys(r["scenario"] for r in runs))
    for scenario in scenarios:
        for name in contestants:
            mine = [r for r in runs if r["scenario"] == scenario and r["proxy"] == name]
            if not mine:
                continue
            ratios_rps, ratios_cpu = [], []
            for run in mine:
                base = [r for r in runs if r["scenario"] == scenario
                        and r["proxy"] == "haproxy" and r["round"] == run["round"]]
                if base and base[0]["rps"] > 0 and base[0]["per_cpu"] > 0:
                    ratios_rps.append(run["rps"] / base[0]["rps"])
                    ratios_cpu.append(run["per_cpu"] / base[0]["per_cpu"])
            rows.append("| " + " | ".join([
                scenario, name,
                _spread([r["rps"] for r in mine], "{:.0f}"),
                _spread([r["p50_ms"] for r in mine], "{:.2f}"),
                _spread([r["p99_ms"] for r in mine], "{:.2f}"),
                str(sum(r["errors"] for r in mine)),
                _spread([r["rss_mib"] for r in mine], "{:.1f}"),
                _spread([r["cpu_s"] for r in mine], "{:.2f}"),
                _spread([r["per_cpu"] for r in mine], "{:.0f}"),
                _user_system(mine),
                _spread(ratios_rps, "{:.2f}"),
                _spread(ratios_cpu, "{:.2f}"),
                _spread([r["upstream_conns"] for r in mine], "{:.0f}"),
            ]) + " |")
    return header + "\n".join(rows) + "\n"
