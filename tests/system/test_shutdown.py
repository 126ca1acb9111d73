# SPDX-License-Identifier: BSD-3-Clause
"""Stopping the primary never crashes a secondary: with SIGTERM to every
process at once (as a node shutdown does), to the primary alone, through
DELETE /v1/primary, or when the primary is killed, every secondary stops
its workers and exits with status 0 within seconds, leaving no vhost
socket; nothing is left behind."""

import glob
import os
import signal
import time

import pytest

from sppenv import Spp, wait_for

VHOST = 93  # /tmp/sock93: a vhost port nfv holds while traffic flows


def busy_node(name):
    """A primary with nfv 1 (nullpmd -> ring:0, ring:1 -> nullpmd, and a
    vhost port), spp_pcap capturing ring:0 and passing it on to ring:1,
    and spp_mirror 3 with a component: every worker busy."""
    spp = Spp(name, nb_rings=4)
    try:
        spp.start_nfv(1)
        spp.start_pcap(4, ["-c", "ring:0", "--pass-to", "ring:1",
                           "--out-dir", "/tmp"])
        spp.start_mirror(3)
        spp.mirror(3, "component start mr 6 mirror",
                   "port add ring:2 rx mr", "port add ring:3 tx mr")
        spp.nfv(1, "add nullpmd:0", "add ring:0", "add ring:1",
                "add nullpmd:1", "add vhost:%d" % VHOST,
                "patch nullpmd:0 ring:0", "patch ring:1 nullpmd:1",
                "forward")
        spp.capture(4, "start")
        wait_for(lambda: spp.pri_status()["ring_ports"][1]["tx"] > 1000,
                 what="frames through nfv and pcap")
    except BaseException:
        spp.close()
        raise
    return spp


def secondaries(spp):
    return [p for p in spp.procs if p is not spp.ctl and
            p is not spp.primary]


def wait_exit(procs, timeout=5.0):
    deadline = time.monotonic() + timeout
    for p in procs:
        try:
            p.p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except Exception:
            pass
    late = [p.name for p in procs if p.p.poll() is None]
    assert not late, "still running after %.0f s: %s" % (timeout, late)


def check_clean_exit(procs):
    for p in procs:
        rc = p.p.returncode
        assert rc == 0, "%s exited with %s:\n%s" % (
            p.name, "signal %d" % -rc if rc < 0 else rc, p.output()[-3000:])
        for bad in ("Segmentation", "SIGFPE", "Aborted", "core dumped"):
            assert bad not in p.output(), p.name


def check_nothing_left(spp):
    assert not os.path.exists("/tmp/sock%d" % VHOST)
    assert not glob.glob("/dev/hugepages/%smap_*" % spp.prefix)
    for f in glob.glob("/tmp/spp_pcap.*.ring0.*"):
        os.unlink(f)


@pytest.mark.parametrize("round_", range(10))
def test_sigterm_to_all_at_once(round_):
    spp = busy_node("shut_all%d" % round_)
    try:
        procs = secondaries(spp) + [spp.primary]
        for p in procs:
            p.p.send_signal(signal.SIGTERM)
        wait_exit(procs)
        check_clean_exit(procs)
        check_nothing_left(spp)
    finally:
        spp.close()


@pytest.mark.parametrize("how", ["sigterm", "rest", "kill"])
def test_primary_goes_first(how):
    """The primary alone is stopped (or killed): the secondaries see it,
    stop their workers and exit cleanly; a stopped primary waits for them
    before it frees what they use, and exits with 0."""
    spp = busy_node("shut_" + how)
    try:
        if how == "sigterm":
            spp.primary.p.send_signal(signal.SIGTERM)
        elif how == "rest":
            spp.ok(spp.delete("/primary"), 204)
        else:
            spp.primary.p.kill()
        wait_exit(secondaries(spp) + [spp.primary])
        check_clean_exit(secondaries(spp))
        if how != "kill":
            check_clean_exit([spp.primary])
            assert "waiting for" in spp.primary.output() or \
                "no secondary" in spp.primary.output()
        for p in secondaries(spp):
            assert "primary" in p.output()
        assert not os.path.exists("/tmp/sock%d" % VHOST)
        wait_for(lambda: spp.processes() == [], what="all gone from spp-ctl")
    finally:
        spp.close()
        for f in glob.glob("/tmp/spp_pcap.*.ring0.*"):
            os.unlink(f)


