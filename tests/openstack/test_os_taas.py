# SPDX-License-Identifier: BSD-3-Clause
"""Unit tests of TaaS: the service driver SppTaasDriver and the agent's
mirror wiring, with etcd, spp-ctl and the TaaS plugin faked (the driver
and the agent run together: a tap_action write runs the agent's sync)."""

import json

import pytest
from neutron_lib import exceptions as n_exc
from oslo_config import cfg

from fakes import FakeEtcd, FakeSppCtl
from networking_spp.agent import taas
from networking_spp.agent.spp_agent import SppAgent
from networking_spp.common import etcd_key as K
from networking_spp.common import host_config
from networking_spp.service_drivers import taas as taas_driver

H = 'cn1'
MIRROR = 3            # spp_mirror's id: 2 NICs, then the mirror
# NIC 1 vhosts 0, 1 (rings 0-3), NIC 2 vhost 2 (rings 4, 5), mirrors from
# ring 6 on core 6: mirror 0 ring 6/7, 1 ring 8/9, 2 ring 10/11
SPECS = ['physnet1:2:0x18', 'physnet2:1:0x60']


class FakePlugin(object):
    """What the driver uses of the TaaS plugin."""

    def __init__(self):
        self.ports = {}
        self.services = {}
        self.flows = {}

    def get_port_details(self, ctx, port_id):
        if port_id not in self.ports:
            raise n_exc.PortNotFound(port_id=port_id)
        return self.ports[port_id]

    def get_tap_service(self, ctx, sid):
        return self.services[sid]

    def update_tap_flow(self, ctx, fid, body):
        self.flows[fid].update(body['tap_flow'])

    def update_tap_service(self, ctx, sid, body):
        self.services[sid].update(body['tap_service'])


class Ctx(object):
    def __init__(self, tap_service=None, tap_flow=None):
        self._plugin_context = object()
        self.tap_service = tap_service
        self.tap_flow = tap_flow


class Env(object):

    def __init__(self, mirror_spec='3:0x60'):
        self.etcd = FakeEtcd()
        self.api = FakeSppCtl((1, 2), mirror_ids=(MIRROR,))
        self.agent = SppAgent(H, self.etcd, self.api, vf_specs=SPECS,
                              mirror_spec=mirror_spec)
        self.agent.load_config()
        self.plugin = FakePlugin()
        self.drv = taas_driver.SppTaasDriver(self.plugin, etcd=self.etcd)
        self.agent_on = True
        self.etcd.on_put.append(self._on_put)
        for port, vid, physnet in (('mon', 0, 'physnet1'),
                                   ('src', 1, 'physnet1'),
                                   ('src2', 2, 'physnet2')):
            self.plug(port, vid, physnet)
        self.agent.sync()

    def _on_put(self, key, _val):
        if self.agent_on and key.startswith(K.tap_action_prefix(H)):
            self.agent.sync()

    def plug(self, port, vid, physnet, host=H):
        self.plugin.ports[port] = {'id': port, 'binding:host_id': host,
                                   'binding:vif_type': 'vhostuser'}
        if host != H:
            self.etcd.put(K.bind_port(host, port), '{}')
            return
        assert self.etcd.replace(K.vhost(H, physnet, vid), 'None', port)
        self.etcd.put(K.bind_port(H, port), json.dumps(
            {'vhost_id': vid, 'mac_address': 'fa:16:3e:00:00:%02x' % vid}))
        self.etcd.put(K.action(H, port), 'plug')

    def service(self, sid='ts1', port='mon'):
        ts = {'id': sid, 'port_id': port, 'status': 'DOWN'}
        ctx = Ctx(tap_service=ts)
        self.drv.create_tap_service_precommit(ctx)
        self.plugin.services[sid] = ts
        self.drv.create_tap_service_postcommit(ctx)
        return ts

    def flow(self, fid, direction='BOTH', src='src', sid='ts1'):
        tf = {'id': fid, 'tap_service_id': sid, 'source_port': src,
              'direction': direction, 'status': 'DOWN'}
        ctx = Ctx(tap_flow=tf)
        self.drv.create_tap_flow_precommit(ctx)
        self.plugin.flows[fid] = tf
        try:
            self.drv.create_tap_flow_postcommit(ctx)
        except Exception:
            del self.plugin.flows[fid]
            raise
        return tf

    def delete_flow(self, fid):
        tf = self.plugin.flows.pop(fid)
        self.drv._unplug(tf['id'])

    def comps(self, sec, kind='vfs'):
        procs = self.api.vfs if kind == 'vfs' else self.api.mirrors
        return {n: ([p for p, _ in c['rx']], [p for p, _ in c['tx']],
                    c['type'])
                for n, c in procs[sec]['components'].items()}

    def state(self):
        return (self.comps(1), self.comps(2), self.comps(MIRROR, 'm'),
                sorted((k, v) for k, (v, _) in self.etcd.kv.items()))


