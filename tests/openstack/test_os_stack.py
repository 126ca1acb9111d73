# SPDX-License-Identifier: BSD-3-Clause
"""System tests of networking-spp with every part real: etcd, RabbitMQ,
MariaDB, neutron-server with ML2 `spp`, the SPP agent, spp-ctl,
spp_primary (phy:0 a veth into namespace ostk-ext), spp_vf --vhost-client
and testpmd VMs on virtio_user. Driven through Neutron's REST API; frames
are pings from the namespace to the VMs (testpmd icmpecho)."""

import json
import os
import subprocess
import threading
import time
import uuid

import pytest

from networking_spp.common import etcd_key as K
from networking_spp.common.etcd_client import EtcdClient
from ostknode import HOST, NUM_VHOST, PHY_NS, VF_SPEC, VHOST_BASE, ns
from sppenv import wait_for

PHYSNET = 'physnet1'
HERE = os.path.dirname(os.path.abspath(__file__))


def etcd_of(stack):
    return EtcdClient('127.0.0.1', stack.etcd.port)


def new_port(stack, net, name, host=HOST):
    return stack.post('port', {'name': name, 'network_id': net,
                               'binding:host_id': host,
                               'device_owner': 'compute:nova',
                               'device_id': str(uuid.uuid4())})


def vhost_of(port):
    assert port['binding:vif_type'] == 'vhostuser', port
    d = port['binding:vif_details']
    assert d['vhostuser_mode'] == 'server' and d['port_filter'] is False
    sock = d['vhostuser_socket']
    assert sock.startswith('/tmp/sock')
    return int(sock[len('/tmp/sock'):])


def wait_active(stack, port_id, timeout=30):
    wait_for(lambda: stack.get('port', port_id)['status'] == 'ACTIVE',
             timeout=timeout, what='port %s ACTIVE' % port_id)


def macs_in_table(node):
    return sorted(e['value'].split('/')[-1] for e in node.table())


class Flat(object):
    """A flat network on physnet1 with two ports bound to the node and a
    VM on each."""

    def __init__(self, stack, node):
        self.stack, self.node = stack, node
        self.net = stack.post('network', {
            'name': 'ostk-flat', 'provider:network_type': 'flat',
            'provider:physical_network': PHYSNET})['id']
        stack.post('subnet', {'network_id': self.net, 'ip_version': 4,
                              'cidr': '10.111.0.0/24', 'enable_dhcp': False,
                              'gateway_ip': None, 'allocation_pools': [
                                  {'start': '10.111.0.10',
                                   'end': '10.111.0.99'}]})
        ns('ip addr add 10.111.0.1/24 dev %s' % PHY_NS)
        self.ports = {}
        for name in ('A', 'B'):
            self.ports[name] = new_port(stack, self.net, 'ostk-' + name)

    def vhost(self, name):
        return vhost_of(self.ports[name])

    def mac(self, name):
        return self.ports[name]['mac_address']

    def ip(self, name):
        return self.ports[name]['fixed_ips'][0]['ip_address']

    def start_vms(self):
        for name in self.ports:
            self.node.vm(self.vhost(name), self.mac(name))
        for name in self.ports:
            self.node.vms[self.vhost(name)].wait_ready()
            self.node.wait_link(self.vhost(name))
            self.node.neigh(self.ip(name), self.mac(name))

    def pings(self):
        return [self.node.ping(self.ip(n)) for n in sorted(self.ports)]

    def close(self):
        for p in self.ports.values():
            self.stack.req('DELETE', '/ports/%s' % p['id'])
        self.stack.req('DELETE', '/networks/%s' % self.net)
        ns('ip addr flush dev %s' % PHY_NS, check=False)


@pytest.fixture(scope='module')
def flat(stack, node):
    f = Flat(stack, node)
    yield f
    f.close()


