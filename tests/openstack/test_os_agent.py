# SPDX-License-Identifier: BSD-3-Clause
"""Unit tests of the SPP agent's logic with etcd, spp-ctl and Neutron
faked (tests/openstack/fakes.py)."""

import json

import pytest

from fakes import FakeEtcd, FakeNeutron, FakeSppCtl
from networking_spp.agent.spp_agent import SppAgent
from networking_spp.common import etcd_key as K
from networking_spp.common import host_config
from networking_spp.common.etcd_client import Compacted, EtcdError

H = 'cn1'
MAC = 'fa:16:3e:00:00:0a'


@pytest.fixture
def env():
    etcd, api, neutron = FakeEtcd(), FakeSppCtl((1, 2)), FakeNeutron()
    agent = SppAgent(H, etcd, api, vf_specs=['physnet1:2:0x18',
                                             'physnet2:1:0x60'],
                     neutron=neutron)
    agent.load_config()
    return etcd, api, neutron, agent


def plug(etcd, port, vid, physnet='physnet1', vlan=None, mac=MAC):
    assert etcd.replace(K.vhost(H, physnet, vid), 'None', port)
    rec = {'vhost_id': vid, 'mac_address': mac}
    if vlan is not None:
        rec['vlan_id'] = vlan
    etcd.put(K.bind_port(H, port), json.dumps(rec))
    etcd.put(K.action(H, port), 'plug')


def comp(api, sec, name):
    return api.vfs[sec]['components'][name]


def test_config_published_and_parsed(env):
    etcd, _, _, agent = env
    conf = json.loads(etcd.get(K.configuration(H)))
    assert [v['physical_network'] for v in conf['vf']] == ['physnet1',
                                                           'physnet2']
    assert [n.sec_id for n in agent.nics] == [1, 2]
    # vhost ids are global across NICs, rings 2v and 2v+1
    assert agent.nics[0].vhosts == {0: ('ring:0', 'ring:1'),
                                    1: ('ring:2', 'ring:3')}
    assert agent.nics[1].vhosts == {2: ('ring:4', 'ring:5')}
    assert etcd.get_prefix(K.vhost_prefix(H))[0] == [
        (K.vhost(H, 'physnet1', 0), 'None'),
        (K.vhost(H, 'physnet1', 1), 'None'),
        (K.vhost(H, 'physnet2', 2), 'None')]


def test_publish_keeps_claimed_vhosts(env):
    etcd, api, neutron, agent = env
    plug(etcd, 'p1', 0)
    SppAgent(H, etcd, api, vf_specs=['physnet1:2:0x18',
                                     'physnet2:1:0x60']).load_config()
    assert etcd.get(K.vhost(H, 'physnet1', 0)) == 'p1'


def test_original_configuration_is_read(env):
    """A configuration written to etcd by someone else (the original's
    way), with the original's classifier_mac type and its own names."""
    etcd, api, _, _ = env
    conf = host_config.build(['physnet7:1:0x6'])
    for c in conf['vf'][0]['components']:
        if c['type'] == 'classifier':
            c['type'] = 'classifier_mac'
            c['name'] = 'cls_x'
    etcd.put(K.configuration('cn2'), json.dumps(conf))
    a = SppAgent('cn2', etcd, api)
    a.load_config()
    assert a.nics[0].classifier == 'cls_x'
    assert a.nics[0].physnet == 'physnet7'
    assert a.nics[0].vhosts == {0: ('ring:0', 'ring:1')}


@pytest.mark.parametrize('spec', ['physnet1', 'physnet1:x:0x6',
                                  'physnet1:1:0x4', 'physnet1:0:0x6',
                                  'physnet1:65:0x6'])
def test_bad_vf_spec(spec):
    with pytest.raises(host_config.ConfigError):
        host_config.build([spec])


def test_wiring_then_nothing_twice(env):
    etcd, api, _, agent = env
    assert agent.sync()
    c = comp(api, 1, 'classifier')
    assert c['type'] == 'classifier' and c['core'] == 4
    assert c['rx'] == [('phy:0', None)]
    assert c['tx'] == [('ring:0', None), ('ring:2', None)]
    assert comp(api, 1, 'merge')['tx'] == [('phy:0', None)]
    assert comp(api, 1, 'forward_1_tx')['tx'] == [('vhost:1', None)]
    assert comp(api, 1, 'forward_1_rx')['tx'] == [('ring:3', None)]
    assert comp(api, 2, 'classifier')['rx'] == [('phy:1', None)]
    assert comp(api, 2, 'forward_2_tx')['rx'] == [('ring:4', None)]
    assert comp(api, 2, 'classifier')['core'] == 6
    n = len(api.calls)
    assert agent.sync()
    assert len(api.calls) == n


