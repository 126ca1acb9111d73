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


def components(status):
    """A secondary's components by name: type, rx ports, tx ports (what
    is wired, not its counters)."""
    return {c['name']: (c['type'], [p['port'] for p in c['rx_port']],
                        [p['port'] for p in c['tx_port']])
            for c in status['components'] if c.get('name')}


class TaasNode2(TaasNode):
    """A second SPP host, for a tap flow across hosts: spp-ctl, spp_primary
    and spp_vf of its own (names, --file-prefix, ports, vhost 48), its own
    SPP agent publishing its configuration, no spp_mirror and no VM, the
    least hugepages."""
    HOST, NS, PHY, PHY_NS = 'taas-cn2', 'taas2-ext', 'taas2-ph0', \
        'taas2-ph0n'
    NAME = 'taas2'
    VHOST_BASE, NUM_VHOST = 48, 1
    VF_SPEC = '%s:1:0x18' % PHYSNET
    MIRROR_NUM = 0
    MEM = 128


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
            self.add_port(name, wait=False)
        for name in self.ports:
            self.wait_active(name)
        node.vm(self.vhost('mon'), self.mac('mon'), fwd='rxonly')
        node.vm(self.vhost('src'), self.mac('src'))
        for name in ('mon', 'src'):
            node.vms[self.vhost(name)].wait_ready()
            node.wait_link(self.vhost(name))
        node.neigh(self.ip('src'), self.mac('src'))
        self.service = None

    def add_port(self, name, host=None, wait=True):
        """A port of a VM (compute:nova) bound to `host` (the node's by
        default); no VM is needed for SPP to bind it and report it up."""
        self.ports[name] = self.stack.post('port', {
            'name': 'taas-' + name, 'network_id': self.net,
            'binding:host_id': host or self.node.HOST,
            'device_owner': 'compute:nova',
            'device_id': str(uuid.uuid4())})
        if wait:
            self.wait_active(name)
        return self.ports[name]

    def wait_active(self, name):
        wait_for(lambda: self.stack.get('port', self.id(name))['status'] ==
                 'ACTIVE', timeout=30, what='port %s ACTIVE' % name)
        self.ports[name] = self.stack.get('port', self.id(name))

    def delete_port(self, name):
        self.stack.delete('port', self.ports.pop(name)['id'])

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

    def ensure_service(self):
        if self.service is None:
            self.service = self.create_service()
        return self.service

    def flows(self):
        return self.req('GET', '/tap_flows')[1]['tap_flows']

    # -- what to compare -------------------------------------------------
    def keys(self):
        """etcd's TaaS keys of the node."""
        h = self.node.HOST
        return [kv for p in (K.mirror_prefix(h), K.tap_info_prefix(h),
                             K.tap_action_prefix(h), K.tap_status_prefix(h))
                for kv in self.etcd.get_prefix(p)[0]]

    def all_keys(self):
        """Every etcd key under networking-spp's root, with its value."""
        return dict(self.etcd.get_prefix(K.ROOT)[0])

    def wiring(self):
        """(spp_vf's components, spp_mirror's), by name: type, rx, tx."""
        spp = self.node.spp
        return (components(spp.vf_status(1)),
                components(spp.mirror_status(TaasNode.MIRROR_ID)))

    def wiring_vf(self):
        return components(self.node.spp.vf_status(1))

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


@pytest.fixture
def tnode2(stack):
    n = TaasNode2(stack)
    yield n
    n.close()


def test_flow_from_another_host_refused(stack, tnode, taas, tnode2):
    """A source port bound by SPP on taas-cn2 and the tap service's port
    on taas-cn1: the tap flow is refused with PortsOnOtherHosts, and
    nothing changes (etcd under networking-spp's root, spp_mirror, spp_vf
    of both hosts, the flows)."""
    taas.ensure_service()
    port = taas.add_port('cn2', host=tnode2.HOST)
    try:
        assert port['binding:host_id'] == tnode2.HOST
        assert port['binding:vif_type'] == 'vhostuser'
        assert taas.vhost('cn2') == TaasNode2.VHOST_BASE
        assert taas.etcd.get(K.bind_port(tnode2.HOST, port['id']))

        def state():
            st = tnode2.vf_status()
            return (taas.all_keys(), taas.wiring(), st['ports'],
                    components(st), taas.flows())
        before = state()
        assert 'vhost:%d' % TaasNode2.VHOST_BASE in before[2]
        code, body = taas.req('POST', '/tap_flows', {'tap_flow': {
            'name': 'x', 'tap_service_id': taas.service['id'],
            'source_port': port['id'], 'direction': 'BOTH'}})
        assert code == 400, body
        err = body['NeutronError']
        assert err['type'] == 'PortsOnOtherHosts', err
        assert err['message'] == (
            "Source port %s is on host taas-cn2, the tap service's port %s "
            "on host taas-cn1: SPP mirrors between ports of one host only"
            % (port['id'], taas.id('mon')))
        time.sleep(2)       # two passes of each agent
        assert state() == before
    finally:
        taas.delete_port('cn2')
    wait_for(lambda: not [k for k in taas.all_keys()
                          if k.startswith(K.bind_port_prefix(tnode2.HOST))],
             timeout=20, what='the cn2 port unbound')