def test_flat_two_ports(stack, node, flat):
    """Two ports on a flat network: each its own vhost, ACTIVE after the
    agent's report; ping reaches each VM, and frames to A never reach B."""
    va, vb = flat.vhost('A'), flat.vhost('B')
    assert va != vb
    assert {va, vb} <= set(range(VHOST_BASE, VHOST_BASE + NUM_VHOST))
    for name in 'AB':
        # bound, but DOWN until the agent reports it (provisioning block)
        assert flat.ports[name]['status'] == 'DOWN'
        wait_active(stack, flat.ports[name]['id'])
    etcd = etcd_of(stack)
    for name in 'AB':
        p = flat.ports[name]
        assert etcd.get(K.vhost(HOST, PHYSNET, flat.vhost(name))) == p['id']
        assert etcd.get(K.port_status(HOST, p['id'])) == 'up'
    agent = stack.agents(HOST)[0]
    assert agent['alive'] and agent['binary'] == 'neutron-spp-agent'
    wait_for(lambda: stack.agents(HOST)[0]['configurations']['vhosts'] ==
             {PHYSNET: {'total': NUM_VHOST, 'free': NUM_VHOST - 2}},
             timeout=15, what='agent configurations with 2 vhosts used')
    assert macs_in_table(node) == sorted([flat.mac('A'), flat.mac('B')])

    flat.start_vms()
    assert flat.pings() == [True, True]
    # isolation: pings to A only; spp_vf sends nothing to B's vhost
    a0, b0 = node.vhost_tx(va), node.vhost_tx(vb)
    assert node.ping(flat.ip('A'), count=5)
    assert node.vhost_tx(va) >= a0 + 5
    assert node.vhost_tx(vb) == b0


def vlanping(mac, ip, vlan, count=3):
    r = ns('/usr/bin/python3 %s %s %s %s 10.112.0.1 %s %d' % (
        os.path.join(HERE, 'vlanping.py'), PHY_NS, mac, ip, vlan, count))
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_vlan_network(stack, node):
    """A VLAN network: frames on the wire carry the segmentation id, the
    VM gets them untagged, its replies leave tagged."""
    net = stack.post('network', {'name': 'ostk-vlan',
                                 'provider:network_type': 'vlan',
                                 'provider:physical_network': PHYSNET,
                                 'provider:segmentation_id': 150})['id']
    port = None
    try:
        stack.post('subnet', {'network_id': net, 'ip_version': 4,
                              'cidr': '10.112.0.0/24', 'enable_dhcp': False,
                              'gateway_ip': None, 'allocation_pools': [
                                  {'start': '10.112.0.10',
                                   'end': '10.112.0.99'}]})
        port = new_port(stack, net, 'ostk-C')
        v, mac = vhost_of(port), port['mac_address']
        ip = port['fixed_ips'][0]['ip_address']
        wait_active(stack, port['id'])
        st = node.vf_status()
        cls = [c for c in st['components'] if c.get('name') == 'classifier']
        ring = 'ring:%d' % (2 * (v - VHOST_BASE))
        assert {'type': 'vlan', 'value': '150/' + mac, 'port': ring} in [
            {k: e[k] for k in ('type', 'value', 'port')}
            for e in st['classifier_table']]
        assert [p['vlan']['operation'] for p in cls[0]['tx_port']
                if p['port'] == ring] == ['del']
        vm = node.vm(v, mac)
        vm.wait_ready()
        node.wait_link(v)
        time.sleep(1.5)
        rx0 = node.vm_rx(v)
        # tagged requests: tagged replies (the VM answered untagged
        # frames: it has no VLAN of its own)
        assert vlanping(mac, ip, 150) == {'tagged': 3, 'untagged': 0,
                                          'other_tag': 0}
        # the VM got the three requests untagged: 98 bytes each (102
        # with the tag), as testpmd counts them
        time.sleep(1.5)
        pk, by = node.vm_rx(v)
        assert pk - rx0[0] == 3 and by - rx0[1] == 3 * 98, (rx0, pk, by)
        # untagged, or in another VLAN: not delivered
        assert vlanping(mac, ip, 'none', 2) == {'tagged': 0, 'untagged': 0,
                                                'other_tag': 0}
        assert vlanping(mac, ip, 151, 2) == {'tagged': 0, 'untagged': 0,
                                             'other_tag': 0}
        stack.delete('port', port['id'])
        port = None
        wait_for(lambda: mac not in macs_in_table(node), timeout=15,
                 what='entry of the deleted port gone')
        st = node.vf_status()
        cls = [c for c in st['components'] if c.get('name') == 'classifier']
        mg = [c for c in st['components'] if c.get('name') == 'merge']
        assert [p['vlan']['operation'] for p in cls[0]['tx_port']
                if p['port'] == ring] == ['none']
        assert [p['vlan']['operation'] for p in mg[0]['rx_port']
                if p['port'] == 'ring:%d' % (2 * (v - VHOST_BASE) + 1)] == [
                    'none']
        node.close_vm(v)
    finally:
        if port:
            stack.req('DELETE', '/ports/%s' % port['id'])
        stack.req('DELETE', '/networks/%s' % net)


