# SPDX-License-Identifier: BSD-3-Clause
"""System tests of TaaS through spp_mirror with every part real: the
networking-spp stack (etcd, RabbitMQ, MariaDB, neutron-server with ML2
`spp` and the TaaS plugin with SppTaasDriver, the SPP agent) and a node of
its own (taas- names, vhosts 44-47, spp_vf 1 and spp_mirror 2 with two
mirror components). Driven through Neutron's REST API; frames are pings
from the namespace to the source VM (testpmd icmpecho), the monitor VM is
testpmd in rxonly mode counting what it gets."""

import os
import time
import uuid

import pytest

from networking_spp.common import etcd_key as K
from networking_spp.common.etcd_client import EtcdClient
from osstack import LOGDIR
from ostknode import Node
from sppenv import wait_for

PHYSNET = 'physnet2'
ICMP_FRAME = 98          # ping's default 56 bytes of data, untagged
N = 10


class TaasNode(Node):
    HOST, NS, PHY, PHY_NS = 'taas-cn1', 'taas-ext', 'taas-ph0', 'taas-ph0n'
    NAME = 'taas'
    VHOST_BASE, NUM_VHOST = 44, 4
    VF_SPEC = '%s:4:0x18' % PHYSNET
    MIRROR_NUM = 2


class Taas(object):
    """A flat network on physnet2 with three ports on the node: the
    monitor's (VM in rxonly), the source's (VM answering pings), and a
    second source without a VM."""

    def __init__(self, stack, node):
        self.stack, self.node = stack, node
        self.etcd = EtcdClient('127.0.0.1', stack.etcd.port)
        self.net = stack.post('network', {
            'name': 'taas-flat', 'provider:network_type': 'flat',
            'provider:physical_network': PHYSNET})['id']
        stack.post('subnet', {'network_id': self.net, 'ip_version': 4,
                              'cidr': '10.113.0.0/24', 'enable_dhcp': False,
                              'gateway_ip': None, 'allocation_pools': [
                                  {'start': '10.113.0.10',
                                   'end': '10.113.0.99'}]})
        node.ns('ip addr add 10.113.0.1/24 dev %s' % node.PHY_NS)
        self.ports = {}
        for name in ('mon', 'src', 'src2'):
            self.ports[name] = stack.post('port', {
                'name': 'taas-' + name, 'network_id': self.net,
                'binding:host_id': node.HOST,
                'device_owner': 'compute:nova',
                'device_id': str(uuid.uuid4())})
        for name in self.ports:
            wait_for(lambda: stack.get('port', self.id(name))['status'] ==
                     'ACTIVE', timeout=30, what='port %s ACTIVE' % name)
        node.vm(self.vhost('mon'), self.mac('mon'), fwd='rxonly')
        node.vm(self.vhost('src'), self.mac('src'))
        for name in ('mon', 'src'):
            node.vms[self.vhost(name)].wait_ready()
            node.wait_link(self.vhost(name))
        node.neigh(self.ip('src'), self.mac('src'))
        self.service = None

    def id(self, name):
        return self.ports[name]['id']

    def vhost(self, name):
        sock = self.ports[name]['binding:vif_details']['vhostuser_socket']
        return int(sock[len('/tmp/sock'):])

    def mac(self, name):
        return self.ports[name]['mac_address']

    def ip(self, name):
        return self.ports[name]['fixed_ips'][0]['ip_address']

    # -- TaaS API --------------------------------------------------------
    def req(self, method, path, body=None):
        import requests
        r = requests.request(method, self.stack.url + '/taas' + path,
                             json=body, timeout=60)
        return r.status_code, (r.json() if r.content else None)

    def create_service(self, port='mon'):
        code, body = self.req('POST', '/tap_services', {'tap_service': {
            'name': 'taas-ts', 'port_id': self.id(port)}})
        assert code == 201, body
        return body['tap_service']

    def create_flow(self, direction, src='src', code=201):
        c, body = self.req('POST', '/tap_flows', {'tap_flow': {
            'name': 'taas-tf', 'tap_service_id': self.service['id'],
            'source_port': self.id(src), 'direction': direction}})
        assert c == code, body
        return body['tap_flow'] if code == 201 else body['NeutronError']

    def delete(self, what, oid):
        code, body = self.req('DELETE', '/%ss/%s' % (what, oid))
        assert code == 204, body

    def flows(self):
        return self.req('GET', '/tap_flows')[1]['tap_flows']

    # -- what to compare -------------------------------------------------
    def keys(self):
        """etcd's TaaS keys of the node."""
        h = self.node.HOST
        return [kv for p in (K.mirror_prefix(h), K.tap_info_prefix(h),
                             K.tap_action_prefix(h), K.tap_status_prefix(h))
                for kv in self.etcd.get_prefix(p)[0]]

    def wiring(self):
        """(spp_vf's components, spp_mirror's), by name: type, rx, tx."""
        def comps(st):
            return {c['name']: (c['type'],
                                [p['port'] for p in c['rx_port']],
                                [p['port'] for p in c['tx_port']])
                    for c in st['components'] if c.get('name')}
        spp = self.node.spp
        return (comps(spp.vf_status(1)),
                comps(spp.mirror_status(TaasNode.MIRROR_ID)))

    def wiring_vf(self):
        return {c['name']: (c['type'], [p['port'] for p in c['rx_port']],
                            [p['port'] for p in c['tx_port']])
                for c in self.node.spp.vf_status(1)['components']
                if c.get('name')}

    def traffic(self, copies):
        """N pings to the source VM: all answered, the source VM gets N
        frames, the monitor VM exactly `copies` * N of 98 bytes."""
        src, mon = self.vhost('src'), self.vhost('mon')
        s0, m0 = self.node.vm_rx(src), self.node.vm_rx(mon)
        assert self.node.ping(self.ip('src'), count=N)
        wait_for(lambda: self.node.vm_rx(src)[0] >= s0[0] + N, timeout=10,
                 what='source VM counts the requests')
        want = (m0[0] + copies * N, m0[1] + copies * N * ICMP_FRAME)
        if copies:
            wait_for(lambda: self.node.vm_rx(mon) >= want, timeout=10,
                     what='monitor VM counts %d copies' % (copies * N))
        # testpmd prints its statistics every second: two more periods
        time.sleep(2.2)
        assert self.node.vm_rx(src) == (s0[0] + N, s0[1] + N * ICMP_FRAME)
        assert self.node.vm_rx(mon) == want

    def close(self):
        for f in self.flows():
            self.req('DELETE', '/tap_flows/%s' % f['id'])
        for s in self.req('GET', '/tap_services')[1]['tap_services']:
            self.req('DELETE', '/tap_services/%s' % s['id'])
        for p in self.ports.values():
            self.stack.req('DELETE', '/ports/%s' % p['id'])
        self.stack.req('DELETE', '/networks/%s' % self.net)