def test_service_delete_removes_its_flows(stack, tnode, taas):
    plain = taas.wiring()
    taas.ensure_service()
    taas.create_flow('BOTH')
    assert taas.wiring()[1] != {}
    taas.delete('tap_service', taas.service['id'])
    taas.service = None
    assert taas.flows() == []
    wait_for(lambda: taas.wiring()[1] == {}, timeout=10,
             what='mirrors stopped')
    assert taas.wiring() == plain
    assert [v for _k, v in taas.keys()] == ['None', 'None']
    taas.traffic(0)


def test_port_delete_removes_its_flows(stack, tnode, taas):
    """Deleting a port through Neutron deletes the tap flows whose source
    it is and the tap services on it (TaaS's PORT PRECOMMIT_DELETE
    receiver calls our driver's delete hooks): the mirror wiring is
    undone, spp_mirror's components are free again, the tap keys gone,
    the other flows and the other VMs' traffic keep going."""
    taas.ensure_service()
    plain, plain_keys, plain_all = taas.wiring(), taas.keys(), \
        taas.all_keys()
    # the source port of a flow (no VM needed), next to a flow of src
    taas.add_port('src3')
    gone = taas.create_flow('OUT', src='src3')
    kept = taas.create_flow('IN')
    vf, mirror = taas.wiring()
    assert len(mirror) == 2
    fwd = 'forward_%d_rx' % taas.vhost('src3')
    assert vf[fwd][2] != plain[0][fwd][2]       # to the mirror
    taas.traffic(1)
    taas.delete_port('src3')
    assert [f['id'] for f in taas.flows()] == [kept['id']]
    h = tnode.HOST
    for key in (K.tap_info(h, gone['id']), K.tap_action(h, gone['id']),
                K.tap_status(h, gone['id'])):
        assert taas.etcd.get(key) is None, key
    mirrors = dict(taas.etcd.get_prefix(K.mirror_prefix(h))[0])
    assert sorted(mirrors.values()) == sorted(['None', kept['id']])
    assert len(taas.wiring()[1]) == 1
    taas.traffic(1)
    taas.delete('tap_flow', kept['id'])
    wait_for(lambda: taas.wiring() == plain, timeout=20,
             what='the plain wiring back')
    assert taas.keys() == plain_keys
    taas.traffic(0)

    # the tap service's port: its service and flow go with it
    taas.add_port('mon2')
    code, body = taas.req('POST', '/tap_services', {'tap_service': {
        'name': 'taas-ts2', 'port_id': taas.id('mon2')}})
    assert code == 201, body
    ts2 = body['tap_service']
    code, body = taas.req('POST', '/tap_flows', {'tap_flow': {
        'name': 'taas-tf2', 'tap_service_id': ts2['id'],
        'source_port': taas.id('src'), 'direction': 'BOTH'}})
    assert code == 201, body
    assert len(taas.wiring()[1]) == 2
    assert 'taas_merge_%d' % taas.vhost('mon2') in taas.wiring()[0]
    taas.traffic(0)         # the copies go to mon2's vhost, not mon's
    taas.delete_port('mon2')
    assert taas.flows() == []
    services = taas.req('GET', '/tap_services')[1]['tap_services']
    assert [s['id'] for s in services] == [taas.service['id']]
    wait_for(lambda: taas.wiring() == plain, timeout=20,
             what='the plain wiring back')
    assert taas.keys() == plain_keys
    wait_for(lambda: taas.all_keys() == plain_all, timeout=20,
             what='nothing left in etcd')
    taas.traffic(0)