def test_no_free_vhost_and_unknown_host(stack, node, flat):
    """All vhosts taken: the next port is binding_failed and nothing
    leaks; a host without SPP configuration is left to other drivers (here
    none: binding_failed) and gets no key."""
    settled(stack, flat)
    extra = [new_port(stack, flat.net, 'ostk-X%d' % i)
             for i in range(NUM_VHOST - 2)]
    try:
        for p in extra:
            vhost_of(p)
        etcd = etcd_of(stack)
        before = etcd.get_prefix(K.ROOT)[0]
        p = new_port(stack, flat.net, 'ostk-full')
        assert p['binding:vif_type'] == 'binding_failed'
        assert etcd.get_prefix(K.ROOT)[0] == before
        stack.delete('port', p['id'])
        p = new_port(stack, flat.net, 'ostk-elsewhere', host='ostk-nocfg')
        assert p['binding:vif_type'] == 'binding_failed'
        assert etcd.get_prefix(K.ROOT)[0] == before
        stack.delete('port', p['id'])
    finally:
        for p in extra:
            stack.delete('port', p['id'])
    wait_for(lambda: etcd.get_prefix(K.vhost_prefix(HOST, PHYSNET))[0] ==
             sorted([(K.vhost(HOST, PHYSNET, v), flat.ports[n]['id'])
                     for n, v in (('A', flat.vhost('A')),
                                  ('B', flat.vhost('B')))] +
                    [(K.vhost(HOST, PHYSNET, v), 'None')
                     for v in range(VHOST_BASE, VHOST_BASE + NUM_VHOST)
                     if v not in (flat.vhost('A'), flat.vhost('B'))]),
             timeout=15, what='extra vhosts free again')
    assert macs_in_table(node) == sorted([flat.mac('A'), flat.mac('B')])


def test_port_moved_to_other_host(stack, node, flat):
    """A port whose binding:host_id changes to a host without SPP: it is
    unplugged here (entry gone, vhost free) and not bound there."""
    p = new_port(stack, flat.net, 'ostk-moving')
    etcd = etcd_of(stack)
    try:
        v = vhost_of(p)
        wait_active(stack, p['id'])
        assert p['mac_address'] in macs_in_table(node)
        moved = stack.req('PUT', '/ports/%s' % p['id'], {'port': {
            'binding:host_id': 'ostk-nocfg'}}, 200)['port']
        assert moved['binding:vif_type'] == 'binding_failed'
        wait_for(lambda: etcd.get(K.vhost(HOST, PHYSNET, v)) == 'None' and
                 etcd.get(K.bind_port(HOST, p['id'])) is None, timeout=15,
                 what='port unplugged from %s' % HOST)
        assert p['mac_address'] not in macs_in_table(node)
        assert etcd.get_prefix(K.ROOT + 'bind_port/ostk-nocfg/')[0] == []
    finally:
        stack.delete('port', p['id'])
    settled(stack, flat)


def settled(stack, flat):
    """Wait until etcd holds only the flat network's ports: every other
    port's unplug is done."""
    etcd = etcd_of(stack)
    ids = sorted(p['id'] for p in flat.ports.values())

    def only_flat():
        keys = [k for k, _ in etcd.get_prefix(K.action_prefix(HOST))[0]]
        owners = sorted(v for _, v in etcd.get_prefix(
            K.vhost_prefix(HOST))[0] if v != 'None')
        return keys == sorted(K.action(HOST, i) for i in ids) and \
            owners == ids
    wait_for(only_flat, timeout=30, what='only the flat ports in etcd')


def bind_in_background(stack, net, name):
    res = {}

    def run():
        try:
            res['port'] = new_port(stack, net, name)
        except Exception as e:  # reported by the test
            res['error'] = e
    t = threading.Thread(target=run)
    t.start()
    return t, res


def check_restart(stack, node, flat, stop, start):
    """Stop something under bound ports; a port created meanwhile is
    bound once it is back; traffic works; nothing duplicated."""
    stop()
    t, res = bind_in_background(stack, flat.net, 'ostk-meanwhile')
    time.sleep(1)
    start()
    t.join(60)
    assert 'port' in res, res
    p = res['port']
    try:
        vhost_of(p)
        wait_active(stack, p['id'])
        wait_for(lambda: macs_in_table(node) == sorted(
            [flat.mac('A'), flat.mac('B'), p['mac_address']]), timeout=20,
            what='classifier table of 3 ports')
        for name in 'AB':
            node.wait_link(flat.vhost(name))
        assert flat.pings() == [True, True]
    finally:
        stack.delete('port', p['id'])
    wait_for(lambda: macs_in_table(node) == sorted(
        [flat.mac('A'), flat.mac('B')]), timeout=20, what='port removed')
    settled(stack, flat)


