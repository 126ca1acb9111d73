# SPDX-License-Identifier: BSD-3-Clause
"""Unit tests of the ML2 mechanism driver `spp` with etcd faked and a
stand-in for ML2's PortContext."""

import json
import time
from unittest import mock

import pytest
from neutron_lib.api.definitions import portbindings
from neutron_lib.plugins.ml2 import api
from oslo_config import cfg

from fakes import FakeEtcd
from networking_spp.common import etcd_key as K
from networking_spp.common import host_config
from networking_spp.mech_driver import mech_spp

H = 'cn1'


class Ctx(object):
    """What the driver uses of ML2's PortContext."""

    def __init__(self, host=H, net_type='flat', physnet='physnet1',
                 seg_id=None, alive=True, port_id='p1',
                 mac='fa:16:3e:00:00:01', vif_type=None, orig=None):
        self.current = {'id': port_id, 'mac_address': mac, 'status': 'DOWN',
                        portbindings.VNIC_TYPE: 'normal'}
        self.host = host
        self.segments_to_bind = [{api.ID: 'seg-1', api.NETWORK_TYPE:
                                  net_type, api.PHYSICAL_NETWORK: physnet,
                                  api.SEGMENTATION_ID: seg_id}]
        self.agents = ([{'host': host, 'alive': alive}]
                       if alive is not None else [])
        self.binding = None
        self.vif_type = vif_type
        self.original_vif_type, self.original_host = orig or (None, None)
        self._plugin_context = object()

    def host_agents(self, agent_type):
        assert agent_type == 'SPP neutron agent'
        return self.agents

    def set_binding(self, segment_id, vif_type, vif_details, status=None):
        self.binding = (segment_id, vif_type, vif_details, status)


@pytest.fixture
def drv():
    cfg.CONF.set_override('wait_plug_timeout', 1, 'spp')
    etcd = FakeEtcd()
    host_config.publish(etcd, H, host_config.build(['physnet1:2:0x6']))
    d = mech_spp.SppMechanismDriver(etcd=etcd)
    d.initialize()
    yield d, etcd
    cfg.CONF.clear_override('wait_plug_timeout', 'spp')


def quick_agent(etcd, host=H):
    """Writes 'up' as soon as 'plug' is written: before the driver can
    have started any watch (the original's race)."""
    def cb(key, val):
        if key.startswith(K.action_prefix(host)) and val == 'plug':
            etcd.put(K.port_status(host, key.rsplit('/', 1)[1]), 'up')
    etcd.on_put.append(cb)


def test_bind_flat(drv):
    d, etcd = drv
    quick_agent(etcd)
    ctx = Ctx()
    t = time.monotonic()
    d.bind_port(ctx)
    assert time.monotonic() - t < 0.5, 'waited although the agent was quick'
    assert ctx.binding == ('seg-1', 'vhostuser',
                           {'port_filter': False, 'vhostuser_mode': 'server',
                            'vhostuser_socket': '/tmp/sock0'}, None)
    assert etcd.get(K.vhost(H, 'physnet1', 0)) == 'p1'
    assert json.loads(etcd.get(K.bind_port(H, 'p1'))) == {
        'vhost_id': 0, 'mac_address': 'fa:16:3e:00:00:01'}
    assert etcd.get(K.action(H, 'p1')) == 'plug'
    ctx2 = Ctx(port_id='p2', mac='fa:16:3e:00:00:02')
    d.bind_port(ctx2)
    assert ctx2.binding[2]['vhostuser_socket'] == '/tmp/sock1'


def test_bind_vlan(drv):
    d, etcd = drv
    quick_agent(etcd)
    ctx = Ctx(net_type='vlan', seg_id=150)
    d.bind_port(ctx)
    assert ctx.binding[1] == 'vhostuser'
    assert json.loads(etcd.get(K.bind_port(H, 'p1')))['vlan_id'] == 150


def test_rebind_reuses_vhost(drv):
    d, etcd = drv
    quick_agent(etcd)
    d.bind_port(Ctx())
    etcd.on_put.clear()     # the agent has nothing new to do
    ctx = Ctx()
    t = time.monotonic()
    d.bind_port(ctx)
    assert time.monotonic() - t < 0.5
    assert ctx.binding[2]['vhostuser_socket'] == '/tmp/sock0'
    assert etcd.get(K.vhost(H, 'physnet1', 1)) == 'None'


@pytest.mark.parametrize('kw', [dict(host='other'),
                                dict(net_type='vxlan'),
                                dict(physnet='physnet9'),
                                dict(net_type='vlan', physnet='physnet9',
                                     seg_id=5)])
