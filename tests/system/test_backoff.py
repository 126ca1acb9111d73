# SPDX-License-Identifier: BSD-3-Clause
"""Idle workers back off so several DPDK processes share a small machine;
--busy-poll turns that off. Measured as CPU time used over a wall-clock
interval, from /proc."""

import glob
import json
import os
import shutil
import subprocess
import time

import sppenv
from sppenv import Proc, wait_for


def cpu_share(proc, seconds=2.0):
    return sppenv.cpu_share(proc.p.pid, seconds)


def idle_forwarding(spp, cid):
    # forwarding on, but nothing arrives on the source
    spp.nfv(cid, "add ring:6", "add ring:7", "patch ring:6 ring:7",
            "forward")


def test_idle_worker_sleeps(spp):
    nfv = spp.start_nfv(1)
    idle_forwarding(spp, 1)
    share = cpu_share(nfv)
    # the benchmark measures 1.4% (BENCHMARKS.md, latency); 17% with the
    # old 100 us sleeps
    assert share < 0.06, "idle nfv used %.1f%% of a core" % (share * 100)


def worker_of(st, lcore):
    return [w for w in st["workers"] if w["lcore"] == lcore][0]


def test_vhost_kick_wakes_a_napping_worker(spp):
    """An lcore whose every rx port is a vhost port naps in epoll on the
    guests' kicks once idle: frames sent after seconds of silence (a VM on
    virtio_user, the latency generator at one frame every 3 s) all come
    back, and each of them ended a nap (its "woken" count), not the nap's
    100 ms timeout."""
    spp.start_nfv(1)
    spp.nfv(1, "add vhost:11", "patch vhost:11 vhost:11", "forward")
    lcore = spp.nfv_status(1)["patches"][0]["lcore"]
    prefix = "spppeer_kickvm"
    try:
        gen = subprocess.Popen(
            [os.path.join(sppenv.ROOT, "build", "bench", "bench_latency"),
             "--lcores", "9@1", "--no-pci", "-m", "256",
             "--single-file-segments", "--file-prefix", prefix,
             "--log-level", "lib.eal:error", "--vdev",
             "virtio_user0,path=/tmp/sock11,queue_size=256", "--",
             "--tx", "virtio_user0", "--rx", "virtio_user0",
             "--rate", "0.33", "--seconds", "13", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: spp.port_stats(spp.nfv_status(1),
                                        "vhost:11")["link"] == "up",
                 what="the generator's virtio_user connected")
        before = worker_of(spp.nfv_status(1), lcore)
        out, err = gen.communicate(timeout=60)
        assert gen.returncode == 0, err
        got = json.loads(out.strip().splitlines()[-1])
        after = worker_of(spp.nfv_status(1), lcore)
    finally:
        if gen.poll() is None:
            gen.kill()
            gen.wait()
        for f in glob.glob("/dev/hugepages/%smap_*" % prefix):
            os.unlink(f)
        shutil.rmtree("/var/run/dpdk/" + prefix, ignore_errors=True)
    assert got["sent"] >= 3 and got["received"] == got["sent"], got
    assert after["naps"] - before["naps"] > 10, (before, after)
    # every frame but perhaps the first (sent as the link came up) came
    # to a napping worker and woke it
    assert after["woken"] - before["woken"] >= got["sent"] - 1, \
        (got, before, after)


def test_busy_poll_keeps_polling(spp):
    nfv = spp.start_nfv(1, extra=["--busy-poll"])
    idle_forwarding(spp, 1)
    share = cpu_share(nfv)
    assert share > 0.6, "busy-polling nfv used only %.0f%% of a core" % (
        share * 100)


def test_bad_options_are_refused(spp):
    p = Proc(spp.name + "-badnfv",
             spp.nfv_argv(1, extra=["--frobnicate"]))
    p.p.wait(timeout=30)
    p.stop()
    assert p.p.returncode != 0
    out = p.output()
    assert "unknown option '--frobnicate'" in out and "usage" in out
    assert not spp.has_process("nfv", 1)


def test_each_program_names_itself(spp):
    """A bad option is reported under the program's own name, with its own
    usage (spp_vf once called itself spp_nfv)."""
    for kind, lcores in (("vf", "3@0"), ("mirror", "5@0")):
        p = spp.start_comp(kind, 9, lcores, extra=["--frobnicate"],
                           wait=False)
        p.p.wait(timeout=30)
        p.stop()
        out = p.output()
        assert p.p.returncode != 0
        assert "spp_%s: unknown option '--frobnicate'" % kind in out, out
        assert "usage: spp_%s " % kind in out, out
        assert "spp_nfv" not in out, out


def worker(st, lcore):
    ws = {w["lcore"]: w for w in st["workers"]}
    assert set(ws) == {lcore}, st["workers"]
    return ws[lcore]["busy_cycles"], ws[lcore]["idle_cycles"]


def test_worker_cycles(spp):
    """Each worker lcore's time in status ("workers"): idle while nothing
    arrives, busy while frames move, and the two add up to the time that
    went by (tsc_hz cycles a second)."""
    spp.start_nfv(1)
    spp.start_vf(2)
    idle_forwarding(spp, 1)
    st = spp.nfv_status(1)
    hz = st["tsc_hz"]
    assert hz > 10**8
    b0, i0 = worker(st, 2)
    t0 = time.monotonic()
    time.sleep(1.0)
    b1, i1 = worker(spp.nfv_status(1), 2)
    dt = time.monotonic() - t0
    assert b1 == b0, "no frame moved, yet busy cycles grew"
    assert 0.8 < (i1 - i0) / hz / dt < 1.2, (i1 - i0, dt)
    # frames all the time: a null PMD source
    spp.nfv(1, "add nullpmd:0", "add nullpmd:1",
            "patch nullpmd:0 nullpmd:1")
    time.sleep(0.2)
    b0, i0 = worker(spp.nfv_status(1), 2)
    t0 = time.monotonic()
    time.sleep(1.0)
    b1, i1 = worker(spp.nfv_status(1), 2)
    dt = time.monotonic() - t0
    assert (b1 - b0) / hz / dt > 0.5, "busy %.2f of the time" % (
        (b1 - b0) / hz / dt)
    assert 0.8 < (b1 - b0 + i1 - i0) / hz / dt < 1.2
    spp.nfv(1, "stop")
    # the component workers of spp_vf: lcore 4, idle
    st = spp.vf_status(2)
    b, i = worker(st, 4)
    assert b == 0 and i > 0 and st["tsc_hz"] == hz


def test_log_level_per_module(spp):
    """Each module has a log type of its own (spp.app, spp.port, spp.vhost,
    ...): --log-level spp.app:warning silences the connection notice of
    spp.app and nothing else."""
    def nfv(cid, lcores, level):
        argv = spp.nfv_argv(cid, lcores)
        i = argv.index("--")
        argv[i:i] = ["--log-level", level]
        p = Proc("%s-nfv%d" % (spp.name, cid), argv)
        spp.procs.append(p)
        wait_for(lambda: spp.has_process("nfv", cid) or not p.alive(),
                 timeout=30, what="nfv %d" % cid)
        assert p.alive(), p.output()
        return p

    loud = nfv(1, "1@0,2@1", "spp.port:debug")
    quiet = nfv(2, "11@0,12@1", "spp.app:warning")
    spp.nfv_status(2)  # connected for sure
    wait_for(lambda: "connected to spp-ctl" in loud.output(),
             what="the notice")
    assert "connected to spp-ctl" not in quiet.output()


def test_component_debug_log(spp):
    """--log-level spp.comp:debug: spp_vf says where each component runs
    and which ports it takes."""
    argv = [os.path.join(spp.bin_dir, "spp_vf")] + \
        spp.eal("3@0,4@1", secondary=True, mem=False) + \
        ["--log-level", "spp.comp:debug", "--", "--client-id", "2", "-s",
         "127.0.0.1:%d" % spp.sec_port]
    p = Proc("%s-vf2" % spp.name, argv)
    spp.procs.append(p)
    wait_for(lambda: spp.has_process("vf", 2) or not p.alive(),
             timeout=30, what="vf 2")
    spp.vf(2, "component start fw 4 forward", "port add ring:0 rx fw")
    out = p.output()
    assert "spp.comp: forward fw started on lcore 4" in out, out
    assert "spp.comp: ring:0 is rx port 0 of fw" in out, out