def test_agent_restart(stack, node, flat):
    """The agent stopped; the host configuration published again by
    spp-openstack-config (claimed vhosts untouched); the agent started
    without [spp] vf, reading it from etcd as the original did."""
    etcd = etcd_of(stack)

    def start():
        before = etcd.get_prefix(K.vhost_prefix(HOST))[0]
        conf = etcd.get(K.configuration(HOST))
        subprocess.run(['/usr/bin/python3', '-m',
                        'networking_spp.common.host_config', '--host', HOST,
                        '--etcd-port', str(stack.etcd.port),
                        '--vhost-id-base', str(VHOST_BASE), VF_SPEC],
                       env=stack.env, check=True)
        assert etcd.get_prefix(K.vhost_prefix(HOST))[0] == before
        assert json.loads(etcd.get(K.configuration(HOST))) == json.loads(
            conf)
        node.agent_conf = stack.agent_conf(HOST, node.spp.ctl_port, None,
                                           None)
        node.start_agent()
    check_restart(stack, node, flat, node.stop_agent, start)


def test_spp_vf_restart(stack, node, flat):
    def start():
        node.vf = node.start_vf()
    check_restart(stack, node, flat, node.stop_vf, start)


def test_spp_ctl_restart(stack, node, flat):
    """spp-ctl down and up again on its ports: spp_primary and spp_vf
    reconnect by themselves, the agent carries on."""
    spp = node.spp

    def stop():
        spp.ctl.stop()
        spp.procs.remove(spp.ctl)

    def start():
        spp.ctl = spp.start_ctl()
        wait_for(lambda: spp.has_process('vf', 1), timeout=30,
                 what='vf 1 back at spp-ctl')
    check_restart(stack, node, flat, stop, start)


def test_etcd_restart(stack, node, flat):
    """etcd down and up again under bound ports: the agent's watch
    resumes; a port created after is wired at once."""
    stack.etcd.stop()
    time.sleep(2)
    stack.etcd.start()
    p = new_port(stack, flat.net, 'ostk-after-etcd')
    try:
        vhost_of(p)
        wait_active(stack, p['id'])
        assert flat.pings() == [True, True]
    finally:
        stack.delete('port', p['id'])
    settled(stack, flat)


def test_bind_timeout_gives_vhost_back(stack, node, flat):
    """spp_vf away: the agent cannot plug a new port; after the driver's
    wait_plug_timeout (20 s) the port is binding_failed, its vhost claim is
    given back and no key is left. spp_vf back: wired again, traffic."""
    etcd = etcd_of(stack)
    settled(stack, flat)
    before = etcd.get_prefix(K.ROOT)[0]
    node.stop_vf()
    try:
        t = time.monotonic()
        p = new_port(stack, flat.net, 'ostk-timeout')
        took = time.monotonic() - t
        assert p['binding:vif_type'] == 'binding_failed'
        # 20 s, then ML2's 9 more tries of 1 s each
        assert 19 < took < 45, took
        assert etcd.get_prefix(K.ROOT)[0] == before
        with open(stack.server_log) as f:
            log = f.read()
        assert ('port %s not bound: the SPP agent on %s did not plug '
                'it within 20 s' % (p['id'], HOST)) in log
        assert log.count('port %s not bound: the SPP agent on %s did not '
                         'plug it within 1 s' % (p['id'], HOST)) == 9
        stack.delete('port', p['id'])
    finally:
        node.vf = node.start_vf()
    wait_for(lambda: macs_in_table(node) == sorted(
        [flat.mac('A'), flat.mac('B')]), timeout=20, what='wired again')
    for name in 'AB':
        node.wait_link(flat.vhost(name))
    assert flat.pings() == [True, True]


def test_port_delete(stack, node, flat):
    """Deleting port A: its entry goes, its vhost is free again, frames to
    its MAC are no longer delivered; B keeps working."""
    a = flat.ports.pop('A')
    va = vhost_of(a)
    stack.delete('port', a['id'])
    etcd = etcd_of(stack)
    keys = (K.bind_port(HOST, a['id']), K.action(HOST, a['id']),
            K.port_status(HOST, a['id']), K.bound(HOST, a['id']))
    wait_for(lambda: etcd.get(K.vhost(HOST, PHYSNET, va)) == 'None' and
             all(etcd.get(k) is None for k in keys),
             timeout=15, what='vhost of A free, its keys gone')
    assert macs_in_table(node) == [flat.mac('B')]
    tx = node.vhost_tx(va)
    assert not node.ping(a['fixed_ips'][0]['ip_address'], count=2)
    assert node.vhost_tx(va) == tx
    assert flat.pings() == [True]