@pytest.fixture(scope='module')
def tnode(stack):
    n = TaasNode(stack)
    yield n
    n.close()


@pytest.fixture(scope='module')
def taas(stack, tnode):
    t = Taas(stack, tnode)
    yield t
    t.close()


def test_tap_flows_each_direction(stack, tnode, taas):
    """A tap service on the monitor's port, then a tap flow BOTH, IN, OUT
    in turn: the source keeps answering, the monitor gets one copy of each
    frame of the flow's direction(s); deleting the flow stops the copies
    and gives the mirrors back (wiring and etcd keys as before)."""
    plain_wiring, plain_keys = taas.wiring(), taas.keys()
    assert plain_wiring[1] == {}
    assert [v for _k, v in plain_keys] == ['None', 'None']
    taas.service = taas.create_service()
    taas.traffic(0)
    src, mon = taas.vhost('src'), taas.vhost('mon')
    for direction, copies in (('BOTH', 2), ('IN', 1), ('OUT', 1)):
        flow = taas.create_flow(direction)
        fid = flow['id']
        assert [f['status'] for f in taas.flows()] == ['ACTIVE']
        assert taas.etcd.get(K.tap_status(tnode.HOST, fid)) == 'up'
        vf, mirror = taas.wiring()
        assert len(mirror) == copies
        assert 'taas_merge_%d' % mon in vf
        assert 'forward_%d_tx' % mon not in vf
        assert all(c[0] == 'mirror' and len(c[2]) == 2
                   for c in mirror.values())
        if direction != 'OUT':
            assert vf['forward_%d_tx' % src][1] != plain_wiring[0][
                'forward_%d_tx' % src][1]
        taas.traffic(copies)
        taas.delete('tap_flow', fid)
        assert taas.flows() == []
        assert taas.wiring() == plain_wiring
        assert taas.keys() == plain_keys
        taas.traffic(0)