def test_plug_flat(env):
    etcd, api, neutron, agent = env
    agent.sync()
    plug(etcd, 'p1', 1)
    api.calls.clear()
    agent.sync()
    assert api.calls == [('cls_add', 1, MAC, 'ring:2', None)]
    assert etcd.get(K.port_status(H, 'p1')) == 'up'
    # not reported to Neutron before the binding is committed
    assert neutron.up == []
    etcd.put(K.bound(H, 'p1'), 'bound')
    api.calls.clear()
    agent.sync()
    agent.sync()
    assert api.calls == []
    assert neutron.up == [['p1']]


def test_plug_vlan_and_unplug(env):
    etcd, api, _, agent = env
    agent.sync()
    plug(etcd, 'p1', 0, vlan=101, mac=MAC.upper())
    agent.sync()
    vf = api.vfs[1]
    assert ('ring:0', ('del', 0, 0)) in comp(api, 1, 'classifier')['tx']
    assert ('ring:1', ('add', 101, 0)) in comp(api, 1, 'merge')['rx']
    assert vf['table'] == [{'type': 'vlan', 'value': '101/' + MAC,
                            'port': 'ring:0'}]
    etcd.put(K.bound(H, 'p1'), 'bound')
    etcd.put(K.action(H, 'p1'), 'unplug')
    agent.sync()
    assert vf['table'] == []
    assert ('ring:0', None) in comp(api, 1, 'classifier')['tx']
    assert ('ring:1', None) in comp(api, 1, 'merge')['rx']
    assert etcd.get(K.vhost(H, 'physnet1', 0)) == 'None'
    for key in (K.bind_port(H, 'p1'), K.action(H, 'p1'),
                K.port_status(H, 'p1'), K.bound(H, 'p1')):
        assert etcd.get(key) is None
    assert agent.vhost_use['physnet1'] == {'total': 2, 'free': 2}


def test_spp_vf_restart_is_wired_again(env):
    etcd, api, neutron, agent = env
    plug(etcd, 'p1', 0, vlan=7)
    plug(etcd, 'p2', 2, physnet='physnet2', mac='fa:16:3e:00:00:0b')
    agent.sync()
    before = api.vfs[1]['table'] + api.vfs[2]['table']
    api.restart(1)
    agent.sync()
    assert api.vfs[1]['table'] + api.vfs[2]['table'] == before
    assert ('ring:1', ('add', 7, 0)) in comp(api, 1, 'merge')['rx']


def test_spp_ctl_down_frees_nothing(env):
    """While spp-ctl is unreachable nothing is reported up, and an
    unplugged port keeps its vhost until its entries are really gone."""
    etcd, api, neutron, agent = env
    agent.sync()
    plug(etcd, 'p1', 0)
    api.down = True
    assert not agent.sync()
    assert etcd.get(K.port_status(H, 'p1')) is None
    api.down = False
    agent.sync()
    assert etcd.get(K.port_status(H, 'p1')) == 'up'
    etcd.put(K.action(H, 'p1'), 'unplug')
    api.down = True
    agent.sync()
    assert etcd.get(K.vhost(H, 'physnet1', 0)) == 'p1'
    api.down = False
    agent.sync()
    assert etcd.get(K.vhost(H, 'physnet1', 0)) == 'None'
    assert api.vfs[1]['table'] == []


def test_agent_restart_applies_nothing_twice(env):
    etcd, api, neutron, agent = env
    plug(etcd, 'p1', 0, vlan=5)
    plug(etcd, 'p2', 1)
    etcd.put(K.bound(H, 'p1'), 'bound')
    agent.sync()
    api.calls.clear()
    again = SppAgent(H, etcd, api, vf_specs=['physnet1:2:0x18',
                                             'physnet2:1:0x60'],
                     neutron=neutron)
    again.load_config()
    again.sync()
    assert api.calls == []


def test_stale_entries_removed(env):
    """An entry on a vhost's ring that no port wants (a binding given up
    by the driver after the agent applied it) is removed."""
    etcd, api, _, agent = env
    plug(etcd, 'p1', 0)
    agent.sync()
    # the driver gives up: keys deleted, vhost freed
    etcd.delete(K.action(H, 'p1'))
    etcd.delete(K.bind_port(H, 'p1'))
    etcd.replace(K.vhost(H, 'physnet1', 0), 'p1', 'None')
    # the agent had written 'up' just after that (a race it can lose)
    etcd.put(K.port_status(H, 'p1'), 'up')
    agent.sync()
    assert api.vfs[1]['table'] == []
    assert etcd.get_prefix(K.ROOT + 'port_status/')[0] == []