def test_left_to_others(drv, kw):
    """A host without SPP configuration, a segment type or physnet SPP
    does not serve: not bound, nothing written."""
    d, etcd = drv
    rev = etcd.rev
    ctx = Ctx(**kw)
    d.bind_port(ctx)
    assert ctx.binding is None and etcd.rev == rev


def test_agent_dead_not_bound(drv):
    d, etcd = drv
    rev = etcd.rev
    for alive in (False, None):
        ctx = Ctx(alive=alive)
        d.bind_port(ctx)
        assert ctx.binding is None
    assert etcd.rev == rev


def test_no_free_vhost(drv):
    d, etcd = drv
    quick_agent(etcd)
    d.bind_port(Ctx(port_id='a'))
    d.bind_port(Ctx(port_id='b'))
    keys = dict(etcd.get_prefix(K.ROOT)[0])
    ctx = Ctx(port_id='c')
    with mock.patch.object(mech_spp.LOG, 'error') as err:
        d.bind_port(ctx)
    assert ctx.binding is None
    assert 'no free vhost' in err.call_args[0][0]
    assert dict(etcd.get_prefix(K.ROOT)[0]) == keys


def test_timeout_gives_vhost_back(drv):
    d, etcd = drv
    ctx = Ctx()
    t = time.monotonic()
    with mock.patch.object(mech_spp.LOG, 'error') as err:
        d.bind_port(ctx)
    assert 0.9 < time.monotonic() - t < 3
    assert ctx.binding is None
    assert 'did not plug it' in err.call_args[0][0]
    assert etcd.get(K.vhost(H, 'physnet1', 0)) == 'None'
    for key in (K.bind_port(H, 'p1'), K.action(H, 'p1')):
        assert etcd.get(key) is None
    # ML2 tries again at once (10 times): those tries wait a moment only
    d.RETRY_WAIT = 0.2
    t = time.monotonic()
    d.bind_port(Ctx())
    assert time.monotonic() - t < 0.6
    assert etcd.get(K.vhost(H, 'physnet1', 0)) == 'None'
    # and an agent that answers again binds the port
    quick_agent(etcd)
    ctx = Ctx()
    d.bind_port(ctx)
    assert ctx.binding[1] == 'vhostuser'
    assert d._timeout("p1") == 1


def test_stale_up_does_not_count(drv):
    """An 'up' left from an earlier plug with another record (say a
    different VLAN) does not make the new binding succeed."""
    d, etcd = drv
    etcd.replace(K.vhost(H, 'physnet1', 0), 'None', 'p1')
    etcd.put(K.bind_port(H, 'p1'), json.dumps({'vhost_id': 0,
                                               'mac_address': 'x'}))
    etcd.put(K.action(H, 'p1'), 'plug')
    etcd.put(K.port_status(H, 'p1'), 'up')
    ctx = Ctx()
    d.bind_port(ctx)
    assert ctx.binding is None


def test_postcommit_bound_and_delete(drv):
    d, etcd = drv
    quick_agent(etcd)
    d.bind_port(Ctx())
    d.update_port_postcommit(Ctx(vif_type='vhostuser'))
    assert etcd.get(K.bound(H, 'p1')) == 'bound'
    # a later update of the bound port: not written again
    rev = etcd.rev
    d.update_port_postcommit(Ctx(vif_type='vhostuser',
                                 orig=('vhostuser', H)))
    assert etcd.rev == rev
    d.delete_port_postcommit(Ctx(vif_type='vhostuser'))
    assert etcd.get(K.action(H, 'p1')) == 'unplug'
    # a port SPP never bound: nothing
    rev = etcd.rev
    d.delete_port_postcommit(Ctx(port_id='zz', vif_type='ovs'))
    assert etcd.rev == rev


def test_host_change_unplugs_old_host(drv):
    d, etcd = drv
    quick_agent(etcd)
    d.bind_port(Ctx())
    d.update_port_postcommit(Ctx(host='', vif_type='unbound',
                                 orig=('vhostuser', H)))
    assert etcd.get(K.action(H, 'p1')) == 'unplug'


def test_provisioning_block(drv):
    d, etcd = drv
    with mock.patch.object(mech_spp.provisioning_blocks,
                           'add_provisioning_component') as add:
        d.create_port_precommit(Ctx())
        assert add.call_args[0][1] == 'p1'
        assert add.call_args[0][3] == 'L2'
        add.reset_mock()
        d.create_port_precommit(Ctx(alive=None))    # no SPP agent there
        d.create_port_precommit(Ctx(host=''))
        assert not add.called


def test_delete_with_etcd_down_says_so(drv):
    d, etcd = drv
    etcd.down = True
    with mock.patch.object(mech_spp.LOG, 'error') as err:
        d.delete_port_postcommit(Ctx(vif_type='vhostuser'))
    assert 'not unplugged' in err.call_args[0][0]
