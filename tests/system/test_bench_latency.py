# SPDX-License-Identifier: BSD-3-Clause
"""The latency benchmark's generator (build/bench/bench_latency) is right
about what it counts: as a secondary of an SPP node on pipe:0 (its tx
writes ring:1, its rx reads ring:0), every frame it stamps comes back
through spp_nfv's patch ring:1 -> ring:0 and is counted once, and with the
patch gone none does; frames of a warm-up are sent and not counted, and
rate 0 sends nothing. No timing is asserted: the figures are the
benchmark's (tools/bench.sh), not a test's."""

import json
import os
import subprocess

from sppenv import ROOT, Spp

LATENCY = os.path.join(ROOT, "build", "bench", "bench_latency")


def run_generator(spp, seconds=1, rate=2000, burst=1, extra=()):
    r = subprocess.run(
        [LATENCY, "--lcores", "9@0", "--no-pci", "--file-prefix", spp.prefix,
         "--proc-type", "secondary", "--log-level", "lib.eal:error", "--",
         "--tx", "net_ring_spp_pipe0", "--rx", "net_ring_spp_pipe0",
         "--pool", "mb_pool_0", "--seconds", str(seconds), "--rate",
         str(rate), "--burst", str(burst), "--json"] + list(extra),
        capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_generator_counts_what_comes_back():
    spp = Spp("benchlat", nb_rings=2, pri_args=["--pool-name", "mb_pool_0"])
    try:
        spp.ok(spp.put("/primary/ports", {"action": "add", "port": "pipe:0",
                                          "rx": "ring:0", "tx": "ring:1"}),
               204)
        spp.start_nfv(1)
        spp.nfv(1, "add ring:0", "add ring:1", "patch ring:1 ring:0",
                "forward")
        base = spp.drained_in_use()
        got = run_generator(spp)
        # at most 2000 pps for 1 s (a sender that was not scheduled in
        # time skips what it missed rather than rushing)
        assert 0 < got["sent"] <= 2001, got
        assert got["received"] == got["sent"] and got["tx_fail"] == 0, got
        assert got["foreign"] == 0, got
        assert 0 < got["p50_us"] <= got["p99_us"] <= got["p999_us"] <= \
            got["max_us"], got
        assert got["warmup_sent"] == 0 and got["warmup_back"] == 0, got
        # --warmup: the frames of the warm-up come back but are not
        # counted; those of the measured second are, all of them
        got = run_generator(spp, extra=["--warmup", "0.5"])
        assert 0 < got["warmup_sent"] <= 1001, got
        assert got["warmup_back"] == got["warmup_sent"], got
        assert 0 < got["sent"] <= 2001, got
        assert got["received"] == got["sent"] and got["tx_fail"] == 0, got
        # --rate 0: connected, nothing sent, nothing back, for the time
        got = run_generator(spp, rate=0)
        assert got["sent"] == 0 and got["received"] == 0, got
        assert got["warmup_sent"] == 0 and got["foreign"] == 0, got
        # in bursts of 32 as well
        got = run_generator(spp, rate=64000, burst=32)
        assert got["received"] == got["sent"] - got["tx_fail"], got
        assert got["sent"] > 0 and got["foreign"] == 0, got
        # no patch, nothing back: it counts only what really returns
        spp.nfv(1, "patch reset")
        got = run_generator(spp)
        assert got["sent"] > 0 and got["received"] == 0, got
        # patched again, what waited in ring:1 comes back too (older
        # stamps) and the generator frees it: every mbuf it took is back
        spp.nfv(1, "patch ring:1 ring:0")
        got = run_generator(spp, seconds=0.5)
        assert got["received"] > got["sent"], got
        assert spp.drained_in_use() == base
    finally:
        spp.close()
