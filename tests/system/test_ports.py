# SPDX-License-Identifier: BSD-3-Clause
"""Every port type with a real peer on the other side: vhost-user to a
virtio_user "VM", memif to a testpmd client, tap, pipes used by a testpmd
secondary, multi-queue phy ports. Frames go in on one side and must come
out on the other with the same bytes, and the counters must agree."""

import os
import time

import pytest

from sppenv import PcapPorts, Spp, frames, same_frames, vm, wait_for


def link(spp, cid, port):
    return spp.port_stats(spp.nfv_status(cid), port)["link"]


def loop_through(spp, cid, port, pcaps, sent, src=81, dst=82):
    """pcap:src -> port -> peer (sends it back) -> port -> pcap:dst, on nfv
    cid; return the frames written to pcap:dst."""
    pcaps.feed(src, sent)
    spp.nfv(cid, "add pcap:%d" % src, "add pcap:%d" % dst,
            "patch pcap:%d %s" % (src, port), "patch %s pcap:%d" % (port, dst),
            "forward")
    wait_for(lambda: spp.port_stats(spp.nfv_status(cid),
                                    "pcap:%d" % dst)["tx"] >= len(sent),
             timeout=20, what="frames back through %s: %s" % (port, spp.nfv_status(cid)))
    time.sleep(0.2)
    st = spp.nfv_status(cid)
    # the pcap PMD writes its file out when the port is closed
    spp.nfv(cid, "stop", "del pcap:%d" % dst, "del pcap:%d" % src)
    return st, pcaps.read(dst)


# -- vhost ---------------------------------------------------------------

@pytest.fixture
def pcaps():
    p = PcapPorts(81, 82)
    yield p
    p.cleanup()


def test_vhost_server_vm_loop(spp, pcaps):
    spp.start_nfv(1, lcores="1@0,2@1")
    spp.nfv(1, "add vhost:11")
    assert os.path.exists("/tmp/sock11")
    assert link(spp, 1, "vhost:11") == "down"
    guest = vm("vm11", "/tmp/sock11")
    try:
        guest.wait_ready()
        wait_for(lambda: link(spp, 1, "vhost:11") == "up",
                 what="vhost:11 link up")
        sent = frames(300, seed=11)
        st, got = loop_through(spp, 1, "vhost:11", pcaps, sent)
        same_frames(sent, got)
        vh = spp.port_stats(st, "vhost:11")
        assert (vh["tx"], vh["rx"], vh["tx_drop"]) == (300, 300, 0), vh
    finally:
        guest.close()
    spp.nfv(1, "del vhost:11")
    # SPP made the socket, SPP removes it
    assert not os.path.exists("/tmp/sock11")
