#!/usr/bin/env python3
"""report.py OUTDIR — the table of `make bench` (bench/bench.sh).

Reads OUTDIR/cells.tsv (round, server, scenario, status, raw file),
OUTDIR/mem.tsv (round, server, phase, PSS kB, processes), the raw wrk and
idle_latency outputs and OUTDIR/machine.txt; writes OUTDIR/results.md and
OUTDIR/ratios.dat (gnuplot's input for ratios.svg). Python 3 standard
library only.

Over several rounds a cell shows the median requests/s and the median p99,
and the sum of the errors of every round: errors are never averaged away.
"""
import os
import re
import statistics
import sys

SERVERS = ["pfhttpd", "nginx", "apache", "lighttpd"]
TITLES = {"pfhttpd": "pfhttpd", "nginx": "nginx", "apache": "Apache prefork",
          "lighttpd": "lighttpd", "fcgiwrap": "fcgiwrap (nginx's CGI)"}
SCENARIOS = [
    ("a", "(a) 1 KB static, keep-alive, 50 connections", "(a) 1K keep-alive"),
    ("b", "(b) 1 KB static, new connection per request, 50 clients", "(b) 1K new conn"),
    ("c", "(c) 10 MB static, 10 connections", "(c) 10M file"),
    ("d", "(d) compiled CGI, GET, 20 clients", "(d) C CGI"),
    ("e", "(e) sh CGI echoing a 63-byte form, POST, 20 clients", "(e) sh CGI POST"),
    ("f", "(f) php-cgi contact_form.php, POST, 10 clients", "(f) php-cgi"),
    ("g", "(g) fresh request while 200 keep-alive connections idle", "(g) idle p99"),
]
CGI = {"d", "e", "f"}
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def parse_wrk(path):
    """requests/s, p99 ms, errors (socket errors + HTTP >= 400), requests."""
    with open(path, errors="replace") as f:
        text = f.read()
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    if not rps or not p99:
        return None
    errors = 0
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if sock:
        errors += sum(int(x) for x in sock.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non2xx:
        errors += int(non2xx.group(1))
    reqs = re.search(r"(\d+) requests in", text)
    if not reqs or int(reqs.group(1)) == 0:
        return {"failed": "no request completed within the run"}
    return {"rps": float(rps.group(1)), "p99": ms(p99.group(1)), "errors": errors,
            "requests": int(reqs.group(1))}


def parse_idle(path):
    with open(path, errors="replace") as f:
        text = f.read()
    m = re.search(r"p50_ms=([\d.]+) p99_ms=([\d.]+) max_ms=([\d.]+) samples=(\d+) "
                  r"errors=(\d+) idle_open=(\d+)/(\d+) setup_s=([\d.]+)", text)
    if not m:
        return None
    return {"p50": float(m.group(1)), "p99": float(m.group(2)), "errors": int(m.group(5)),
            "idle_open": int(m.group(6)), "idle": int(m.group(7)), "setup": float(m.group(8))}


def parse_ceiling(path):
    with open(path) as f:
        m = re.search(r"runs=(\d+) seconds=([\d.]+)", f.read())
    return {"rps": int(m.group(1)) / float(m.group(2)), "errors": 0} if m else None


def load(out):
    """cells[(server, scenario)] = list of per-round dicts (or a failure)."""
    cells = {}
    with open(os.path.join(out, "cells.tsv")) as f:
        for line in f:
            rnd, server, scen, status, raw = line.rstrip("\n").split("\t")
            res = None
            if status == "ok":
                path = os.path.join(out, raw)
                if server == "php-cgi-alone":
                    res = parse_ceiling(path)
                elif scen == "g":
                    res = parse_idle(path)
                else:
                    res = parse_wrk(path)
                if res is None:
                    status = "could not parse " + raw
            if res is None:
                res = {"failed": status}
            cells.setdefault((server, scen), []).append(res)
    return cells


def summary(rounds):
    """The median of the good rounds, the errors of all, and what failed."""
    good = [r for r in rounds if "failed" not in r]
    failed = [r["failed"] for r in rounds if "failed" in r]
    if not good:
        return {"failed": failed[0] if failed else "not measured"}
    s = {"errors": sum(r["errors"] for r in good), "n": len(good), "failed_rounds": failed}
    for key in ("rps", "p99", "p50", "idle_open", "idle", "setup"):
        vals = [r[key] for r in good if r.get(key) is not None]
        if vals:
            s[key] = statistics.median(vals)
    return s


def fmt_cell(s, scen, server):
    if "failed" in s:
        return "**" + s["failed"] + "**"
    if scen == "g":
        text = "p50 %.2f · p99 %.2f ms · %d err · idle kept %d/%d" % (
            s["p50"], s["p99"], s["errors"], s["idle_open"], s["idle"])
    else:
        text = "%s r/s · p99 %s · %d err" % (
            f"{s['rps']:,.0f}", "%.1f ms" % s["p99"] if "p99" in s else "—", s["errors"])
    if s["errors"]:
        text = text.replace("%d err" % s["errors"], "**%d err**" % s["errors"])
    if s["failed_rounds"]:
        text += " (%d round(s) failed: %s)" % (len(s["failed_rounds"]), s["failed_rounds"][0])
    if scen in CGI and server == "nginx":
        text += " †"
    return text


def ratio(sums, scen):
    """pfhttpd / the best peer (for (g): the best peer's p99 / pfhttpd's)."""
    pf = sums["pfhttpd"]
    peers = [(n, sums[n]) for n in SERVERS[1:] if "failed" not in sums[n]]
    if "failed" in pf or not peers:
        return None, None
    if scen == "g":
        best = min(peers, key=lambda p: p[1]["p99"])
        return best[1]["p99"] / pf["p99"] if pf["p99"] > 0 else None, best[0]
    best = max(peers, key=lambda p: p[1]["rps"])
    return pf["rps"] / best[1]["rps"] if best[1]["rps"] > 0 else None, best[0]


def fmt_ratio(r):
    """Two decimals, or two significant digits below 0.1 (never a bare 0.00)."""
    return "%.2f" % r if r >= 0.1 else "%.2g" % r


def memory_table(out):
    path = os.path.join(out, "mem.tsv")
    rows = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                _, server, phase, kb, procs = line.rstrip("\n").split("\t")
                rows.setdefault((server, phase), []).append((int(kb), int(procs)))
    lines = ["| server | idle PSS (processes) | PSS after (a) (processes) |",
             "|---|---|---|"]
    for server in SERVERS[:2] + ["fcgiwrap"] + SERVERS[2:]:
        cells = []
        for phase in ("idle", "after_a"):
            vals = rows.get((server, phase))
            if not vals:
                cells.append("—")
                continue
            kb = statistics.median(v[0] for v in vals)
            procs = statistics.median(v[1] for v in vals)
            cells.append("%.1f MB (%g)" % (kb / 1024, procs))
        if any(c != "—" for c in cells):
            lines.append("| %s | %s | %s |" % (TITLES[server], cells[0], cells[1]))
    return lines


def main():
    out = sys.argv[1]
    cells = load(out)
    with open(os.path.join(out, "machine.txt")) as f:
        machine = [l.rstrip("\n") for l in f if l.strip()]
    md = ["# pfhttpd benchmark (`make bench`, issue 8)", ""]
    md += ["- " + l for l in machine]
    md += ["", "| scenario | " + " | ".join(TITLES[s] for s in SERVERS) + " | pfhttpd / best peer |",
           "|---" * (len(SERVERS) + 2) + "|"]
    dat = []
    for scen, title, short in SCENARIOS:
        sums = {n: summary(cells.get((n, scen), [])) for n in SERVERS}
        r, best = ratio(sums, scen)
        rtext = "**%s×** (%s)" % (fmt_ratio(r), TITLES[best]) if r is not None else "—"
        md.append("| %s | %s | %s |" % (title, " | ".join(fmt_cell(sums[n], scen, n) for n in SERVERS), rtext))
        dat.append('"%s" %s' % (short, "%.4f" % r if r is not None else "NaN"))
        if scen == "f":
            ceil = summary(cells.get(("php-cgi-alone", "f"), []))
            pf = sums["pfhttpd"]
            if "failed" in ceil:
                ctext, cr = "**" + ceil["failed"] + "**", "—"
            else:
                ctext = f"{ceil['rps']:,.0f} runs/s"
                cr = ("**%s×** (pfhttpd / php-cgi alone)" % fmt_ratio(pf["rps"] / ceil["rps"])
                      if "failed" not in pf and ceil["rps"] > 0 else "—")
            md.append("| (f) ceiling: php-cgi alone on the same request, 10 loops | %s |%s %s |"
                      % (ctext, " |" * (len(SERVERS) - 1), cr))
    md += ["",
           "Requests/s and p99 are the medians over the rounds; errors are wrk's socket errors "
           "(connect, read, write, timeout) plus responses with status ≥ 400, summed over every round. "
           "A bold cell failed the byte-for-byte answer check (status 200 and the expected body) or "
           "the measurement, and was not measured. "
           "† nginx has no CGI: through fcgiwrap (FastCGI to CGI). "
           "(g): one fresh connection and request at a time while 200 other keep-alive "
           "connections stay open and idle; its ratio is the best peer's p99 / pfhttpd's p99, "
           "so above 1 means pfhttpd is faster there too.",
           "", "## Memory (PSS, every process of the server, /proc/PID/smaps_rollup)", ""]
    md += memory_table(out)
    md += ["", "Idle: 1 s after start, having answered one 1 KB request. "
           "After (a): just after scenario (a) ended. Medians over the rounds.", ""]
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(md))
    with open(os.path.join(out, "ratios.dat"), "w") as f:
        f.write("\n".join(dat) + "\n")


if __name__ == "__main__":
    main()
