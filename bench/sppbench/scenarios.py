# SPDX-License-Identifier: BSD-3-Clause
"""The scenarios: each runs its contenders (contenders.py) back to back and
judges them (judging.py) into table rows."""

import statistics
import time
from .base import (CFG, CLEANUP, failed, foreign_load, probes_around, result,
                   run_contender, sample_rate)
from .judging import comparable_rounds, disturbed, row
from .ctlplane import scen_ctlplane
from .latency import scen_latency
from .contenders import (PCAP_DIR, PCAP_FSIZE, Reaper, VF_FRAMES, VF_LOOP_RING,
                         VF_MACS, bench_copy, ovs_available, ovs_missing,
                         phy_rx, s1_ovs, s1_spp, s1_testpmd, s2_spp,
                         s2_testpmd, s3_ovs, s3_spp, s3_testpmd, s4_loop_spp,
                         s4_ovs, s4_spp, spp_done, spp_node, tmpfs, vf_macs,
                         vf_pcap, write_pcap)


def scen_nullpmd():
    # single core, but the host may slow the CPU down during a figure:
    # rounds until no contender's figure was taken on a slowed CPU
    ours, *anchors = comparable_rounds(
        [("spp_nfv", s1_spp), ("testpmd", s1_testpmd)] +
        ([("OVS", s1_ovs)] if ovs_available() else []), cross_core=False)
    if not ovs_available():
        anchors.append(ovs_missing())
    return [row("1 nullpmd", "nullpmd:0 -> nullpmd:1, 64 B, one lcore",
                ours, anchors, targets={"testpmd": 0.95, "OVS": 4.0})]


def scen_pvp():
    ours, *anchors = comparable_rounds(
        [("spp_nfv", s3_spp), ("testpmd", s3_testpmd)] +
        ([("OVS", s3_ovs)] if ovs_available() else []))
    if not ovs_available():
        anchors.append(ovs_missing())
    return [row("3 vhost PVP",
                "nullpmd:0 -> vhost -> VM (virtio_user testpmd io, main "
                "CPU) -> vhost -> nullpmd:1, 64 B, one lcore; cycles = "
                "TSC of the forwarding CPU / delivered frame",
                ours, anchors, targets={"testpmd": 0.95, "OVS": 2.0},
                cross_core=True)]


def scen_ring():
    rows = []
    for loop in (False, True):
        ours, *anchors = comparable_rounds([
            ("spp_nfv", lambda: s2_spp(loop)),
            ("testpmd", lambda: s2_testpmd(loop))])
        rows.append(row(
            "2 ring" + (" loop" if loop else ""),
            "ring:0 -> ring:1, 64 B; on the other CPU the primary's "
            "forwarder " + ("returns ring:1 into ring:0 (fixed population "
                            "of mbufs)" if loop else
                            "is generator (nullpmd:0 -> ring:0) and sink "
                            "(ring:1 -> nullpmd:1)"),
            ours, anchors, targets={"testpmd": 0.9}, cross_core=True))
    return rows


def scen_vf():
    rms = [write_pcap(vf_pcap(n), vf_macs(n)) for n in VF_MACS]
    try:
        try:
            ours = s4_spp()
        except Exception as e:
            ours = {n: failed("spp_vf %d" % n, e) for n in VF_MACS}
        try:
            loop = s4_loop_spp()
        except Exception as e:
            loop = {n: failed("spp_vf loop %d" % n, e) for n in VF_MACS}
        anchors = {}
        for n in VF_MACS:
            if ovs_available():
                anchors[n] = run_contender("OVS %d" % n, lambda: s4_ovs(n))
            else:
                anchors[n] = ovs_missing()
            anchors[n]["who"] = "OVS"
    finally:
        for rm in rms:
            CLEANUP.pop(rm)
    rows = []
    for n in VF_MACS:
        note, targets, r = "", {}, ours[n]
        if n == VF_MACS[-1]:
            targets = {"OVS": 3.0}
            note = cyc_ratio_note(ours, "busy_cyc_pkt", None)
        # the generator drops what ring:0 cannot take: few drops mean the
        # classifier kept up and the generator set the rate
        if "gen_drop_mpps" in r and r["gen_drop_mpps"] < 0.05 * r["mpps"]:
            note += ("; " if note else "") + "ring:0 nearly never full " \
                "(%.2f Mpps dropped by the generator): the generator on " \
                "the other CPU, not the classifier, set the rate (busy " \
                "cycles are what the classifier spent)" % r["gen_drop_mpps"]
        rows.append(row(
            "4 vf %d MAC%s" % (n, "" if n == 1 else "s"),
            "spp_vf classifier ring:0 -> phy:3 (null PMD), %d table "
            "entries; the primary's forwarder on the other CPU replays "
            "a pcap PMD with %d 64 B frames to the %d MACs into ring:0; "
            "OVS: the same pcap port -> a null port on its PMD, one rule "
            "dl_dst=MAC,actions=output:2 per MAC" % (n, VF_FRAMES, n),
            r, [anchors[n]], targets=targets, cross_core=True, notes=note,
            # OVS reads the pcap port itself: no core-to-core mode of its
            # own to match
            compare_modes=False))
    for n in VF_MACS:
        rows.append(row(
            "4 vf loop %d MAC%s" % (n, "" if n == 1 else "s"),
            "spp_vf classifier rx ring:0 -> tx ring:0 on one lcore, %d "
            "table entries, %d frames to the %d MACs going round a ring "
            "of %d" % (n, VF_FRAMES, n, VF_LOOP_RING), loop[n], [],
            notes=cyc_ratio_note(loop, "cyc_pkt", 1.3)
            if n == VF_MACS[-1] else ""))
    return rows


