# SPDX-License-Identifier: BSD-3-Clause
"""A compute node for the system tests: spp-ctl, spp_primary whose phy:0
is a veth (net_pcap) whose other end is in namespace ostk-ext (the
external switch), spp_vf 1 with --vhost-client, the SPP agent, and
testpmd "VMs" on the vhost-user sockets. close() removes all of it."""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'system'))

from sppenv import DpdkPeer, Spp, sh, wait_for  # noqa: E402

HOST = 'ostk-cn1'
NS = 'ostk-ext'
PHY = 'ostk-ph0'
PHY_NS = 'ostk-ph0n'
VHOST_BASE = 40
NUM_VHOST = 4
VF_LCORES = '3@0,4@1'     # master 3, worker 4: core mask 0x18
VF_SPEC = 'physnet1:%d:0x18' % NUM_VHOST


def ns(cmd, check=True, netns=NS):
    return sh('ip netns exec %s %s' % (netns, cmd), check=check)


class Node(object):
    """The names, vhost ids and cores are class attributes: a subclass
    (tests/openstack/test_os_taas_stack.py) is a second node with names of
    its own, and with spp_mirror for TaaS when MIRROR_NUM is set."""

    HOST, NS, PHY, PHY_NS = HOST, NS, PHY, PHY_NS
    NAME = 'ostk'
    VHOST_BASE, NUM_VHOST = VHOST_BASE, NUM_VHOST
    VF_LCORES, VF_SPEC = VF_LCORES, VF_SPEC
    MIRROR_NUM = 0
    MIRROR_LCORES = '5@0,6@1'   # master 5, worker 6: core mask 0x60
    MIRROR_ID = 2
    MEM = 256                   # MB of hugepages of spp_primary (-m)

    def __init__(self, stack):
        self.stack = stack
        self.vms = {}
        self.agent = None
        self.spp = None
        self.mirror = None
        self._netns_down()
        try:
            sh('ip netns add ' + self.NS)
            sh('ip link add %s type veth peer name %s' % (self.PHY,
                                                          self.PHY_NS))
            sh('ip link set %s netns %s' % (self.PHY_NS, self.NS))
            sh('sysctl -qw net.ipv6.conf.%s.disable_ipv6=1' % self.PHY,
               check=False)
            self.ns('sysctl -qw net.ipv6.conf.all.disable_ipv6=1',
                    check=False)
            sh('ip link set %s up' % self.PHY)
            self.ns('ip link set lo up')
            self.ns('ip link set %s up' % self.PHY_NS)
            self.spp = Spp(self.NAME, nb_rings=2 * (self.NUM_VHOST +
                                                    self.MIRROR_NUM),
                           vdevs=['net_pcap0,iface=%s' % self.PHY],
                           portmask='0x1', mem=self.MEM)
            self.vf = self.start_vf()
            extra = ''
            if self.MIRROR_NUM:
                self.mirror = self.start_mirror()
                extra = 'mirror = %d:0x60\nmirror_client_id = %d\n' % (
                    self.MIRROR_NUM, self.MIRROR_ID)
            self.agent_conf = stack.agent_conf(
                self.HOST, self.spp.ctl_port, self.VF_SPEC, self.VHOST_BASE,
                extra)
            self.start_agent()
        except BaseException:
            self.close()
            raise

    def ns(self, cmd, check=True):
        return ns(cmd, check, self.NS)

    # -- processes ------------------------------------------------------
    def start_vf(self):
        return self.spp.start_vf(1, lcores=self.VF_LCORES,
                                 extra=['--vhost-client'])

    def start_mirror(self):
        return self.spp.start_mirror(self.MIRROR_ID,
                                     lcores=self.MIRROR_LCORES)

    def stop_mirror(self):
        self.mirror.stop()
        self.spp.procs.remove(self.mirror)
        wait_for(lambda: not self.spp.has_process('mirror', self.MIRROR_ID),
                 timeout=20, what='spp-ctl to forget mirror')

    def stop_vf(self):
        self.vf.stop()
        self.spp.procs.remove(self.vf)
        wait_for(lambda: not self.spp.has_process('vf', 1), timeout=20,
                 what='spp-ctl to forget vf 1')

    def start_agent(self):
        self.agent = self.stack.start_agent(self.HOST, self.agent_conf)

    def stop_agent(self):
        self.stack.stop_child(self.agent)
        self.agent = None

    def vm(self, vhost_id, mac, fwd='icmpecho'):
        """testpmd on virtio_user as the vhost-user server of
        /tmp/sockN, answering ARP and ping for any address."""
        self.close_vm(vhost_id)
        sock = '/tmp/sock%d' % vhost_id
        v = DpdkPeer('%s-vm%d' % (self.NAME, vhost_id),
                     ['virtio_user0,path=%s,queue_size=256,server=1,mac=%s'
                      % (sock, mac)], lcores='0@1,1@0', fwd=fwd,
                     extra=['--stats-period', '1',
                            '--total-num-mbufs', '2048'])
        self.vms[vhost_id] = v
        return v

    def close_vm(self, vhost_id):
        v = self.vms.pop(vhost_id, None)
        if v:
            v.close()
        if os.path.exists('/tmp/sock%d' % vhost_id):
            os.unlink('/tmp/sock%d' % vhost_id)

    def vm_rx(self, vhost_id):
        """(packets, bytes) the VM's port received, from testpmd's last
        periodic statistics."""
        out = self.vms[vhost_id].proc.output()
        m = re.findall(r'RX-packets: +(\d+) +RX-missed: +\d+ +RX-bytes: +'
                       r'(\d+)', out)
        return tuple(int(x) for x in m[-1]) if m else (0, 0)

    # -- spp_vf ---------------------------------------------------------
    def vf_status(self):
        return self.spp.vf_status(1)

    def vhost_tx(self, vhost_id):
        """Frames spp_vf sent to the VM on vhost:N."""
        return self.spp.port_stats(self.vf_status(),
                                   'vhost:%d' % vhost_id)['tx']

    def wait_link(self, vhost_id, timeout=30):
        wait_for(lambda: self.spp.port_stats(
            self.vf_status(), 'vhost:%d' % vhost_id)['link'] == 'up',
            timeout=timeout, what='vhost:%d up' % vhost_id)

    def table(self):
        return self.vf_status()['classifier_table']

    # -- the external side ----------------------------------------------
    def neigh(self, ip, mac, dev=None):
        self.ns('ip neigh replace %s lladdr %s dev %s nud permanent' %
                (ip, mac, dev or self.PHY_NS))

    def ping(self, ip, count=3, dev=None):
        r = self.ns('ping -c %d -i 0.2 -W 2 %s%s' %
                    (count, '-I %s ' % dev if dev else '', ip), check=False)
        return r.returncode == 0

    def close(self):
        if self.agent:
            self.stop_agent()
        for v in list(self.vms):
            self.close_vm(v)
        if self.spp:
            # by pid only (Spp.close() also pkills by file prefix, for
            # processes launched by the primary, which we never do)
            for p in reversed(self.spp.procs):
                if p is not self.spp.ctl:
                    p.stop()
            self.spp.ctl.stop()
            self.spp.cleanup_dpdk_files()
        for v in range(self.VHOST_BASE, self.VHOST_BASE + self.NUM_VHOST):
            if os.path.exists('/tmp/sock%d' % v):
                os.unlink('/tmp/sock%d' % v)
        self._netns_down()

    def _netns_down(self):
        sh('ip netns del %s 2>/dev/null' % self.NS, check=False)
        sh('ip link del %s 2>/dev/null' % self.PHY, check=False)
