# SPDX-License-Identifier: BSD-3-Clause
"""The report: the machine line, the table printed and put into
BENCHMARKS.md."""

import datetime
import platform
import re
from .base import (CFG, OVS_VSWITCHD, sh)
from .contenders import ovs_available
from .judging import disturbed


# -- output -----------------------------------------------------------------
def machine():
    m = {"date": datetime.datetime.now().astimezone().isoformat(
        timespec="seconds"), "kernel": platform.release()}
    lscpu = sh(["lscpu"], check=False).stdout
    for key, pat in (("cpu", r"Model name:\s+(.*)"),
                     ("cpus", r"^CPU\(s\):\s+(\d+)"),
                     ("hypervisor", r"Hypervisor vendor:\s+(.*)")):
        mm = re.search(pat, lscpu, re.M)
        m[key] = mm.group(1).strip() if mm else None
    m["dpdk"] = sh(["pkg-config", "--modversion", "libdpdk"],
                   check=False).stdout.strip()
    if ovs_available():
        v = sh([OVS_VSWITCHD, "--version"], check=False).stdout
        mm = re.search(r"\) (\S+)", v)
        m["ovs"] = mm.group(1) if mm else None
    m["tsc_hz"] = CFG.tsc_hz
    return m


def fmt(x, spec="%.2f"):
    return "-" if x is None else spec % x


def cell_mpps(c):
    return "%s %s" % (c["who"], "ERROR" if "error" in c else
                      fmt(c["mpps"]))


def cell_cycles(c):
    """TSC cycles per frame, and the busy ones where the contender counts
    them (SPP's workers, OVS's processing cycles)."""
    t = fmt(c["cyc_pkt"], "%.1f")
    if c.get("busy_cyc_pkt") is not None:
        t += " (busy %.1f)" % c["busy_cyc_pkt"]
    return t


def table(rows, m):
    head = ("| scenario | Mpps | ours / anchor (target) | cycles/pkt | "
            "core-to-core |\n|---|---|---|---|---|\n")
    lines = []
    for r in rows:
        allc = [r["ours"]] + r["anchors"]
        mpps = " · ".join(cell_mpps(c) for c in allc)
        rat = []
        for a in r["anchors"]:
            x = r["ratios"].get(a["who"])
            t = r["targets"].get(a["who"])
            s = "%s %s" % (fmt(x, "%.2fx"), a["who"])
            if a["who"] in r.get("not_comparable", ()):
                s += " (%s: not comparable)" % r.get(
                    "not_comparable_why", {}).get(a["who"], "modes differ")
            elif t is not None and x is not None:
                s += " (>= %gx %s)" % (t, "met" if x >= t else "MISSED")
            rat.append(s)
        cyc = " · ".join("-" if "error" in c else cell_cycles(c)
                         for c in allc)
        modes, ns = [], []
        for c in allc:
            xc = c.get("xcore")
            modes.append(xc["mode"] if xc else "-")
            if xc:
                ns += [x for x in (xc["ns_before"], xc["ns_after"]) if x]
        if len(set(modes)) == 1:
            modes = modes[:1]
        xcs = " · ".join(modes)
        if ns:
            xcs += " (%.0f-%.0f ns)" % (min(ns), max(ns))
        if not r["cross_core"]:
            xcs = "single core; probe: " + xcs
        dist = ["%s %s" % (c["who"], disturbed(c)) for c in allc
                if "error" not in c and disturbed(c)]
        if dist:
            xcs += "; " + ", ".join(dist)
        lines.append("| %s | %s | %s | %s | %s |" % (
            r["scenario"], mpps, " · ".join(rat) or "-", cyc, xcs))
    notes = ["- %s: %s" % (r["scenario"], r["notes"]) for r in rows
             if r.get("notes")]
    busy = [r["scenario"] for r in rows
            if any(c.get("foreign_load") for c in [r["ours"]] + r["anchors"])]
    if busy:
        notes.append("- other DPDK processes or a test run shared the CPUs "
                     "during: " + ", ".join(busy))
    return head + "\n".join(lines) + "\n" + \
        ("\n" + "\n".join(notes) + "\n" if notes else "")


def machine_line(m):
    return ("%s, %s CPUs%s, kernel %s, DPDK %s%s, TSC %.3f GHz, %s" % (
        m["cpu"], m["cpus"], " (%s guest)" % m["hypervisor"]
        if m.get("hypervisor") else "", m["kernel"], m["dpdk"],
        ", OVS %s" % m["ovs"] if m.get("ovs") else "", m["tsc_hz"] / 1e9,
        m["date"]))


def update_md(path, text):
    begin, end = "<!-- bench-table:begin -->", "<!-- bench-table:end -->"
    with open(path) as f:
        md = f.read()
    if begin not in md or end not in md:
        raise RuntimeError("%s has no %s ... %s block" % (path, begin, end))
    pre, rest = md.split(begin, 1)
    post = rest.split(end, 1)[1]
    with open(path, "w") as f:
        f.write(pre + begin + "\n" + text + end + post)