def cyc_ratio_note(res, key, target):
    """The cycles/pkt (`key`) of the largest table over the 1-entry one,
    of the results {n: result}: judged against target (single-core
    figures), or for information (target None: cross-core figures, with
    their modes)."""
    first, last = res[VF_MACS[0]], res[VF_MACS[-1]]
    if "error" in first or "error" in last or not first.get(key) or \
            not last.get(key):
        return ""
    x = last[key] / first[key]
    last["cyc_ratio_to_1mac"] = round(x, 3)
    if disturbed(first) or disturbed(last):
        verdict = "not comparable: %s" % "; ".join(
            "%d MAC%s %s" % (n, "" if n == 1 else "s", disturbed(res[n]))
            for n in (VF_MACS[0], VF_MACS[-1]) if disturbed(res[n]))
    elif target is None:
        verdict = "for information, the target is judged on the loop; " \
            "core-to-core mode %s, then %s" % tuple(
                c["xcore"]["mode"] for c in (first, last))
    else:
        verdict = "target <= %gx %s" % (target,
                                        "met" if x <= target else "MISSED")
    return "spp_vf %s %d MACs / 1 MAC: %.2fx (%s)" % (
        "cycles/pkt" if key == "cyc_pkt" else "busy cycles/pkt",
        VF_MACS[-1], x, verdict)


def scen_mirror():
    rows = []
    costs = bench_copy()
    for size in (64, 1500):
        s = spp_node("bench_s5", nb_rings=2,
                     vdevs=["net_null0,size=%d" % size, "net_null1",
                            "net_null2"], portmask="0x7")
        try:
            def nfv():
                s.start_nfv(1, lcores="1@%d,2@%d" % (CFG.main_cpu,
                                                     CFG.fwd_cpu),
                            extra=["--busy-poll"])
                s.nfv(1, "add phy:0", "add phy:1", "patch phy:0 phy:1",
                      "forward")
                pps, rates = sample_rate(lambda: phy_rx(s))
                s.nfv(1, "stop", "patch reset", "del phy:0", "del phy:1")
                return result("nfv patch", pps, rates)
            anchor = run_contender("nfv patch", nfv)
            s.start_mirror(3, lcores="5@%d,6@%d" % (CFG.main_cpu,
                                                    CFG.fwd_cpu),
                           extra=["--busy-poll"])
            for mode in ("deep", "shallow", "auto"):
                def mirror():
                    s.mirror(3, "component start mr1 6 mirror " + mode,
                             "port add phy:0 rx mr1",
                             "port add phy:1 tx mr1",
                             "port add phy:2 tx mr1")
                    try:
                        pps, rates = sample_rate(lambda: phy_rx(s))
                    finally:
                        s.mirror(3, "component stop mr1")
                    return result("spp_mirror " + mode, pps, rates)
                ours = run_contender("mirror " + mode, mirror)
                c = costs.get(size, {})
                note = ""
                if c and "error" not in ours and "error" not in anchor:
                    note = ("copy %.0f cyc/pkt over the plain patch; "
                            "bench_copy: deep %.0f, clone %.0f" % (
                                ours["cyc_pkt"] - anchor["cyc_pkt"],
                                c["deep"], c["clone"]))
                r = row("5 mirror %s %dB" % (mode, size),
                        "spp_mirror phy:0 -> phy:1 + copy to phy:2 (%s), "
                        "%d B frames of a null PMD" % (mode, size),
                        ours, [dict(anchor)], notes=note)
                r["bench_copy"] = c
                rows.append(r)
        finally:
            spp_done(s)
    return rows