def test_plug_of_unclaimed_vhost_refused(env):
    etcd, api, _, agent = env
    etcd.put(K.bind_port(H, 'p9'), json.dumps({'vhost_id': 0,
                                               'mac_address': MAC}))
    etcd.put(K.action(H, 'p9'), 'plug')
    agent.sync()
    assert api.vfs[1]['table'] == []
    assert etcd.get(K.port_status(H, 'p9')) is None


def test_neutron_report_retried(env):
    etcd, api, neutron, agent = env
    plug(etcd, 'p1', 0)
    etcd.put(K.bound(H, 'p1'), 'bound')
    neutron.fail = True
    agent.sync()
    neutron.fail = False
    agent.sync()
    assert neutron.up == [['p1']]


def test_state_report(env):
    etcd, api, neutron, agent = env
    plug(etcd, 'p1', 0)
    agent.sync()
    agent.report()
    agent.report()
    s0, s1 = neutron.states
    assert s0['start_flag'] and 'start_flag' not in s1
    assert s1['agent_type'] == 'SPP neutron agent'
    assert s1['binary'] == 'neutron-spp-agent' and s1['host'] == H
    assert s1['configurations']['physical_networks'] == ['physnet1',
                                                         'physnet2']
    assert s1['configurations']['vhosts'] == {
        'physnet1': {'total': 2, 'free': 1},
        'physnet2': {'total': 1, 'free': 1}}
    assert s1['configurations']['devices'] == 1


def test_watch_resumes_from_last_revision(env):
    etcd, api, _, agent = env
    agent.rev = None
    with pytest.raises(EtcdError):
        agent.watch_once()
    first = agent.rev
    assert agent.kick.is_set()
    agent.kick.clear()
    plug(etcd, 'p1', 0)
    etcd.put('/spp/openstack/action/other-host/x', 'plug')
    with pytest.raises(EtcdError):
        agent.watch_once()
    assert etcd.watches[-1] == first + 1
    assert agent.rev == etcd.rev
    assert agent.kick.is_set()
    # an event of another host only: no pass
    agent.kick.clear()
    etcd.put('/spp/openstack/action/other-host/y', 'plug')
    with pytest.raises(EtcdError):
        agent.watch_once()
    assert not agent.kick.is_set()
    assert etcd.watches[-1] == first + 1 + 4


def test_watch_compacted_starts_over(env):
    etcd, api, _, agent = env
    agent.rev = 5

    def compacted(*a, **kw):
        raise Compacted('gone')
        yield  # noqa
    etcd.watch = compacted
    agent.stopping.wait = lambda t: agent.stopping.set()
    with pytest.raises(Compacted):
        agent.watch_once()
    calls = []

    def once():
        calls.append(1)
        if len(calls) > 1:
            agent.stopping.set()
        raise Compacted('gone')
    agent.watch_once = once
    agent.watch_loop()
    assert agent.rev is None


def test_vhost_id_base():
    conf = host_config.build(['physnet1:2:0x6', 'physnet2:1:0x6'], 40)
    nics = host_config.nics_of(conf)
    assert nics[0].vhosts == {40: ('ring:0', 'ring:1'),
                              41: ('ring:2', 'ring:3')}
    assert nics[1].vhosts == {42: ('ring:4', 'ring:5')}


def test_not_reported_twice_across_spp_vf_restart(env):
    etcd, api, neutron, agent = env
    plug(etcd, 'p1', 0)
    etcd.put(K.bound(H, 'p1'), 'bound')
    agent.sync()
    api.down = True
    agent.sync()
    api.down = False
    api.restart(1)
    agent.sync()
    assert neutron.up == [['p1']]
    assert api.vfs[1]['table'] == [{'type': 'mac', 'value': MAC,
                                    'port': 'ring:0'}]


def test_config_command_prints(capsys):
    assert host_config.main(['--print', '--vhost-id-base', '8',
                             'physnet3:1:0x6:0000:00:05.0']) == 0
    conf = json.loads(capsys.readouterr().out)
    assert conf['vf'][0]['pci_address'] == '0000:00:05.0'
    assert host_config.nics_of(conf)[0].vhosts == {8: ('ring:0',
                                                       'ring:1')}