@pytest.fixture
def env():
    cfg.CONF.set_override('wait_tap_timeout', 1, 'spp')
    e = Env()
    yield e
    cfg.CONF.clear_override('wait_tap_timeout', 'spp')


def test_mirror_config_published():
    conf = host_config.build(SPECS, mirror_spec='2#0x60')
    assert conf['mirror'] == [{'core': 6, 'ports': ['ring:6', 'ring:7']},
                              {'core': 6, 'ports': ['ring:8', 'ring:9']}]
    etcd = FakeEtcd()
    host_config.publish(etcd, H, conf)
    assert etcd.get_prefix(K.mirror_prefix(H))[0] == [
        (K.mirror(H, 0), 'None'), (K.mirror(H, 1), 'None')]
    for bad in ('x:0x6', '2:0x4', '0:0x6', '2'):
        with pytest.raises(host_config.ConfigError):
            host_config.parse_mirror_spec(bad)


def test_both_wiring_and_back(env):
    before = env.state()
    ts = env.service()
    assert ts['status'] == 'ACTIVE'
    tf = env.flow('tf1', 'BOTH')
    assert tf['status'] == 'ACTIVE'
    info = json.loads(env.etcd.get(K.tap_info(H, 'tf1')))
    assert info == {'service_port': 'mon', 'source_port': 'src',
                    'mirror_in': 0, 'mirror_out': 1}
    assert env.etcd.get(K.tap_status(H, 'tf1')) == 'up'
    assert env.etcd.get(K.mirror(H, 0)) == 'tf1'
    assert env.etcd.get(K.mirror(H, 1)) == 'tf1'
    assert env.etcd.get(K.mirror(H, 2)) == 'None'
    vf = env.comps(1)
    # source vhost 1: classifier ring:2 -> mirror 0 -> ring:6 -> vhost:1;
    # vhost:1 -> ring:8 -> mirror 1 -> ring:3 (the merge's)
    assert vf['forward_1_tx'] == (['ring:6'], ['vhost:1'], 'forward')
    assert vf['forward_1_rx'] == (['vhost:1'], ['ring:8'], 'forward')
    assert env.comps(MIRROR, 'm') == {
        'mirror_0': (['ring:2'], ['ring:6', 'ring:7'], 'mirror'),
        'mirror_1': (['ring:8'], ['ring:3', 'ring:9'], 'mirror')}
    # monitor vhost 0: its forward became a merge of its ring and copies
    assert 'forward_0_tx' not in vf
    assert vf['taas_merge_0'] == (['ring:0', 'ring:7', 'ring:9'],
                                  ['vhost:0'], 'merge')
    assert env.comps(2) == before[1]
    # nothing twice
    n = len(env.api.calls)
    env.agent.sync()
    assert len(env.api.calls) == n
    env.delete_flow('tf1')
    assert env.state() == before[:3] + (env.state()[3],)
    assert env.comps(MIRROR, 'm') == {}
    assert env.etcd.get(K.mirror(H, 0)) == 'None'
    assert env.etcd.get(K.mirror(H, 1)) == 'None'
    for k in (K.tap_info, K.tap_action, K.tap_status):
        assert env.etcd.get(k(H, 'tf1')) is None
    assert env.state()[3] == before[3]


@pytest.mark.parametrize('direction', ['IN', 'OUT'])
def test_one_direction(env, direction):
    env.service()
    env.flow('tf1', direction)
    vf = env.comps(1)
    if direction == 'IN':
        assert vf['forward_1_tx'][0] == ['ring:6']
        assert vf['forward_1_rx'][1] == ['ring:3']
        assert env.comps(MIRROR, 'm') == {
            'mirror_0': (['ring:2'], ['ring:6', 'ring:7'], 'mirror')}
    else:
        assert vf['forward_1_tx'][0] == ['ring:2']
        assert vf['forward_1_rx'][1] == ['ring:6']
        assert env.comps(MIRROR, 'm') == {
            'mirror_0': (['ring:6'], ['ring:3', 'ring:7'], 'mirror')}
    assert vf['taas_merge_0'][0] == ['ring:0', 'ring:7']
    assert env.etcd.get(K.mirror(H, 1)) == 'None'


def test_source_on_other_nic_and_two_flows(env):
    env.service()
    env.flow('tf1', 'IN', src='src')
    env.flow('tf2', 'OUT', src='src2')
    # vhost 2 on NIC 2 (spp_vf 2): OUT with mirror 1 (ring 8/9)
    assert env.comps(2)['forward_2_rx'][1] == ['ring:8']
    assert env.comps(1)['taas_merge_0'][0] == ['ring:0', 'ring:7', 'ring:9']
    env.delete_flow('tf1')
    assert env.comps(1)['taas_merge_0'][0] == ['ring:0', 'ring:9']
    assert env.comps(1)['forward_1_tx'][0] == ['ring:2']
    env.delete_flow('tf2')
    assert 'taas_merge_0' not in env.comps(1)
    assert env.comps(1)['forward_0_tx'] == (['ring:0'], ['vhost:0'],
                                            'forward')


