# SPDX-License-Identifier: BSD-3-Clause
"""Scale of the networking-spp wiring, every part real (etcd, RabbitMQ,
MariaDB, neutron-server with ML2 `spp`, the SPP agent, spp-ctl,
spp_primary, spp_vf --vhost-client): one spp_vf serving as many VMs as it
can, the ports bound one by one through Neutron, and frames from the
external namespace to every VM's MAC reaching that VM and no other.

How many: 64, what one spp_vf takes (a classifier has at most 64 tx
ports, SPP_CLS_MAX_TX, the bits of its masks; the agent's wiring takes two
forward components and two rings per VM beside one classifier and one
merge: 130 of spp_vf's 160 components). The VMs are two dpdk-testpmd
(rxonly), each with a virtio_user port per VM for 32 VMs, the vhost-user
server of its socket, one forwarding lcore each (one testpmd takes at most
32 ports: Debian's DPDK is built with RTE_MAX_ETHPORTS 32).

The time a port takes from Neutron's POST to its MAC in the classifier is
printed for the ports bound while at most 8 were, and for the last ones
(with 57 to 64 bound), and how much of it the POST took (the agent wires the
port while Neutron binds it); only correctness is asserted."""

import os
import statistics
import time

import pytest

from ostknode import Node
from sppenv import VmFleet, wait_for
from test_os_stack import new_port, vhost_of

PHYSNET = 'physnet1'
NUM = 64
FEW = 8


class ScaleNode(Node):
    """A compute node of its own names with NUM vhosts (see Node)."""

    HOST, NAME = 'ostk-cn9', 'ostks'
    NS, PHY, PHY_NS = 'ostks-ext', 'ostks-ph0', 'ostks-ph0n'
    VHOST_BASE, NUM_VHOST = 100, NUM
    VF_SPEC = 'physnet1:%d:0x18' % NUM
    MEM = 512


def sock(vid):
    return '/tmp/sock%d' % vid


@pytest.fixture(scope='module')
def vms():
    """The VMs, a virtio_user port per vhost id, counting what each port
    receives."""
    for v in range(NUM):
        if os.path.exists(sock(ScaleNode.VHOST_BASE + v)):
            os.unlink(sock(ScaleNode.VHOST_BASE + v))
    socks = [sock(ScaleNode.VHOST_BASE + v) for v in range(NUM)]
    fleet = VmFleet('ostks-vms', socks, server=True)
    yield fleet
    fleet.close()
    for v in range(NUM):
        if os.path.exists(sock(ScaleNode.VHOST_BASE + v)):
            os.unlink(sock(ScaleNode.VHOST_BASE + v))


@pytest.fixture(scope='module')
def snode(stack, vms):
    n = ScaleNode(stack)
    yield n
    n.close()


def test_one_vf_many_vms(stack, snode, vms):
    net = stack.post('network', {
        'name': 'ostks-flat', 'provider:network_type': 'flat',
        'provider:physical_network': PHYSNET})['id']
    ports = []
    try:
        stack.post('subnet', {'network_id': net, 'ip_version': 4,
                              'cidr': '10.112.0.0/24', 'enable_dhcp': False,
                              'gateway_ip': None})
        took, posts = [], []
        for i in range(NUM):
            t = time.monotonic()
            p = new_port(stack, net, 'ostks-%d' % i, host=snode.HOST)
            posts.append(time.monotonic() - t)
            ports.append(p)
            mac = p['mac_address']
            wait_for(lambda: mac in [e['value'] for e in snode.table()],
                     timeout=30, interval=0.02,
                     what='the MAC of port %d in the classifier' % i)
            took.append(time.monotonic() - t)
        vids = [vhost_of(p) for p in ports]
        assert sorted(vids) == list(range(snode.VHOST_BASE,
                                          snode.VHOST_BASE + NUM))
        assert sorted(e['value'] for e in snode.table()) == \
            sorted(p['mac_address'] for p in ports)
        print('port POST to its MAC in the classifier: median %.3f s '
              '(of which the POST %.3f s) with at most %d ports, %.3f s '
              '(%.3f s) with %d to %d' % (
                  statistics.median(took[1:FEW]),
                  statistics.median(posts[1:FEW]), FEW,
                  statistics.median(took[-FEW:]),
                  statistics.median(posts[-FEW:]), NUM - FEW + 1, NUM))

        vms.wait_ready(timeout=60)
        for v in vids:
            snode.wait_link(v, timeout=60)
        # port i's MAC gets 1 + i % 5 frames
        from scapy.all import Ether, IP, UDP, wrpcap
        sent = []
        for i, p in enumerate(ports):
            sent += [Ether(src='02:00:00:00:99:01', dst=p['mac_address']) /
                     IP(src='10.112.0.1', dst='10.112.0.2') /
                     UDP(sport=1000 + k, dport=9) / bytes(18)
                     for k in range(1 + i % 5)]
        before = vms.rx()
        pcap = '/tmp/ostks-frames.pcap'
        wrpcap(pcap, sent)
        try:
            snode.ns('/usr/bin/python3 %s send %s %s' % (
                os.path.join(os.path.dirname(os.path.dirname(
                    os.path.abspath(__file__))), 'system', 'nsframes.py'),
                snode.PHY_NS, pcap))
        finally:
            os.unlink(pcap)
        want = {v - snode.VHOST_BASE: 1 + i % 5 for i, v in enumerate(vids)}

        def delta():
            now = vms.rx()
            return {q: now.get(q, 0) - before.get(q, 0) for q in want}
        wait_for(lambda: sum(delta().values()) >= len(sent), timeout=20,
                 what='the frames in the VMs')
        time.sleep(1.5)  # a frame gone astray would show by now
        assert delta() == want
    finally:
        for p in ports:
            stack.req('DELETE', '/ports/%s' % p['id'])
        wait_for(lambda: snode.table() == [], timeout=30,
                 what='the classifier table empty')
        stack.req('DELETE', '/networks/%s' % net)