def test_new_primary_beside_live_processes():
    """A second primary of the same node is refused before the EAL touches
    anything, naming the pids: with the old primary alive, and after it was
    killed while a third-party secondary (testpmd) still maps the node's
    memory. The running processes are not disturbed."""
    import subprocess
    from sppenv import BIN, DpdkPeer
    spp = Spp("shut_twice", nb_rings=4, pri_args=["--pool-name", "mb_pool_0"])
    peer = None
    try:
        spp.start_nfv(1)
        spp.nfv(1, "add nullpmd:0", "add ring:0", "patch nullpmd:0 ring:0",
                "add nullpmd:1", "patch ring:0 nullpmd:1", "forward")
        argv = ([os.path.join(BIN, "spp_primary")] + spp.eal("0@0") +
                ["--", "-p", "0x0", "-n", "4", "-s", "127.0.0.1:1"])

        def second_primary():
            r = subprocess.run(argv, capture_output=True, text=True,
                               timeout=30, stdin=subprocess.DEVNULL)
            assert r.returncode == 1, r.stdout + r.stderr
            assert "cannot start" in r.stderr, r.stderr
            return r.stderr
        err = second_primary()
        assert str(spp.primary.p.pid) in err
        assert str(spp.procs[-1].p.pid) in err
        # nothing disturbed: nfv still forwards, the primary answers
        before = spp.pri_status()["ring_ports"][0]["tx"]
        wait_for(lambda: spp.pri_status()["ring_ports"][0]["tx"] > before,
                 what="frames still flowing")
        peer = DpdkPeer("shut_twice2", lcores="20@0,21@1",
                        secondary_of=spp)
        wait_for(lambda: "Press enter" in peer.proc.output() or
                 "Port" in peer.proc.output() or not peer.proc.alive(),
                 timeout=30, what="testpmd secondary up")
        assert peer.proc.alive(), peer.proc.output()
        spp.primary.p.kill()
        nfv = spp.procs[-1]
        wait_exit([nfv])
        check_clean_exit([nfv])
        assert peer.proc.alive()
        err = second_primary()
        assert str(peer.proc.p.pid) in err
        assert peer.proc.alive()
    finally:
        if peer is not None:
            peer.close()
        spp.close()


@pytest.mark.parametrize("kind", ["pcap", "nfv"])
def test_kill_and_restart_reclaims_mbufs(kind):
    """kill -9 of a secondary under traffic, three times, each time
    restarted with the same id: once drained, the frames still in use are
    at most those in flight in one burst per worker of each kill (the
    killed process's rings and lcore caches are given back)."""
    spp = Spp("shut_kill_" + kind, nb_rings=4)
    pcap_args = ["-c", "ring:0", "--pass-to", "ring:1", "--out-dir", "/tmp"]
    try:
        base = spp.pri_status()["mbuf_pool"]["in_use"]
        if kind == "pcap":
            spp.start_nfv(1)
            spp.nfv(1, "add nullpmd:0", "add ring:0", "add ring:1",
                    "add nullpmd:1", "patch nullpmd:0 ring:0",
                    "patch ring:1 nullpmd:1", "forward")
            victim = spp.start_pcap(4, pcap_args)
            spp.capture(4, "start")
            # receiver and writers: one burst each in flight
            bound = 3 * 32
        else:
            spp.start_pcap(4, pcap_args)
            spp.capture(4, "start")
            victim = spp.start_nfv(1)
            bound = 64
        for _ in range(3):
            if kind == "nfv":
                spp.nfv(1, "add nullpmd:0", "add ring:0", "add ring:1",
                        "add nullpmd:1", "patch nullpmd:0 ring:0",
                        "patch ring:1 nullpmd:1", "forward")
            before = spp.pri_status()["ring_ports"][1]["tx"]
            wait_for(lambda: spp.pri_status()["ring_ports"][1]["tx"] >
                     before + 5000, what="frames through pcap")
            victim.p.kill()
            victim.p.wait()
            wait_for(lambda: not spp.has_process(kind), what="gone")
            if kind == "pcap":
                victim = spp.start_pcap(4, pcap_args)
                spp.capture(4, "start")
            else:
                victim = spp.start_nfv(1)
        # drain: no more frames in; what is in the rings goes out
        if kind == "pcap":
            spp.nfv(1, "stop", "patch reset", "patch ring:1 nullpmd:1",
                    "forward")
        else:
            spp.nfv(1, "add ring:1", "add nullpmd:1",
                    "patch ring:1 nullpmd:1", "forward")
        wait_for(lambda: spp.pri_status()["ring_ports"][0]["rx"] ==
                 spp.pri_status()["ring_ports"][0]["tx"], what="ring:0 read")
        lost = spp.drained_in_use() - base
        print("mbufs still in use after 3 kills of %s: %d" % (kind, lost))
        assert 0 <= lost <= 3 * bound, lost
        spp.capture(4, "stop")
    finally:
        spp.close()
        for f in glob.glob("/tmp/spp_pcap.*.ring0.*"):
            os.unlink(f)
