# SPDX-License-Identifier: BSD-3-Clause
"""Soak: traffic through nfv, pcap, vf and mirror while, at random, ports
and patches change, components start and stop, captures start and stop,
secondaries are killed with SIGKILL and started again with the same id,
and spp-ctl is killed and started again. Bounded in time
(SPP_SOAK_SECONDS, 90 by default). At the end every process is alive and
registered, nothing crashed, and once drained the mbuf pool is back to its
count but for at most one burst per worker of each kill."""

import os
import random
import shutil
import tempfile
import time

from sppenv import Spp, wait_for

SECONDS = float(os.environ.get("SPP_SOAK_SECONDS", "90"))
# frames one kill may leave behind: a burst in flight per worker
BURST_LOSS = {"nfv": 64, "pcap": 3 * 32, "vf": 64, "mirror": 2 * 64}


def nfv_wiring(spp):
    spp.nfv(1, "add nullpmd:0", "add ring:0", "add ring:1", "add nullpmd:1",
            "add ring:2", "add ring:4", "patch nullpmd:0 ring:0",
            "patch ring:1 ring:2", "forward")


def vf_wiring(spp):
    spp.vf(2, "component start fw 4 forward", "port add ring:2 rx fw",
           "port add ring:3 tx fw add_vlantag 100 1")


def mirror_wiring(spp):
    spp.mirror(3, "component start mr 6 mirror deep",
               "port add ring:3 rx mr", "port add ring:4 tx mr",
               "port add ring:5 tx mr")


def start(spp, kind, out_dir):
    if kind == "nfv":
        p = spp.start_nfv(1)
        nfv_wiring(spp)
    elif kind == "pcap":
        p = spp.start_pcap(4, ["-c", "ring:0", "--pass-to", "ring:1",
                               "--out-dir", out_dir])
        spp.capture(4, "start")
    elif kind == "vf":
        p = spp.start_vf(2)
        vf_wiring(spp)
    else:
        p = spp.start_mirror(3)
        mirror_wiring(spp)
    return p


def ids(kind):
    return {"nfv": 1, "vf": 2, "mirror": 3, "pcap": 4}[kind]


def capture(spp, action):
    """start or stop; one already in that state is refused, not a 500"""
    r = spp.put("/pcaps/4/capture", {"action": action})
    assert r.status_code in (204, 400, 409), r.text


def restart_ctl(spp):
    spp.ctl.p.kill()
    spp.ctl.p.wait()
    spp.procs.remove(spp.ctl)
    spp.ctl = spp.start_ctl()


def test_soak():
    seed = int(os.environ.get("SPP_SOAK_SEED", str(int(time.time()))))
    rng = random.Random(seed)
    print("soak seed %d" % seed)
    out_dir = tempfile.mkdtemp(prefix="spp-soak-")
    spp = Spp("soak", nb_rings=8)
    procs = {}
    kills = {k: 0 for k in BURST_LOSS}
    try:
        base = spp.pri_status()["mbuf_pool"]["in_use"]
        for kind in ("pcap", "vf", "mirror", "nfv"):
            procs[kind] = start(spp, kind, out_dir)
        # nfv also drains what mirror copies out: ring:4 -> ring:5 is
        # mirror's, nfv empties ring:5 and ring:6 is unused
        spp.nfv(1, "add ring:5", "add nullpmd:2", "patch ring:5 nullpmd:2",
                "patch ring:4 nullpmd:1")
        deadline = time.monotonic() + SECONDS
        steps = 0
        while time.monotonic() < deadline:
            steps += 1
            action = rng.choice(["kill", "kill", "ctl", "capture", "vf",
                                 "mirror", "nfv"])
            if action == "kill":
                kind = rng.choice(sorted(procs))
                procs[kind].p.kill()
                procs[kind].p.wait()
                spp.procs.remove(procs[kind])
                wait_for(lambda: not spp.has_process(kind, ids(kind)),
                         timeout=20, what="%s gone" % kind)
                procs[kind] = start(spp, kind, out_dir)
                if kind == "nfv":
                    spp.nfv(1, "add ring:5", "add nullpmd:2",
                            "patch ring:5 nullpmd:2",
                            "patch ring:4 nullpmd:1")
                kills[kind] += 1
            elif action == "ctl":
                restart_ctl(spp)
                wait_for(lambda: len(spp.processes()) == 5, timeout=30,
                         what="every process back on spp-ctl")
            elif action == "capture":
                capture(spp, rng.choice(["stop", "start"]))
            elif action == "vf":
                spp.vf(2, "component stop fw")
                vf_wiring(spp)
            elif action == "mirror":
                spp.mirror(3, "component stop mr")
                mirror_wiring(spp)
            else:
                spp.nfv(1, "patch reset", "patch nullpmd:0 ring:0",
                        "patch ring:1 ring:2", "patch ring:5 nullpmd:2",
                        "patch ring:4 nullpmd:1")
            time.sleep(rng.uniform(0.1, 0.6))
        print("soak: %d steps, kills %s" % (steps, kills))
        # everyone alive and registered, nobody crashed
        for kind, p in procs.items():
            assert p.alive(), "%s died:\n%s" % (kind, p.output()[-3000:])
            for bad in ("Segmentation", "SIGFPE", "Aborted"):
                assert bad not in p.output(), kind
        assert spp.primary.alive()
        assert len(spp.processes()) == 5
        # drain: no more frames in; everything in flight goes out
        capture(spp, "start")
        spp.nfv(1, "patch reset", "patch ring:1 ring:2",
                "patch ring:5 nullpmd:2", "patch ring:4 nullpmd:1")

        lost = spp.drained_in_use() - base
        bound = sum(BURST_LOSS[k] * n for k, n in kills.items())
        print("soak: %d mbufs still in use after %d kills (bound %d)" %
              (lost, sum(kills.values()), bound))
        assert 0 <= lost <= bound, (lost, bound, kills)
    finally:
        spp.close()
        shutil.rmtree(out_dir, ignore_errors=True)