def test_agent_and_mirror_restart_with_a_flow(stack, tnode, taas):
    """The agent stopped and started while a BOTH flow exists: the wiring
    is recovered as it was, not doubled (nothing started, attached or
    detached), copies still one per frame. Then spp_mirror restarted
    under the running agent: the source falls back to its plain path
    meanwhile and the mirror is wired again when spp_mirror is back."""
    flow = taas.create_flow('BOTH')
    try:
        wired, keys = taas.wiring(), taas.keys()
        taas.traffic(2)
        log = os.path.join(LOGDIR, 'spp-agent-%s-log.log' % tnode.HOST)
        started = stack.agents(tnode.HOST)[0]['started_at']
        tnode.stop_agent()
        size = os.path.getsize(log)
        tnode.start_agent()

        def synced():
            a = stack.agents(tnode.HOST)
            return a and a[0]['started_at'] != started and \
                a[0]['configurations'].get('tap_flows') == 1
        # the new agent reports the flow once a pass of it has run
        wait_for(synced, timeout=60, what='the new agent synced the flow')
        time.sleep(2)
        assert taas.wiring() == wired
        assert taas.keys() == keys
        with open(log) as f:
            f.seek(size)
            new = f.read()
        assert 'SPP agent on %s' % tnode.HOST in new
        assert 'mirror %d: ' % TaasNode.MIRROR_ID not in new
        assert 'vf 1: ' not in new
        taas.traffic(2)

        tnode.stop_mirror()
        plain_src = 'forward_%d_tx' % taas.vhost('src')
        wait_for(lambda: taas.node.spp.vf_status(1) and
                 'taas_merge_%d' % taas.vhost('mon') not in
                 taas.wiring_vf(), timeout=20, what='plain wiring')
        assert taas.wiring_vf()[plain_src][1] == ['ring:%d' % (
            2 * (taas.vhost('src') - TaasNode.VHOST_BASE))]
        taas.traffic(0)
        tnode.mirror = tnode.start_mirror()
        wait_for(lambda: taas.wiring() == wired, timeout=20,
                 what='mirror wired again')
        taas.traffic(2)
    finally:
        taas.delete('tap_flow', flow['id'])
    assert taas.wiring()[1] == {}


def test_refusals_change_nothing(stack, tnode, taas):
    """Each refusal answers a clear error and changes nothing: a port not
    bound by SPP, a direction already mirrored, no free mirror."""
    def same(fn):
        before = (taas.wiring(), taas.keys(), taas.flows())
        err = fn()
        assert (taas.wiring(), taas.keys(), taas.flows()) == before
        return err

    unbound = stack.post('port', {'name': 'taas-unbound',
                                  'network_id': taas.net})
    try:
        code, body = same(lambda: taas.req('POST', '/tap_services', {
            'tap_service': {'name': 'x', 'port_id': unbound['id']}}))
        assert code == 400, body
        assert 'not bound by SPP' in body['NeutronError']['message']
        ids = [s['id'] for s in taas.req('GET', '/tap_services')[1][
            'tap_services']]
        assert ids == [taas.service['id']]
        code, body = same(lambda: taas.req('POST', '/tap_flows', {
            'tap_flow': {'name': 'x', 'tap_service_id': taas.service['id'],
                         'source_port': unbound['id'],
                         'direction': 'BOTH'}}))
        assert code == 400, body
        assert body['NeutronError']['type'] == 'PortNotBoundBySpp'
    finally:
        stack.delete('port', unbound['id'])

    flow = taas.create_flow('IN')
    err = same(lambda: taas.create_flow('BOTH', code=409))
    assert 'already mirrored in direction IN' in err['message']
    flow2 = taas.create_flow('OUT')
    err = same(lambda: taas.create_flow('IN', src='src2', code=409))
    assert err['type'] == 'NoFreeMirror'
    assert 'No free spp_mirror component on host taas-cn1' in \
        err['message']
    taas.traffic(2)
    taas.delete('tap_flow', flow['id'])
    taas.delete('tap_flow', flow2['id'])


def test_service_delete_removes_its_flows(stack, tnode, taas):
    plain = taas.wiring()
    taas.create_flow('BOTH')
    assert taas.wiring()[1] != {}
    taas.delete('tap_service', taas.service['id'])
    assert taas.flows() == []
    wait_for(lambda: taas.wiring()[1] == {}, timeout=10,
             what='mirrors stopped')
    assert taas.wiring() == plain
    assert [v for _k, v in taas.keys()] == ['None', 'None']
    taas.traffic(0)