def scen_pcap():
    umount = tmpfs(PCAP_DIR)
    try:
        s = spp_node("bench_s6", nb_rings=2, vdevs=["net_null0"],
                     portmask="0x1")
        try:
            lcores = "7@%d,8@%d,9@%d,10@%d" % (
                CFG.main_cpu, CFG.fwd_cpu, CFG.main_cpu, CFG.fwd_cpu)
            s.start_pcap(4, ["-c", "phy:0", "--out-dir", PCAP_DIR,
                             "--fsize", str(PCAP_FSIZE)], lcores=lcores)
            reaper = Reaper(PCAP_DIR)

            def snap():
                st = s.pcap_status(4)
                comp = reaper.poll()
                t = time.monotonic()
                ws = {c["core"]: c["stats"] for c in st["core"]
                      if c["role"] == "write"}
                rx = [c["stats"] for c in st["core"]
                      if c["role"] == "receive"][0]
                return t, ws, rx, comp

            def capture():
                s.capture(4, "start")
                try:
                    end = time.monotonic() + CFG.warmup
                    while time.monotonic() < end:
                        reaper.poll()
                        time.sleep(0.1)
                    pts = [snap()]
                    for _ in range(CFG.windows):
                        end = time.monotonic() + 1.0
                        while time.monotonic() < end:
                            reaper.poll()
                            time.sleep(0.1)
                        pts.append(snap())
                finally:
                    s.capture(4, "stop")
                    reaper.poll()
                return pts
            # no speed probe: at the stop the writer on CPU FWD still
            # compresses and writes what it holds, and a probe after it
            # would measure that (no anchor to compare with anyway)
            pts, xc, sp = probes_around(capture, speed=False)
            busy = foreign_load()
        finally:
            spp_done(s)
    finally:
        CLEANUP.pop(umount)
    rows = []
    cores = sorted(pts[0][1])
    rx_rates = [(b[2]["rx"] - a[2]["rx"]) / (b[0] - a[0])
                for a, b in zip(pts, pts[1:])]
    drop_rates = [(b[2]["drop"] - a[2]["drop"]) / (b[0] - a[0])
                  for a, b in zip(pts, pts[1:])]
    for i, core in enumerate(cores):
        def rates(key, src=1):
            return [(b[src][core][key] - a[src][core][key]) / (b[0] - a[0])
                    for a, b in zip(pts, pts[1:])]
        fr = rates("frames")
        by = rates("bytes")
        w = i + 1       # writers count from 1 in the file names
        comp = [(b[3].get(w, 0) - a[3].get(w, 0)) / (b[0] - a[0])
                for a, b in zip(pts, pts[1:])]
        cpu = int(lcores.split(",")[2 + i].split("@")[1])
        r = result("spp_pcap writer %d" % core, statistics.median(fr), fr,
                   mb_s=round(statistics.median(by) / 1e6, 1),
                   compressed_mb_s=round(statistics.median(comp) / 1e6, 1),
                   cpu=cpu, xcore=xc, cpu_speed=sp)
        if busy:
            r["foreign_load"] = busy
        rows.append(row(
            "6 pcap writer lcore %d (CPU %d)" % (core, cpu),
            "spp_pcap -c phy:0 (net_null0, 64 B), receiver lcore 8 on CPU "
            "%d, writers 9 on CPU %d and 10 on CPU %d, LZ4 files on a "
            "tmpfs" % (CFG.fwd_cpu, CFG.main_cpu, CFG.fwd_cpu), r, [],
            cross_core=True,
            notes="%.1f MB/s of frames written (pcap, uncompressed), "
            "%.2f MB/s compressed; receiver %.2f Mpps, of which %.2f Mpps "
            "dropped (writer rings full); cycles/pkt = TSC/pps with the "
            "CPU shared (upper bound)" % (
                r["mb_s"], r["compressed_mb_s"],
                statistics.median(rx_rates) / 1e6,
                statistics.median(drop_rates) / 1e6)))
    return rows


SCENARIOS = [
    ("nullpmd", scen_nullpmd),
    ("ring", scen_ring),
    ("pvp", scen_pvp),
    ("vf", scen_vf),
    ("mirror", scen_mirror),
    ("pcap", scen_pcap),
    ("latency", scen_latency),
    ("ctlplane", scen_ctlplane),
]