def test_agent_restart_recovers_not_doubled(env):
    env.service()
    env.flow('tf1', 'BOTH')
    st = env.state()
    env.api.calls.clear()
    a = SppAgent(H, env.etcd, env.api, vf_specs=SPECS, mirror_spec='3:0x60')
    a.load_config()
    assert a.sync()
    assert env.api.calls == []
    assert env.state() == st
    assert a.taps.keys() == {'tf1'}


def test_mirror_restart_rewired_and_away_falls_back(env):
    env.service()
    env.flow('tf1', 'BOTH')
    st = env.state()
    # spp_mirror gone: the source's wiring falls back to the plain path
    del env.api.mirrors[MIRROR]
    env.agent.sync()
    assert env.comps(1)['forward_1_tx'][0] == ['ring:2']
    assert env.comps(1)['forward_1_rx'][1] == ['ring:3']
    assert 'forward_0_tx' in env.comps(1)
    # back (empty): wired again as before
    env.api.mirrors[MIRROR] = {'components': {}}
    env.agent.sync()
    assert env.state() == st


def refused(env, exc, fn, *args, **kw):
    before = env.state()
    calls = len(env.api.calls)
    with pytest.raises(exc) as e:
        fn(*args, **kw)
    assert env.state() == before
    assert len(env.api.calls) == calls
    return str(e.value)


def test_refusals(env):
    env.plugin.ports['other'] = {'id': 'other', 'binding:host_id': 'cn2',
                                 'binding:vif_type': 'ovs'}
    msg = refused(env, taas_driver.PortNotBoundBySpp, env.service, 'ts0',
                  'other')
    assert 'not bound by SPP' in msg
    refused(env, taas_driver.PortNotBoundBySpp, env.service, 'ts0',
            'nosuchport')
    env.service()
    env.plug('far', 0, None, host='cn2')
    msg = refused(env, taas_driver.PortsOnOtherHosts, env.flow, 'tf0',
                  src='far')
    assert 'on host cn2' in msg and 'on host cn1' in msg
    refused(env, taas_driver.SamePort, env.flow, 'tf0', src='mon')
    env.flow('tf1', 'IN')
    msg = refused(env, taas_driver.DirectionMirrored, env.flow, 'tf2',
                  'BOTH')
    assert 'direction IN by tap flow tf1' in msg
    env.flow('tf2', 'OUT')
    # mirrors 0, 1 used: BOTH of src2 needs 2, 1 free
    msg = refused(env, taas_driver.NoFreeMirror, env.flow, 'tf3', 'BOTH',
                  src='src2')
    assert 'needs 2' in msg and '1 free' in msg
    assert isinstance(taas_driver.NoFreeMirror(host=H, need=1, free=0),
                      n_exc.Conflict)


def test_no_mirror_configured():
    e = Env(mirror_spec='')
    e.service()
    with pytest.raises(taas_driver.NoMirrorOnHost):
        e.flow('tf1')
    assert e.etcd.get_prefix(K.tap_info_prefix(H))[0] == []


def test_agent_not_answering_gives_everything_back(env):
    env.service()
    env.agent_on = False
    before = env.state()
    with pytest.raises(taas_driver.TapFlowNotWired):
        env.flow('tf1')
    assert env.state() == before
    # the agent comes back: nothing to undo, nothing applied
    env.agent.sync()
    assert env.state() == before


def test_plan_orders_mirror_tx():
    st = {'components': [{'name': 'm', 'type': 'mirror', 'core': 6,
                          'rx_port': [{'port': 'ring:1'}],
                          'tx_port': [{'port': 'ring:3'},
                                      {'port': 'ring:2'}]}]}
    lay = [{'name': 'm', 'type': 'mirror', 'core': 6,
            'rx_port': ['ring:1'], 'tx_port': ['ring:2', 'ring:3']}]
    rm, add = taas.plan(st, lay)
    assert rm == [('detach', 'm', 'ring:3', 'tx'),
                  ('detach', 'm', 'ring:2', 'tx')]
    assert add == [('attach', 'm', 'ring:2', 'tx'),
                   ('attach', 'm', 'ring:3', 'tx')]


def test_class_path_is_a_taas_driver():
    """The class path operators configure (the original's) loads the
    driver Neutron's TaaS plugin expects."""
    from neutron_taas.services.taas.service_drivers import TaasBaseDriver
    from oslo_utils import importutils
    cls = importutils.import_class(
        'networking_spp.service_drivers.taas.SppTaasDriver')
    assert issubclass(cls, TaasBaseDriver)
    assert not getattr(cls, '__abstractmethods__', None)
